package org.amavisd.scanners.decode;

import static org.amavisd.scanners.decode.Msg.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TNEF (winmail.dat): files written by {@link Writer} after the format (MS-OXTNEF), and read back
 * by Debian's tnef program too, so the test files are ones a real reader accepts (package tnef,
 * group archivers of testenv/ensure-packages.sh; amavisd.e2e=required fails without it,
 * otherwise that check is skipped).
 */
public class TnefTest {
    @TempDir
    Path tmp;

    private static final byte[] PE = DecoderTest.peExe();

    private DecodeResult decodeAttachment(String filename, byte[] data) throws IOException {
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/ms-tnef", "; filename=" + filename, data)),
                StandardCharsets.ISO_8859_1);
        return Decoder.decode(msg, tmp.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
    }

    /** A winmail.dat with a text file and a program (long name "invoice 2026.pdf.exe"). */
    public static byte[] winmail() {
        return winmail(PE);
    }

    /** The same with this content for the program. */
    public static byte[] winmail(byte[] program) {
        return new Writer()
                .attachment("README.TXT", "readme.txt", "read me\r\n".getBytes(StandardCharsets.US_ASCII))
                .attachment("INVOIC~1.EXE", "invoice 2026.pdf.exe", program)
                .bytes();
    }

    @Test
    void attachmentsAreMembersNamedByTitleAndLongName() throws IOException {
        DecodeResult r = decodeAttachment("winmail.dat", winmail());
        Part tnef = named(r, "winmail.dat");
        assertThat(tnef.types()).containsExactly("tnef");
        Part exe = r.tree().parts().stream()
                .filter(p -> "INVOIC~1.EXE".equals(p.name()) && p.types().contains("exe"))
                .findFirst()
                .orElseThrow();
        assertThat(exe.rawName()).isEqualTo("invoice 2026.pdf.exe");
        assertThat(exe.fromArchive()).isTrue();
        assertThat(exe.parentId()).isEqualTo(tnef.id());
        assertThat(exe.tier()).isEqualTo(tnef.tier() + 1);
        assertThat(Files.readAllBytes(exe.file())).isEqualTo(PE);
        // as amavisd-new: each attachment's data and its MAPI properties are members
        assertThat(r.tree().parts())
                .filteredOn(p -> tnef.id().equals(p.parentId()))
                .hasSize(4);
        assertThat(r.tree().parts())
                .filteredOn(p -> "README.TXT".equals(p.name()))
                .extracting(Part::rawName)
                .containsOnly("readme.txt");
    }

    @Test
    void theDisplayNameComesBeforeTheLongFileName() throws IOException {
        byte[] w = new Writer()
                .attachment("A.EXE", "long name.exe", PE, "shown name.exe")
                .bytes();
        DecodeResult r = decodeAttachment("winmail.dat", w);
        assertThat(named(r, "A.EXE").rawName()).isEqualTo("shown name.exe");
    }

    @Test
    void brokenTnefKeepsWhatWasReadAndStopsQuietly() throws IOException {
        byte[] w = winmail();
        for (int cut : new int[] {3, 10, 40, w.length / 2, w.length - 1}) {
            Path dir = Files.createDirectories(tmp.resolve("cut" + cut));
            Path msg = dir.resolve("email.txt");
            Files.writeString(
                    msg,
                    Msg.mixed(
                            "b",
                            Msg.attachment(
                                    "b", "application/ms-tnef", "; filename=winmail.dat", Arrays.copyOf(w, cut))),
                    StandardCharsets.ISO_8859_1);
            DecodeResult r = Decoder.decode(msg, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
            assertThat(r.overLimits()).isFalse();
            assertThat(named(r, "winmail.dat").file()).exists();
            for (Part p : r.tree().parts()) {
                if (p.file() != null) assertThat(p.file().getParent()).isEqualTo(dir.resolve("parts"));
            }
        }
        // a length past the end: a cut-off member, no more
        byte[] lie = w.clone();
        ByteBuffer.wrap(lie).order(ByteOrder.LITTLE_ENDIAN).putInt(6 + 5, 0x7fffffff);
        DecodeResult r = decodeAttachment("winmail.dat", lie);
        assertThat(r.overLimits()).isFalse();
    }

    @Test
    void aBigAttachmentMeetsTheQuota() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024];
        byte[] w = new Writer().attachment("BIG.BIN", "big.bin", big).bytes();
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/ms-tnef", "; filename=winmail.dat", w)),
                StandardCharsets.ISO_8859_1);
        DecodeLimits small =
                new DecodeLimits(14, 1500, 1024 * 1024L, 1024 * 1024L, 1, 1, 40, java.time.Duration.ofSeconds(60));
        DecodeResult r = Decoder.decode(msg, tmp.resolve("parts"), small, ExternalArchivers.none());
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).startsWith("Exceeded storage quota");
    }

    @Test
    void debiansTnefReadsOurTestFile() throws Exception {
        Path tnef = Path.of("/usr/bin/tnef");
        if (!Files.isExecutable(tnef)) {
            String why = "needs tnef (Debian package tnef; testenv/ensure-packages.sh archivers)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        Path f = tmp.resolve("winmail.dat");
        Files.write(f, winmail());
        Path out = Files.createDirectories(tmp.resolve("out"));
        Process p = new ProcessBuilder(tnef.toString(), "-C", out.toString(), "-f", f.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isZero();
        assertThat(Files.readAllBytes(out.resolve("invoice 2026.pdf.exe"))).isEqualTo(PE);
        assertThat(Files.readString(out.resolve("readme.txt"))).isEqualTo("read me\r\n");
    }

    /** Writes a TNEF stream: the message attributes Outlook writes first, then each attachment. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer() {
            u32(0x223e9f78);
            u16(0x0001); // legacy key
            attribute(1, 0x00089006, le32(0x00010000)); // attTnefVersion
            attribute(1, 0x00069007, concat(le32(1252), le32(0))); // attOemCodepage
            attribute(1, 0x00078008, "IPM.Microsoft Mail.Note\0".getBytes(StandardCharsets.US_ASCII));
        }

        Writer attachment(String title, String longName, byte[] data) {
            return attachment(title, longName, data, null);
        }

        Writer attachment(String title, String longName, byte[] data, String displayName) {
            // attAttachRendData: attachment type 1 (file), position, rendering size
            attribute(2, 0x00069002, concat(le16(1), le32(-1), le16(0), le16(0), le16(1)));
            attribute(2, 0x00018010, (title + "\0").getBytes(StandardCharsets.ISO_8859_1));
            attribute(2, 0x0006800f, data);
            ByteArrayOutputStream props = new ByteArrayOutputStream();
            int count = displayName == null ? 2 : 3;
            props.writeBytes(le32(count));
            props.writeBytes(concat(le16(0x0003), le16(0x3705), le32(1))); // PR_ATTACH_METHOD: by value
            props.writeBytes(string8(0x3707, longName)); // PR_ATTACH_LONG_FILENAME
            if (displayName != null) props.writeBytes(string8(0x3001, displayName)); // PR_DISPLAY_NAME
            attribute(2, 0x00069005, props.toByteArray());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private static byte[] string8(int id, String s) {
            byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
            int padded = (b.length + 3) & ~3;
            return concat(le16(0x001e), le16(id), le32(1), le32(b.length), Arrays.copyOf(b, padded));
        }

        private void attribute(int level, int id, byte[] data) {
            out.write(level);
            u32(id);
            u32(data.length);
            out.writeBytes(data);
            int sum = 0;
            for (byte x : data) sum = (sum + (x & 0xff)) & 0xffff;
            u16(sum);
        }

        private void u16(int v) {
            out.writeBytes(le16(v));
        }

        private void u32(int v) {
            out.writeBytes(le32(v));
        }

        private static byte[] le16(int v) {
            return new byte[] {(byte) v, (byte) (v >> 8)};
        }

        private static byte[] le32(int v) {
            return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (byte[] p : parts) b.writeBytes(p);
            return b.toByteArray();
        }
    }
}
