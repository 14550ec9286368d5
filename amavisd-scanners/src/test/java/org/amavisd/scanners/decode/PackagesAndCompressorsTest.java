package org.amavisd.scanners.decode;

import static org.amavisd.scanners.decode.Msg.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * The single-file compressors (xz, zstd, lzma, compress's .Z), ar archives and RPM packages, each
 * with a program inside that a banned-file rule must see. RPMs come two ways: written here byte by
 * byte (lead, signature header, header, compressed cpio payload: the layout rpm uses), and built
 * by Debian's rpmbuild at test time with each payload compression it offers (package rpm, group
 * archivers of testenv/ensure-packages.sh; amavisd.e2e=required fails without it, otherwise that
 * test is skipped).
 */
public class PackagesAndCompressorsTest {
    @TempDir
    Path tmp;

    private static final byte[] PE = DecoderTest.peExe();

    private DecodeResult decodeAttachment(String filename, byte[] data) throws IOException {
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/octet-stream", "; filename=" + filename, data)),
                StandardCharsets.ISO_8859_1);
        return Decoder.decode(msg, tmp.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
    }

    private static void assertProgramInside(DecodeResult r, String name, byte[] content, String... names)
            throws IOException {
        Part exe = named(r, name);
        assertThat(exe.fromArchive()).isTrue();
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(content);
        assertThat(r.tree().pathTo(exe.id())).extracting(Part::name).containsExactly(names);
    }

    @Test
    void xz() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new XZOutputStream(b, new LZMA2Options())) {
            out.write(PE);
        }
        DecodeResult r = decodeAttachment("setup.exe.xz", b.toByteArray());
        assertThat(named(r, "setup.exe.xz").types()).containsExactly("xz");
        assertProgramInside(r, "setup.exe", PE, null, "setup.exe.xz", "setup.exe");
        assertThat(named(r, "setup.exe").types()).contains("exe");
    }

    @Test
    void zstd() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdCompressorOutputStream(b)) {
            out.write(PE);
        }
        DecodeResult r = decodeAttachment("setup.exe.zst", b.toByteArray());
        assertThat(named(r, "setup.exe.zst").types()).containsExactly("zst");
        assertProgramInside(r, "setup.exe", PE, null, "setup.exe.zst", "setup.exe");
    }

    @Test
    void lzma() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new LZMAOutputStream(b, new LZMA2Options(), -1)) { // .lzma ("LZMA alone")
            out.write(PE);
        }
        DecodeResult r = decodeAttachment("setup.exe.lzma", b.toByteArray());
        assertThat(named(r, "setup.exe.lzma").types()).containsExactly("lzma");
        assertProgramInside(r, "setup.exe", PE, null, "setup.exe.lzma", "setup.exe");
    }

    @Test
    void unixCompress() throws IOException {
        byte[] content = "MZ a short program, as compress's LZW codes go\r\n".getBytes(StandardCharsets.US_ASCII);
        DecodeResult r = decodeAttachment("run.com.Z", compress(content));
        assertThat(named(r, "run.com.Z").types()).containsExactly("Z");
        assertProgramInside(r, "run.com", content, null, "run.com.Z", "run.com");
    }

    @Test
    void arArchive() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArArchiveOutputStream ar = new ArArchiveOutputStream(b)) {
            byte[] text = "notes\n".getBytes(StandardCharsets.US_ASCII);
            ar.putArchiveEntry(new ArArchiveEntry("notes.txt", text.length));
            ar.write(text);
            ar.closeArchiveEntry();
            ar.putArchiveEntry(new ArArchiveEntry("tool.exe", PE.length));
            ar.write(PE);
            ar.closeArchiveEntry();
        }
        DecodeResult r = decodeAttachment("lib.a", b.toByteArray());
        assertThat(named(r, "lib.a").types()).containsExactly("a");
        assertProgramInside(r, "tool.exe", PE, null, "lib.a", "tool.exe");
        assertThat(named(r, "notes.txt").fromArchive()).isTrue();
    }

    @Test
    void rpmWrittenByteByByteWithEachPayloadCompression() throws IOException {
        for (String compression : List.of("gzip", "xz", "zstd", "none")) {
            Path dir = Files.createDirectories(tmp.resolve(compression));
            byte[] rpm = rpm(cpio("./opt/tool/payload.exe", PE), compression);
            Path msg = dir.resolve("email.txt");
            Files.writeString(
                    msg,
                    Msg.mixed("b", Msg.attachment("b", "application/x-rpm", "; filename=tool.rpm", rpm)),
                    StandardCharsets.ISO_8859_1);
            DecodeResult r = Decoder.decode(msg, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
            assertThat(named(r, "tool.rpm").types()).as(compression).containsExactly("rpm");
            Part exe = named(r, "./opt/tool/payload.exe");
            assertThat(Files.readAllBytes(exe.file())).as(compression).isEqualTo(PE);
            // as amavisd-new with rpm2cpio: the package, its payload (a cpio archive), the program
            assertThat(r.tree().pathTo(exe.id())).extracting(Part::tier).containsExactly(2, 2, 3, 4);
            assertThat(r.tree().pathTo(exe.id()).get(2).types()).as(compression).containsExactly("cpio");
        }
    }

    @Test
    void brokenRpmStaysPackedWithoutError() throws IOException {
        byte[] rpm = rpm(cpio("payload.exe", PE), "gzip");
        for (int cut : new int[] {50, 100, 120, rpm.length - 20}) {
            Path dir = Files.createDirectories(tmp.resolve("cut" + cut));
            Path msg = dir.resolve("email.txt");
            Files.writeString(
                    msg,
                    Msg.mixed(
                            "b", Msg.attachment("b", "application/x-rpm", "; filename=t.rpm", Arrays.copyOf(rpm, cut))),
                    StandardCharsets.ISO_8859_1);
            DecodeResult r = Decoder.decode(msg, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
            assertThat(r.overLimits()).isFalse();
            assertThat(r.mimeErrors()).isEmpty();
            assertThat(named(r, "t.rpm").file()).exists();
            // cut inside the lead or the headers: no payload at all (a cut payload gives what it has)
            if (cut < 200) assertThat(r.tree().parts()).extracting(Part::name).containsExactlyInAnyOrder(null, "t.rpm");
        }
        // an implausible header size is refused before anything is read
        byte[] huge = rpm.clone();
        ByteBuffer.wrap(huge).putInt(96 + 12, 0x7fffffff);
        DecodeResult r = decodeAttachment("huge.rpm", huge);
        assertThat(r.tree().parts()).extracting(Part::name).containsExactlyInAnyOrder(null, "huge.rpm");
    }

    @Test
    void rpmBuiltByRpmbuild() throws Exception {
        Path rpmbuild = Path.of("/usr/bin/rpmbuild");
        if (!Files.isExecutable(rpmbuild)) {
            String why = "needs rpmbuild (Debian package rpm; testenv/ensure-packages.sh archivers)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        // rpm's payload compressors: gzip, xz, zstd, bzip2
        for (String payload : List.of("w9.gzdio", "w6.xzdio", "w19.zstdio", "w9.bzdio")) {
            byte[] rpm = rpmbuild(Files.createDirectories(tmp.resolve("build-" + payload)), PE, payload);
            Path dir = Files.createDirectories(tmp.resolve(payload));
            Path msg = dir.resolve("email.txt");
            Files.writeString(
                    msg,
                    Msg.mixed("b", Msg.attachment("b", "application/x-rpm", "; filename=banned.rpm", rpm)),
                    StandardCharsets.ISO_8859_1);
            DecodeResult r = Decoder.decode(msg, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
            Part exe = named(r, "./opt/payload.exe");
            assertThat(exe.types()).as(payload).contains("exe");
            assertThat(Files.readAllBytes(exe.file())).as(payload).isEqualTo(PE);
        }
    }

    // ---------------------------------------------------------------- writers

    /**
     * A real package built by rpmbuild in {@code top}: /opt/payload.exe with this content, the
     * payload compressed as {@code payload} says (rpm's _binary_payload, e.g. "w9.gzdio").
     */
    public static byte[] rpmbuild(Path top, byte[] content, String payload) throws IOException, InterruptedException {
        Files.createDirectories(top.resolve("SOURCES"));
        Files.write(top.resolve("SOURCES/payload.exe"), content);
        Path spec = top.resolve("t.spec");
        Files.writeString(spec, """
                Name: banned
                Version: 1
                Release: 1
                Summary: a package with a program inside
                License: none
                BuildArch: noarch
                %description
                test
                %install
                mkdir -p %{buildroot}/opt
                cp %{_sourcedir}/payload.exe %{buildroot}/opt/payload.exe
                %files
                /opt/payload.exe
                """);
        Process p = new ProcessBuilder(
                        "/usr/bin/rpmbuild",
                        "-bb",
                        "--quiet",
                        "--define",
                        "_topdir " + top,
                        "--define",
                        "_binary_payload " + payload,
                        "--define",
                        "__os_install_post %{nil}",
                        "--define",
                        "debug_package %{nil}",
                        spec.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("rpmbuild did not finish");
        }
        if (p.exitValue() != 0) throw new IOException("rpmbuild failed: " + out);
        return Files.readAllBytes(top.resolve("RPMS/noarch/banned-1-1.noarch.rpm"));
    }

    /** A newc cpio archive of one file. */
    public static byte[] cpio(String name, byte[] content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream c = new CpioArchiveOutputStream(b, CpioConstants.FORMAT_NEW)) {
            CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, content.length);
            e.setMode(CpioConstants.C_ISREG | 0644);
            c.putArchiveEntry(e);
            c.write(content);
            c.closeArchiveEntry();
        }
        return b.toByteArray();
    }

    /**
     * An RPM package as rpm lays it out: the 96-byte lead, a signature header padded to 8 bytes,
     * the header, the payload. The headers hold one made-up entry each; the decoder reads only
     * their sizes.
     */
    public static byte[] rpm(byte[] cpio, String compression) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] lead = new byte[96];
        lead[0] = (byte) 0xed;
        lead[1] = (byte) 0xab;
        lead[2] = (byte) 0xee;
        lead[3] = (byte) 0xdb;
        lead[4] = 3; // format 3.0
        byte[] name = "tool-1-1".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, lead, 10, name.length);
        lead[79] = 5; // signature type: header-style
        b.write(lead);
        b.write(header(new byte[] {1, 2, 3, 4, 5})); // 16 + 16 + 5 = 37 bytes
        b.write(new byte[3]); // padding to 40
        b.write(header(("x".repeat(20) + "\0").getBytes(StandardCharsets.US_ASCII)));
        b.write(compress(cpio, compression));
        return b.toByteArray();
    }

    private static byte[] header(byte[] store) {
        ByteBuffer h = ByteBuffer.allocate(16 + 16 + store.length);
        h.put(new byte[] {(byte) 0x8e, (byte) 0xad, (byte) 0xe8, 1, 0, 0, 0, 0});
        h.putInt(1).putInt(store.length);
        h.putInt(1000).putInt(7).putInt(0).putInt(1); // one index entry: tag, type, offset, count
        h.put(store);
        return h.array();
    }

    private static byte[] compress(byte[] data, String compression) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        OutputStream out = switch (compression) {
            case "gzip" -> new GZIPOutputStream(b);
            case "xz" -> new XZOutputStream(b, new LZMA2Options());
            case "zstd" -> new ZstdCompressorOutputStream(b);
            default -> b;
        };
        out.write(data);
        out.close();
        return b.toByteArray();
    }

    /**
     * compress(1)'s .Z format for a short input: the header (block mode, 16 bits at most), then
     * every byte as a 9-bit literal code, least significant bit first. Each code after the first
     * adds one dictionary entry on the reader's side; under 250 bytes the codes never widen.
     */
    static byte[] compress(byte[] data) {
        if (data.length >= 250) throw new IllegalArgumentException("short inputs only");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x1f);
        b.write(0x9d);
        b.write(0x90);
        long acc = 0;
        int bits = 0;
        for (byte x : data) {
            acc |= (long) (x & 0xff) << bits;
            bits += 9;
            while (bits >= 8) {
                b.write((int) (acc & 0xff));
                acc >>>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) b.write((int) (acc & 0xff));
        return b.toByteArray();
    }
}
