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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rar, arj, cab and lha through Debian's programs (unrar-free, arj, cabextract, lhasa), on real
 * archives: arj makes its own at test time; lhasa and unrar-free cannot create archives, so those
 * are written here byte by byte (stored members, the simplest valid form); cab comes from Debian's
 * clamav-testfiles (which has no rar sample). scripts/test as root installs the programs (group
 * archivers of testenv/ensure-packages.sh) and runs with amavisd.e2e=required, where a missing
 * program fails the test; otherwise it is skipped with the reason.
 */
class ExternalArchiversTest {
    static final Path CLAM = Path.of("/usr/share/clamav-testfiles");

    @TempDir
    Path tmp;

    private Path parts() {
        return tmp.resolve("parts");
    }

    private DecodeResult decodeAttachment(String filename, byte[] data) throws IOException {
        return decodeAttachment(filename, data, DecodeLimits.DEFAULTS, ExternalArchivers.system());
    }

    private DecodeResult decodeAttachment(String filename, byte[] data, DecodeLimits limits, ExternalArchivers programs)
            throws IOException {
        Path msg = tmp.resolve("email.txt");
        Files.writeString(
                msg,
                Msg.mixed("b", Msg.attachment("b", "application/octet-stream", "; filename=" + filename, data)),
                StandardCharsets.ISO_8859_1);
        return Decoder.decode(msg, parts(), limits, programs);
    }

    private static Part archivePart(DecodeResult r, String type) {
        return r.tree().parts().stream()
                .filter(p -> p.types().contains(type))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("no " + type + " part in " + r.tree().parts()));
    }

    /** Afterwards only part files pNNN remain in the parts directory: no work directory, no link. */
    private void assertOnlyPartFiles() throws IOException {
        try (Stream<Path> s = Files.list(parts())) {
            assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.matches("p\\d{3}"));
        }
    }

    private static void require(String shortType, String debianPackage) {
        if (ExternalArchivers.system().programFor(shortType).isPresent()) return;
        String why = "no program for " + shortType + " (Debian package " + debianPackage
                + "; scripts/test as root installs it: testenv/ensure-packages.sh archivers)";
        if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
        Assumptions.abort(why);
    }

    private static void requireFile(Path f) {
        if (Files.isReadable(f)) return;
        String why = f + " missing (Debian package clamav-testfiles)";
        if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
        Assumptions.abort(why);
    }

    // ---- arj: archives made by arj itself ----

    private byte[] arj(String password, String... nameAndContent) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("arj-src"));
        List<String> cmd = new ArrayList<>(List.of("arj", "a", "-y"));
        if (password != null) cmd.add("-g" + password);
        Path archive = tmp.resolve("made.arj");
        cmd.add(archive.toString());
        for (int i = 0; i < nameAndContent.length; i += 2) {
            Files.writeString(src.resolve(nameAndContent[i]), nameAndContent[i + 1]);
            cmd.add(nameAndContent[i]);
        }
        Process p = new ProcessBuilder(cmd)
                .directory(src.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor()).as("arj a").isZero();
        return Files.readAllBytes(archive);
    }

    @Test
    void arjMembersBecomePartsOfTheArchive() throws Exception {
        require("arj", "arj");
        byte[] archive = arj(null, "hello.txt", "hello from arj\n", "readme.txt", "second\n");
        DecodeResult r = decodeAttachment("files.arj", archive);
        assertThat(r.overLimits()).isFalse();
        assertThat(r.undecipherable()).isFalse();
        Part arj = archivePart(r, "arj");
        Part hello = named(r, "hello.txt");
        assertThat(hello.parentId()).isEqualTo(arj.id());
        assertThat(hello.fromArchive()).isTrue();
        assertThat(hello.tier()).isEqualTo(arj.tier() + 1);
        assertThat(Files.readString(hello.file())).isEqualTo("hello from arj\n");
        assertThat(hello.types()).contains("asc");
        assertThat(r.tree().children(arj.id())).extracting(Part::name).containsExactly("hello.txt", "readme.txt");
        assertThat(r.tree().children(arj.id()))
                .extracting(Part::levelPath)
                .containsExactly(arj.levelPath() + "/1", arj.levelPath() + "/2");
        assertOnlyPartFiles();
    }

    @Test
    void encryptedArjMemberIsUndecipherable() throws Exception {
        require("arj", "arj");
        byte[] archive = arj("secret", "hidden.txt", "not for your eyes\n");
        DecodeResult r = decodeAttachment("locked.arj", archive);
        Part hidden = named(r, "hidden.txt");
        assertThat(hidden.attributes()).contains("U").contains("C");
        assertThat(hidden.file()).isNull();
        assertThat(r.undecipherable()).isTrue();
        assertOnlyPartFiles();
    }

    @Test
    void clamArjAndClamCabYieldClamExe() throws Exception {
        require("arj", "arj");
        require("cab", "cabextract");
        Path exe = CLAM.resolve("clam.exe");
        for (String f : List.of("clam.arj", "clam.cab")) {
            requireFile(CLAM.resolve(f));
            requireFile(exe);
            ExternalExpander.deleteTree(parts());
            DecodeResult r = decodeAttachment(f, Files.readAllBytes(CLAM.resolve(f)));
            Part member = named(r, "clam.exe");
            assertThat(member.parentId())
                    .isEqualTo(archivePart(r, f.substring(5)).id());
            assertThat(Files.readAllBytes(member.file())).as(f).isEqualTo(Files.readAllBytes(exe));
            assertThat(member.types()).contains("exe");
        }
    }

    // ---- lha: written here (lhasa only extracts) ----

    @Test
    void lhaMembersAndDirectoriesInAmavisdOrder() throws Exception {
        require("lha", "lhasa");
        byte[] archive =
                lha("zeta.txt", "last by name\n", "docs/readme.txt", "in a directory\n", "alpha.txt", "first\n");
        DecodeResult r = decodeAttachment("files.lzh", archive);
        Part lha = archivePart(r, "lha");
        // each directory's entries by name, then the contents of its subdirectories
        assertThat(r.tree().children(lha.id()))
                .extracting(Part::name)
                .containsExactly("alpha.txt", "docs", "zeta.txt", "docs/readme.txt");
        assertThat(named(r, "docs").attributes()).isEqualTo("D");
        assertThat(named(r, "docs").file()).isNull();
        assertThat(Files.readString(named(r, "docs/readme.txt").file())).isEqualTo("in a directory\n");
        assertOnlyPartFiles();
    }

    @Test
    void namesFromTheArchiveNeverLeaveTheWorkDirectory() throws Exception {
        require("lha", "lhasa");
        require("rar", "unrar-free");
        Path absolute = tmp.resolve("abs-target.txt");
        String[] members = {
            "../../../escaped.txt",
            "climbed out\n",
            absolute.toString(),
            "absolute path\n",
            "/etc/amavisd-test-" + ProcessHandle.current().pid(),
            "into /etc\n",
            "ok.txt",
            "fine\n"
        };
        for (byte[] archive : List.of(lha(members), rar(false, members))) {
            ExternalExpander.deleteTree(parts());
            DecodeResult r = decodeAttachment("evil.bin", archive);
            assertThat(tmp.resolve("escaped.txt")).doesNotExist();
            assertThat(parts().resolve("escaped.txt")).doesNotExist();
            assertThat(absolute).doesNotExist();
            assertThat(Path.of("/etc/amavisd-test-" + ProcessHandle.current().pid()))
                    .doesNotExist();
            assertThat(Files.readString(named(r, "ok.txt").file())).isEqualTo("fine\n");
            for (Part p : r.tree().leaves()) {
                assertThat(p.file().getParent()).isEqualTo(parts());
            }
            assertOnlyPartFiles();
        }
    }

    // ---- rar: written here (unrar-free only extracts, clamav-testfiles has no rar) ----

    @Test
    void rarMembersBecomeParts() throws Exception {
        require("rar", "unrar-free");
        DecodeResult r = decodeAttachment("files.rar", rar(false, "one.txt", "first member\n", "two.txt", "second\n"));
        Part rar = archivePart(r, "rar");
        assertThat(r.tree().children(rar.id())).extracting(Part::name).containsExactly("one.txt", "two.txt");
        assertThat(Files.readString(named(r, "two.txt").file())).isEqualTo("second\n");
        assertThat(r.undecipherable()).isFalse();
        assertOnlyPartFiles();
    }

    @Test
    void encryptedRarMemberIsUndecipherable() throws Exception {
        require("rar", "unrar-free");
        DecodeResult r = decodeAttachment("locked.rar", rar(true, "secret.exe", "0123456789abcdef0123456789abcdef"));
        Part secret = named(r, "secret.exe");
        assertThat(secret.attributes()).contains("U").contains("C");
        assertThat(secret.file()).isNull();
        assertThat(r.undecipherable()).isTrue();
        assertOnlyPartFiles();
    }

    @Test
    void rarWithEncryptedHeadersIsUndecipherableAndNotRun() throws Exception {
        require("rar", "unrar-free");
        byte[] archive = rar(false, "x.txt", "x\n");
        archive[7 + 3] |= (byte) 0x80; // main header flag: headers encrypted
        fixRar4HeaderCrc(archive, 7, 13);
        DecodeResult r = decodeAttachment("locked.rar", archive);
        Part rar = archivePart(r, "rar");
        assertThat(rar.attributes()).contains("U").contains("C");
        assertThat(r.tree().children(rar.id())).isEmpty();
        assertThat(r.undecipherable()).isTrue();
    }

    @Test
    void withoutTheProgramTheArchiveStaysALeaf() throws Exception {
        DecodeResult r = decodeAttachment(
                "files.rar", rar(false, "one.txt", "x\n"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
        Part rar = archivePart(r, "rar");
        assertThat(rar.file()).isNotNull();
        assertThat(r.tree().children(rar.id())).isEmpty();
        assertThat(r.overLimits()).isFalse();
        assertThat(r.undecipherable()).isFalse();
        assertThat(ExternalArchivers.in(List.of(tmp)).programFor("cab")).isEmpty();
    }

    @Test
    void writingPastTheQuotaStopsTheProgramAndMarksOverLimits() throws Exception {
        require("arj", "arj");
        // 4 MiB of zeros packs into a few kilobytes; the quota is the message size (factor 1)
        Path src = Files.createDirectories(tmp.resolve("arj-src"));
        Files.write(src.resolve("zeros.bin"), new byte[4 * 1024 * 1024]);
        Process p = new ProcessBuilder("arj", "a", "-y", tmp.resolve("bomb.arj").toString(), "zeros.bin")
                .directory(src.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor()).isZero();
        DecodeLimits small = new DecodeLimits(14, 1500, 0, 0, 1, 1, 40, Duration.ofSeconds(60));
        DecodeResult r = decodeAttachment(
                "bomb.arj", Files.readAllBytes(tmp.resolve("bomb.arj")), small, ExternalArchivers.system());
        assertThat(r.overLimits()).isTrue();
        assertThat(r.limitReason()).contains("quota");
        assertThat(r.tree().parts()).noneMatch(x -> "zeros.bin".equals(x.name()) && x.file() != null);
        assertOnlyPartFiles();
    }

    // ---- what the walk does with what a program wrote ----

    @Test
    void linksDevicesAndHardLinksInTheOutputAreNotFollowed() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "secret outside\n");
        Path outsideDir = Files.createDirectories(tmp.resolve("outside-dir"));
        Files.writeString(outsideDir.resolve("inner.txt"), "also outside\n");
        Path out = Files.createDirectories(tmp.resolve("work/out"));
        Files.writeString(out.resolve("plain.txt"), "inside\n");
        Files.createSymbolicLink(out.resolve("link-to-file"), outside);
        Files.createSymbolicLink(out.resolve("link-to-dir"), outsideDir);
        Files.createLink(out.resolve("hard"), outside);
        Process mkfifo = new ProcessBuilder("mkfifo", out.resolve("fifo").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(mkfifo.waitFor()).isZero();

        Files.createDirectories(parts());
        Budget budget = new Budget(DecodeLimits.DEFAULTS, parts(), 1000);
        Node archive = budget.newNode(null, "1", 2);
        List<Node> members = new ExternalExpander(budget, DecoderTable.all(ExternalArchivers.none()))
                .collect(archive, out, java.util.Set.of());

        assertThat(members)
                .extracting(m -> m.name + ":" + m.attributes)
                .containsExactly("fifo:S", "hard:L", "link-to-dir:L", "link-to-file:L", "plain.txt:");
        assertThat(members.stream().filter(m -> m.file != null))
                .singleElement()
                .satisfies(m -> assertThat(Files.readString(m.file)).isEqualTo("inside\n"));
        assertThat(Files.readString(outside)).isEqualTo("secret outside\n");
        assertThat(outsideDir.resolve("inner.txt")).exists();
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).isEmpty();
        }
    }

    // ---- archive builders ----

    /** LHA level-0 headers, method -lh0- (stored). */
    static byte[] lha(String... nameAndContent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < nameAndContent.length; i += 2) {
            byte[] name = nameAndContent[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] data = nameAndContent[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer h = ByteBuffer.allocate(22 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            h.put("-lh0-".getBytes(StandardCharsets.US_ASCII));
            h.putInt(data.length).putInt(data.length).putInt(0x21000000);
            h.put((byte) 0x20).put((byte) 0).put((byte) name.length).put(name);
            h.putShort((short) crc16(data));
            byte[] hb = h.array();
            int sum = 0;
            for (byte b : hb) sum += b & 0xff;
            out.write(hb.length);
            out.write(sum & 0xff);
            out.writeBytes(hb);
            out.writeBytes(data);
        }
        out.write(0);
        return out.toByteArray();
    }

    private static int crc16(byte[] data) {
        int c = 0;
        for (byte b : data) {
            c ^= b & 0xff;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ 0xa001 : c >>> 1;
        }
        return c;
    }

    /** A RAR 2.0 archive with stored members; {@code encrypted} sets each member's password flag. */
    static byte[] rar(boolean encrypted, String... nameAndContent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'R', 'a', 'r', '!', 0x1a, 0x07, 0x00});
        out.writeBytes(rarBlock(0x73, 0, new byte[6]));
        for (int i = 0; i < nameAndContent.length; i += 2) {
            byte[] name = nameAndContent[i].getBytes(StandardCharsets.ISO_8859_1);
            byte[] data = nameAndContent[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            CRC32 crc = new CRC32();
            crc.update(data);
            ByteBuffer b = ByteBuffer.allocate(25 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(data.length).putInt(data.length).put((byte) 3).putInt((int) crc.getValue());
            b.putInt(0x21000000).put((byte) 20).put((byte) 0x30).putShort((short) name.length);
            b.putInt(0x81a4).put(name);
            out.writeBytes(rarBlock(0x74, 0x8000 | (encrypted ? 0x04 : 0), b.array()));
            out.writeBytes(data);
        }
        out.writeBytes(rarBlock(0x7b, 0x4000, new byte[0]));
        return out.toByteArray();
    }

    private static byte[] rarBlock(int type, int flags, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(7 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).put((byte) type).putShort((short) flags).putShort((short) (7 + body.length));
        b.put(body);
        byte[] a = b.array();
        fixRar4HeaderCrc(a, 0, a.length);
        return a;
    }

    private static void fixRar4HeaderCrc(byte[] a, int at, int len) {
        CRC32 crc = new CRC32();
        crc.update(Arrays.copyOfRange(a, at + 2, at + len));
        int c = (int) crc.getValue() & 0xffff;
        a[at] = (byte) c;
        a[at + 1] = (byte) (c >> 8);
    }
}
