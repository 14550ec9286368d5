package org.amavisd.scanners.decode;

import static org.amavisd.scanners.decode.Msg.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class DecoderTest {
    @TempDir
    Path tmp;

    private static final byte[] PE = peExe();

    private DecodeResult decode(String message) throws IOException {
        return decode(message, DecodeLimits.DEFAULTS);
    }

    private DecodeResult decode(String message, DecodeLimits limits) throws IOException {
        Path f = tmp.resolve("email.txt");
        Files.writeString(f, message, StandardCharsets.ISO_8859_1);
        return Decoder.decode(f, tmp.resolve("parts"), limits);
    }

    @Test
    void nestedMultipartsWithBase64AndQuotedPrintable() throws IOException {
        String msg = Msg.crlf("""
                From: a@example.com
                Subject: t
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: multipart/alternative; boundary="inner"

                --inner
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                Gr=C3=BC=C3=9Fe, a soft=
                 break
                --inner
                Content-Type: text/html

                <html><body><p>hello</p></body></html>
                --inner--
                --outer
                Content-Type: application/octet-stream; name="setup.exe"
                Content-Transfer-Encoding: base64

                """ + Msg.b64(PE) + "\n--outer--\n");
        DecodeResult r = decode(msg);
        assertThat(r.overLimits()).isFalse();
        List<Part> parts = r.tree().parts();
        // leaves first (p001..p003), then the containers (amavisd-new's numbering)
        assertThat(parts).extracting(Part::levelPath).containsExactly("1/1/1", "1/1/2", "1/2", "1", "1/1");
        assertThat(parts.get(3).mimeType()).isEqualTo("multipart/mixed");
        assertThat(parts.get(3).file()).isNull();
        Part text = parts.get(0);
        assertThat(Files.readString(text.file(), StandardCharsets.UTF_8)).isEqualTo("Grüße, a soft break");
        assertThat(text.types()).containsExactly("txt");
        assertThat(parts.get(1).types()).containsExactly("html");
        Part exe = named(r, "setup.exe");
        assertThat(exe.types()).containsExactly("exe", "exe-ms");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
        assertThat(exe.file().getParent()).isEqualTo(tmp.resolve("parts"));
        assertThat(exe.file().getFileName().toString()).isEqualTo(exe.id());
        assertThat(r.tree().describePath(exe.id()))
                .isEqualTo(
                        "P=p004,L=1,M=multipart/mixed | P=p003,L=1/2,M=application/octet-stream,T=exe,T=exe-ms,N=setup.exe");
    }

    @Test
    void rfc2231AndRfc2047Names() throws IOException {
        String msg = Msg.mixed(
                "b",
                Msg.attachment(
                        "b",
                        "application/pdf",
                        ";\n filename*0*=utf-8''%C3%BCber%20;\n filename*1=\"lange (1) \";\n filename*2*=%E2%82%AC.pdf",
                        "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII)),
                Msg.attachment("b", "application/zip; name=\"=?koi8-r?B?Zm90by56aXA=?=\"", "", new byte[] {1, 2, 3}),
                Msg.attachment(
                        "b",
                        "text/plain",
                        "; filename*=iso-8859-1'de'%E4rger.txt",
                        "x".getBytes(StandardCharsets.US_ASCII)));
        DecodeResult r = decode(msg);
        Part pdf = named(r, "über lange (1) €.pdf");
        assertThat(pdf.types()).containsExactly("pdf");
        Part zip = named(r, "foto.zip");
        assertThat(zip.rawName()).isEqualTo("=?koi8-r?B?Zm90by56aXA=?=");
        assertThat(zip.descriptor()).contains("N==?koi8-r?B?Zm90by56aXA=?=,N=foto.zip");
        named(r, "ärger.txt");
    }

    @Test
    void embeddedMessageIsWalked() throws IOException {
        String inner = """
                From: x@example.com
                Subject: inner
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="in"

                --in
                Content-Type: text/plain

                inner text
                --in
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename="inner.exe"
                Content-Transfer-Encoding: base64

                """ + Msg.b64(PE) + "\n--in--\n";
        String msg = Msg.crlf("""
                From: a@example.com
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="out"

                --out
                Content-Type: text/plain

                see attached
                --out
                Content-Type: message/rfc822

                """ + inner + "--out--\n");
        DecodeResult r = decode(msg);
        Part exe = named(r, "inner.exe");
        assertThat(exe.levelPath()).isEqualTo("1/2/1/2");
        assertThat(exe.fromArchive()).isFalse();
        assertThat(r.tree().pathTo(exe.id()))
                .extracting(Part::mimeType)
                .containsExactly("multipart/mixed", "message/rfc822", "multipart/mixed", "application/octet-stream");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
    }

    @Test
    void theFastPassFindsBeginOnlyAtALineStart(@org.junit.jupiter.api.io.TempDir Path d) throws IOException {
        Path f = d.resolve("t");
        Files.writeString(f, "begin 644 x\n");
        assertThat(ArchiveExpander.hasLineStartingWithBegin(f)).isTrue();
        Files.writeString(f, "hello\r\nbegin 644 x\r\n");
        assertThat(ArchiveExpander.hasLineStartingWithBegin(f)).isTrue();
        Files.writeString(f, "hello begin 644 x\n xbegin 644\nbegi\nbegin");
        assertThat(ArchiveExpander.hasLineStartingWithBegin(f)).isFalse();
        Files.write(f, ("x".repeat(70000) + "\nbegin 600 y\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(ArchiveExpander.hasLineStartingWithBegin(f))
                .as("across the read blocks")
                .isTrue();
    }

    @Test
    void uuencodedBlockInTextPart() throws IOException {
        String msg = Msg.crlf("From: a@example.com\nSubject: uu\n\nhello\n\n" + uuencode("evil.exe", PE) + "bye\n");
        DecodeResult r = decode(msg);
        Part exe = named(r, "evil.exe");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
        assertThat(exe.types()).contains("exe-ms");
        assertThat(exe.parentId()).isEqualTo("p001");
    }

    @Test
    void zipWithNestedTarGz() throws IOException {
        byte[] tgz = gzip(tar("inner/payload.exe", PE));
        byte[] zip = zip(new Object[] {"docs/", null}, new Object[] {"bundle.tar.gz", tgz}, new Object[] {
            "readme.txt", "hi\n".getBytes()
        });
        DecodeResult r = decode(Msg.mixed("b", Msg.attachment("b", "application/zip", "; filename=a.zip", zip)));
        assertThat(r.overLimits()).isFalse();
        Part exe = named(r, "inner/payload.exe");
        assertThat(exe.fromArchive()).isTrue();
        assertThat(exe.types()).containsExactly("exe", "exe-ms");
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
        assertThat(r.tree().pathTo(exe.id()))
                .extracting(Part::name)
                .containsExactly(null, "a.zip", "bundle.tar.gz", "bundle.tar", "inner/payload.exe");
        assertThat(r.tree().pathTo(exe.id())).extracting(Part::tier).containsExactly(2, 2, 3, 4, 5);
        assertThat(named(r, "docs/").attributes()).isEqualTo("D");
        assertThat(named(r, "bundle.tar.gz").types()).containsExactly("gz");
        assertThat(named(r, "bundle.tar").types()).containsExactly("tar");
    }

    @Test
    void encryptedZipEntryIsUndecipherableNotAnError() throws IOException {
        byte[] zip = encryptedZip("secret.exe", new byte[100]);
        DecodeResult r = decode(Msg.mixed("b", Msg.attachment("b", "application/zip", "; filename=s.zip", zip)));
        assertThat(r.overLimits()).isFalse();
        assertThat(r.undecipherable()).isTrue();
        Part secret = named(r, "secret.exe");
        assertThat(secret.attributes()).isEqualTo("UC");
        assertThat(secret.file()).isNull();
    }

    @Test
    void zipSlipNamesAreRecordedNotUsedAsPaths() throws IOException {
        byte[] zip = zip(
                new Object[] {"../../etc/passwd", "root:x:0:0\n".getBytes()},
                new Object[] {"/abs/path", "x".getBytes()});
        Path parts = tmp.resolve("parts");
        DecodeResult r =
                decode(Msg.mixed("b", Msg.attachment("b", "application/zip", "; filename=\"../../x.zip\"", zip)));
        Part p = named(r, "../../etc/passwd");
        assertThat(p.file().getParent()).isEqualTo(parts);
        assertThat(Files.readString(p.file())).isEqualTo("root:x:0:0\n");
        try (Stream<Path> all = Files.walk(tmp)) {
            assertThat(all.filter(Files::isRegularFile).map(x -> x.getParent()))
                    .allMatch(dir -> dir.equals(parts) || dir.equals(tmp));
        }
        assertThat(Files.exists(tmp.resolve("etc"))).isFalse();
    }

    @Test
    void zipBombStopsAtQuota() throws IOException {
        // 42.zip style: each level holds 8 copies of the level below; the bottom is 20 MB of zeros
        byte[] level = zip(new Object[] {"zeros.bin", new byte[20 * 1024 * 1024]});
        for (int i = 0; i < 4; i++) {
            Object[][] entries = new Object[8][];
            for (int j = 0; j < 8; j++) entries[j] = new Object[] {"l" + i + "_" + j + ".zip", level};
            level = zip(entries);
        }
        assertThat(level.length).isLessThan(1_000_000); // expands to 8^4 * 20 MB = 80 GB
        DecodeLimits limits = new DecodeLimits(14, 100_000, 100 * 1024, 50 * 1024 * 1024, Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        DecodeResult r =
                decode(Msg.mixed("b", Msg.attachment("b", "application/zip", "; filename=42.zip", level)), limits);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).startsWith("Exceeded storage quota");
        assertThat(ms).isLessThan(20_000);
        assertThat(diskUse(tmp.resolve("parts"))).isLessThanOrEqualTo(50 * 1024 * 1024 + 64 * 1024);
    }

    @Test
    void maxFilesStopsDecoding() throws IOException {
        Object[][] entries = new Object[50][];
        for (int j = 0; j < 50; j++) entries[j] = new Object[] {"f" + j + ".txt", "x".getBytes()};
        DecodeLimits limits = new DecodeLimits(14, 20, 100 * 1024, 0, Duration.ofSeconds(30));
        DecodeResult r = decode(Msg.mixed("b", Msg.attachment("b", "application/zip", "", zip(entries))), limits);
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).isEqualTo("Maximum number of files (20) exceeded");
        assertThat(r.tree().size()).isEqualTo(20);
    }

    @Test
    void maxLevelsCountsDecodingTiers() throws IOException {
        byte[] data = "deep".getBytes();
        for (int i = 0; i < 6; i++) data = gzip(data);
        DecodeLimits limits = new DecodeLimits(5, 1500, 100 * 1024, 0, Duration.ofSeconds(30));
        DecodeResult r =
                decode(Msg.mixed("b", Msg.attachment("b", "application/gzip", "; filename=x.gz", data)), limits);
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).isEqualTo("Maximum decoding depth (5) exceeded");
        assertThat(r.tree().parts()).extracting(Part::tier).allMatch(t -> t <= 5);
    }

    @Test
    void hundredLevelMimeNestStopsQuickly() throws IOException {
        StringBuilder sb = new StringBuilder("From: a@example.com\nMIME-Version: 1.0\n");
        for (int i = 0; i < 100; i++) {
            sb.append("Content-Type: multipart/mixed; boundary=\"b")
                    .append(i)
                    .append("\"\n\n--b")
                    .append(i)
                    .append("\n");
        }
        sb.append("Content-Type: text/plain\n\ndeep\n");
        for (int i = 99; i >= 0; i--) sb.append("--b").append(i).append("--\n");
        long t0 = System.nanoTime();
        DecodeResult r = decode(Msg.crlf(sb.toString()));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).isEqualTo("Maximum MIME nesting depth (40) exceeded");
        assertThat(r.tree().size()).isEqualTo(40);
    }

    @Test
    void timeBudgetStopsDecoding() throws IOException {
        DecodeLimits limits = new DecodeLimits(14, 1500, 100 * 1024, 0, Duration.ZERO);
        DecodeResult r = decode(Msg.mixed("b", Msg.attachment("b", "text/plain", "", "x".getBytes())), limits);
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).startsWith("Time budget");
    }

    @Test
    void quotaFollowsAmavisdFormula() {
        DecodeLimits l = DecodeLimits.DEFAULTS;
        assertThat(l.quotaFor(100)).isEqualTo(100 * 1024); // min quota
        assertThat(l.quotaFor(100_000)).isEqualTo(50_000_000); // 500 x size
        assertThat(l.quotaFor(10_000_000)).isEqualTo(300 * 1024 * 1024); // max quota
        assertThat(l.quotaFor(100_000_000_000L)).isEqualTo(500_000_000_000L); // 5 x size beats the max
    }

    // ---- helpers

    static long diskUse(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    public static byte[] peExe() {
        byte[] b = new byte[512];
        b[0] = 'M';
        b[1] = 'Z';
        b[0x3c] = (byte) 0x80;
        b[0x80] = 'P';
        b[0x81] = 'E';
        b[0x80 + 22] = 0x02; // executable image
        return b;
    }

    /** A zip whose one stored entry has the "encrypted" flag (traditional PKWARE encryption). */
    static byte[] encryptedZip(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(200 + 2 * n.length + data.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50)
                .putShort((short) 20)
                .putShort((short) 1)
                .putShort((short) 0)
                .putInt(0)
                .putInt(0)
                .putInt(data.length)
                .putInt(data.length)
                .putShort((short) n.length)
                .putShort((short) 0)
                .put(n)
                .put(data);
        int cd = b.position();
        b.putInt(0x02014b50)
                .putShort((short) 20)
                .putShort((short) 20)
                .putShort((short) 1)
                .putShort((short) 0)
                .putInt(0)
                .putInt(0)
                .putInt(data.length)
                .putInt(data.length)
                .putShort((short) n.length)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putInt(0)
                .putInt(0)
                .put(n);
        int cdLen = b.position() - cd;
        b.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(cdLen)
                .putInt(cd)
                .putShort((short) 0);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
            g.write(data);
        }
        return bos.toByteArray();
    }

    static byte[] tar(String name, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(data.length);
            t.putArchiveEntry(e);
            t.write(data);
            t.closeArchiveEntry();
        }
        return bos.toByteArray();
    }

    /** Entries as {name, bytes}; null bytes make a directory. */
    static byte[] zip(Object[]... entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bos)) {
            for (Object[] en : entries) {
                z.putArchiveEntry(new ZipArchiveEntry((String) en[0]));
                if (en[1] != null) z.write((byte[]) en[1]);
                z.closeArchiveEntry();
            }
        }
        return bos.toByteArray();
    }

    static String uuencode(String name, byte[] data) {
        StringBuilder sb = new StringBuilder("begin 644 ").append(name).append('\n');
        for (int off = 0; off < data.length; off += 45) {
            int n = Math.min(45, data.length - off);
            sb.append((char) (32 + n));
            for (int i = 0; i < n; i += 3) {
                int b0 = data[off + i] & 0xff;
                int b1 = i + 1 < n ? data[off + i + 1] & 0xff : 0;
                int b2 = i + 2 < n ? data[off + i + 2] & 0xff : 0;
                int[] c = {b0 >> 2, (b0 << 4 | b1 >> 4) & 63, (b1 << 2 | b2 >> 6) & 63, b2 & 63};
                for (int x : c) sb.append(x == 0 ? '`' : (char) (32 + x));
            }
            sb.append('\n');
        }
        return sb.append("`\nend\n").toString();
    }
}
