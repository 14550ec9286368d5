package org.amavisd.scanners.decode;

import static org.amavisd.scanners.decode.Msg.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is embedded in OLE2 compound files. The files are real ones, written by Perl's
 * OLE::Storage_Lite through src/test/resources/ole/make-ole.pl: three small ones are committed
 * (made with the 512-byte program stub of {@link DecoderTest#peExe()}: a packaged file in the
 * mini stream, one in ordinary sectors, an Outlook attachment), and one more is made at test time
 * when the module is installed (Debian package libole-storage-lite-perl, group archivers of
 * testenv/ensure-packages.sh; amavisd.e2e=required fails without it, otherwise that test is skipped).
 */
class OleTest {
    @TempDir
    Path tmp;

    private static final byte[] PE = DecoderTest.peExe();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OleTest.class.getResourceAsStream("/ole/" + name)) {
            return in.readAllBytes();
        }
    }

    private DecodeResult decodeAttachment(Path dir, String filename, byte[] data) throws IOException {
        return decodeAttachment(dir, filename, data, DecodeLimits.DEFAULTS);
    }

    private DecodeResult decodeAttachment(Path dir, String filename, byte[] data, DecodeLimits limits)
            throws IOException {
        Files.createDirectories(dir);
        Path msg = dir.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/msword", "; filename=" + filename, data)),
                StandardCharsets.ISO_8859_1);
        return Decoder.decode(msg, dir.resolve("parts"), limits, ExternalArchivers.none());
    }

    @Test
    void aPackagedFileInTheMiniStream() throws IOException {
        DecodeResult r = decodeAttachment(tmp, "report.doc", resource("package-small.doc"));
        Part doc = named(r, "report.doc");
        assertThat(doc.types()).contains("doc");
        Part exe = named(r, "setup.exe");
        assertThat(exe.parentId()).isEqualTo(doc.id());
        assertThat(exe.fromArchive()).isTrue();
        assertThat(exe.types()).contains("exe");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
        // the other streams of the document are not members
        assertThat(r.tree().parts())
                .filteredOn(p -> doc.id().equals(p.parentId()))
                .hasSize(1);
    }

    @Test
    void aPackagedFileInOrdinarySectors() throws IOException {
        DecodeResult r = decodeAttachment(tmp, "report.doc", resource("package-big.doc"));
        Part exe = named(r, "big setup.exe");
        byte[] expected = Arrays.copyOf(PE, 8192);
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(expected);
    }

    @Test
    void anOutlookAttachmentNamedByItsLongAndShortNames() throws IOException {
        DecodeResult r = decodeAttachment(tmp, "mail.msg", resource("attachment.msg"));
        Part exe = named(r, "invoice 2026.pdf.exe");
        assertThat(exe.rawName()).isEqualTo("SHORT~1.EXE");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
    }

    @Test
    void brokenCompoundFilesEndQuietly() throws IOException {
        byte[] good = resource("package-big.doc");
        Random rnd = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] bad = i < 20 ? Arrays.copyOf(good, 512 + rnd.nextInt(good.length - 512)) : good.clone();
            if (i >= 20) { // garble a few bytes of the header, FAT or directory
                for (int k = 0; k < 1 + rnd.nextInt(8); k++)
                    bad[rnd.nextInt(Math.min(bad.length, 3 * 512))] = (byte) rnd.nextInt();
            }
            long t0 = System.nanoTime();
            DecodeResult r = decodeAttachment(tmp.resolve("bad" + i), "x.doc", bad);
            assertThat(System.nanoTime() - t0).as("case " + i).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(named(r, "x.doc").file()).exists();
            for (Part p : r.tree().parts()) {
                if (p.file() != null)
                    assertThat(p.file().getParent())
                            .isEqualTo(tmp.resolve("bad" + i).resolve("parts"));
            }
        }
    }

    @Test
    void garbledPowerPointEndsQuietly() throws IOException {
        // ClamAV's clam.ppt embeds clam.exe as a compressed object (ClamavTestfilesTest finds it)
        Path ppt = ClamavTestfilesTest.DIR.resolve("clam.ppt");
        if (!Files.isReadable(ppt)) {
            String why = "clamav-testfiles not installed (Debian package clamav-testfiles)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        byte[] good = Files.readAllBytes(ppt);
        Random rnd = new Random(4113);
        for (int i = 0; i < 100; i++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + rnd.nextInt(16); k++) bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt();
            long t0 = System.nanoTime();
            DecodeResult r = decodeAttachment(tmp.resolve("ppt" + i), "x.ppt", bad);
            assertThat(System.nanoTime() - t0).as("case " + i).isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(named(r, "x.ppt").file()).exists();
        }
    }

    @Test
    void aPackagedFileMeetsTheQuota() throws IOException {
        DecodeLimits tight = new DecodeLimits(14, 1500, 15_000L, 15_000L, 0, 0, 40, Duration.ofSeconds(60));
        DecodeResult r = decodeAttachment(tmp, "report.doc", resource("package-big.doc"), tight);
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).startsWith("Exceeded storage quota");
    }

    @Test
    void aDocumentMadeNowByOleStorageLite() throws Exception {
        if (!Files.isRegularFile(Path.of("/usr/share/perl5/OLE/Storage_Lite.pm"))) {
            String why = "needs OLE::Storage_Lite (Debian package libole-storage-lite-perl; "
                    + "testenv/ensure-packages.sh archivers)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        Path script = tmp.resolve("make-ole.pl");
        Files.write(script, resource("make-ole.pl"));
        byte[] content = new byte[70_000]; // over several sectors and a FAT sector of its own
        new Random(7).nextBytes(content);
        content[0] = 'M';
        content[1] = 'Z';
        Path in = tmp.resolve("content.bin"), out = tmp.resolve("made.doc");
        Files.write(in, content);
        Process p = new ProcessBuilder(
                        "/usr/bin/perl", script.toString(), out.toString(), "package", "tool.scr", in.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isZero();
        DecodeResult r = decodeAttachment(tmp.resolve("made"), "made.doc", Files.readAllBytes(out));
        assertThat(Files.readAllBytes(named(r, "tool.scr").file())).isEqualTo(content);
    }
}
