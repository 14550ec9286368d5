package org.amavisd.scanners.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.amavisd.policy.conf.AmavisConf;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * @decoders and the program settings it refers to ($lha, $unrar, $bzip2, ...): undef turns a
 * decoder off, as in amavisd-new; an explicit @decoders is followed entry by entry. The programs
 * are fake executables in a directory given as $path, so the tests do not depend on what is
 * installed.
 */
class DecoderTableTest {
    @TempDir
    Path tmp;

    private Path bin(String... names) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        for (String n : names) {
            Path p = dir.resolve(n);
            Files.writeString(p, "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    private DecoderTable table(String conf, String... programs) throws Exception {
        Path dir = bin(programs);
        return DecoderTable.fromConfig(AmavisConf.parse("$path = '" + dir + "';\n" + conf + "\n1;\n", "test.conf"));
    }

    @Test
    void debiansLhaUndefMeansNoDecoderForLha() throws Exception {
        DecoderTable t = table("$lha = 'lha';\n$lha = undef;", "lha", "unrar-free", "cabextract", "arj");
        assertThat(t.decodes("lha")).isFalse();
        assertThat(t.programFor("lha")).isEmpty();
        assertThat(t.report()).contains("No decoder for       .lha ");
        // the others Debian names are there
        assertThat(t.programFor("rar"))
                .hasValueSatisfying(p -> assertThat(p.getFileName().toString()).isEqualTo("unrar-free"));
        assertThat(t.programFor("cab"))
                .hasValueSatisfying(p -> assertThat(p.getFileName().toString()).isEqualTo("cabextract"));
        assertThat(t.programFor("arj"))
                .hasValueSatisfying(p -> assertThat(p.getFileName().toString()).isEqualTo("arj"));
        assertThat(t.report())
                .anyMatch(l -> l.startsWith("Found decoder for    .rar  at ") && l.endsWith("unrar-free"));
    }

    @Test
    void withoutSettingsTheDefaultsNameTheProgramsAsTheSampleConfigDoes() throws Exception {
        DecoderTable t = table("", "lha", "unrar-free", "cabextract");
        for (String type : DecoderTable.TYPES)
            assertThat(t.decodes(type)).as(type).isTrue();
        assertThat(t.programFor("lha")).isPresent();
        assertThat(t.programFor("arj")).as("no arj program: the Java library").isEmpty();
    }

    @Test
    void anExternalTypeWhoseProgramIsMissingIsOff() throws Exception {
        DecoderTable t = table("");
        assertThat(t.decodes("rar")).isFalse();
        assertThat(t.decodes("cab")).isFalse();
        assertThat(t.decodes("lha")).isFalse();
        assertThat(t.decodes("arj")).as("read in Java").isTrue();
        assertThat(t.report()).contains("No decoder for       .rar ");
    }

    @Test
    void undefProgramSettingsTurnJavaDecodersOffToo() throws Exception {
        // amavisd-new: ['bz2', \&do_uncompress, \$bunzip2] with $bzip2 undef has no $bunzip2;
        // ['cpio','tar'] need $pax, 'deb' and 'a' $ar, 'rpm' $rpm2cpio, 'doc' $ripole, 'arj' $unarj
        DecoderTable t = table(
                "$bzip2 = undef; $pax = undef; $ar = ''; $rpm2cpio = undef; $ripole = undef; $unarj = undef;"
                        + " $uncompress = undef;",
                "arj");
        for (String type : List.of("bz2", "tar", "cpio", "deb", "a", "rpm", "doc", "arj", "Z"))
            assertThat(t.decodes(type)).as(type).isFalse();
        // the internal decoders stay: $gzip undef leaves do_gunzip, $tnef undef leaves do_tnef
        DecoderTable u = table("$gzip = undef; $tnef = undef;");
        assertThat(u.decodes("gz")).isTrue();
        assertThat(u.decodes("tnef")).isTrue();
        assertThat(u.decodes("zip")).isTrue();
    }

    @Test
    void sevenZipEntriesCountOnlyWhenSevenZipIsThere() throws Exception {
        DecoderTable without = table("$bzip2 = undef;");
        assertThat(without.decodes("bz2")).isFalse();
        assertThat(without.decodes("7z")).as(".7z itself is read in Java").isTrue();
        DecoderTable with = table("$bzip2 = undef; $unrar = undef;", "7z");
        assertThat(with.decodes("bz2")).as("7z stands in, read in Java").isTrue();
        assertThat(with.decodes("rar")).as("we do not run 7z for rar").isFalse();
    }

    @Test
    void anExplicitDecodersListIsFollowed() throws Exception {
        DecoderTable t = table("""
                @decoders = (
                  ['mail', \\&do_mime_decode],
                  ['zip', \\&do_unzip],
                  ['rar', \\&do_unrar, \\$unrar],
                  ['cab', \\&do_cabextract, undef],
                  ['lha', \\&do_lha, ['lha']],
                  ['gz', \\&do_uncompress, \\$gunzip],
                );
                $unrar = ['unrar-free'];
                """, "unrar-free", "cabextract", "lha", "gzip");
        assertThat(t.decodes("zip")).isTrue();
        assertThat(t.programFor("rar")).as("\\$unrar read at the end").isPresent();
        assertThat(t.decodes("cab")).as("undef program").isFalse();
        assertThat(t.decodes("lha")).isTrue();
        assertThat(t.decodes("gz")).isTrue();
        for (String type : List.of("bz2", "tar", "tnef", "doc", "7z", "arj"))
            assertThat(t.decodes(type)).as(type + " has no entry").isFalse();
        assertThat(t.report()).contains("No decoder for       .tnef (not in @decoders)");
    }

    @Test
    void aTypeThatIsOffStaysALeaf() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write("inside\n".getBytes(StandardCharsets.US_ASCII));
        }
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/octet-stream", "; filename=a.gz", gz.toByteArray())),
                StandardCharsets.ISO_8859_1);
        DecoderTable off = table("@decoders = (['mail', \\&do_mime_decode], ['zip', \\&do_unzip]);");
        DecodeResult r = Decoder.decode(msg, tmp.resolve("parts"), DecodeLimits.DEFAULTS, off);
        Part a = Msg.named(r, "a.gz");
        assertThat(r.tree().children(a.id())).isEmpty();
        DecodeResult on = Decoder.decode(msg, tmp.resolve("parts2"), DecodeLimits.DEFAULTS, table(""));
        assertThat(on.tree().children(Msg.named(on, "a.gz").id())).hasSize(1);
    }

    @Test
    void withDebiansSettingsAnLhaArchiveStaysPackedEvenWithLhaInstalled() throws Exception {
        if (ExternalArchivers.system().programFor("lha").isEmpty()) {
            String why = "no lha program (Debian package lhasa; testenv/ensure-packages.sh archivers)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed(
                        "b",
                        Msg.attachment(
                                "b",
                                "application/octet-stream",
                                "; filename=files.lzh",
                                ExternalArchiversTest.lha("inner.txt", "inside\n"))),
                StandardCharsets.ISO_8859_1);
        AmavisConf debian = AmavisConf.parse("$lha = 'lha';\n$lha = undef;\n1;\n", "01-debian");
        DecodeResult off =
                Decoder.decode(msg, tmp.resolve("p1"), DecodeLimits.DEFAULTS, DecoderTable.fromConfig(debian));
        assertThat(off.tree().children(Msg.named(off, "files.lzh").id())).isEmpty();
        AmavisConf plain = AmavisConf.parse("1;\n", "amavisd.conf");
        DecodeResult on = Decoder.decode(msg, tmp.resolve("p2"), DecodeLimits.DEFAULTS, DecoderTable.fromConfig(plain));
        assertThat(on.tree().children(Msg.named(on, "files.lzh").id()))
                .extracting(Part::name)
                .containsExactly("inner.txt");
    }
}
