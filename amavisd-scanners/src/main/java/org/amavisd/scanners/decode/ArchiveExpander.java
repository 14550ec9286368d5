package org.amavisd.scanners.decode;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.UnsupportedZipFeatureException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.z.ZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks one typed part into member parts with Java libraries (commons-compress, xz, zstd-jni),
 * our own readers for RPM packages ({@link RpmPayload}), TNEF ({@link TnefExpander}) and what is
 * embedded in OLE2 documents ({@link OleExpander}), or for
 * rar, arj, cab and lha with an installed external program ({@link ExternalExpander}).
 * Members are written under generated names (p007, ...) in the parts directory; an entry's own
 * name is only recorded, never used as a path, so no entry can land outside the directory.
 */
final class ArchiveExpander {
    private static final Logger log = LoggerFactory.getLogger(ArchiveExpander.class);
    /** Short types this class can unpack. */
    static final List<String> SUPPORTED = List.of(
            "zip", "7z", "gz", "bz2", "xz", "lzma", "zst", "Z", "tar", "cpio", "a", "deb", "arj", "rpm", "tnef", "doc",
            "uue");

    /** Short types unpacked by an external program when one is installed (arj falls back to the library). */
    static final List<String> EXTERNAL = List.of("rar", "arj", "cab", "lha");

    private final Budget budget;
    private final ExternalExpander external;
    private final DecoderTable table;

    ArchiveExpander(Budget budget, DecoderTable table) {
        this.budget = budget;
        this.table = table;
        this.external = new ExternalExpander(budget, table);
    }

    /** Unpacks {@code part} if its type is one we decode. Limits propagate; a broken archive is logged and left packed. */
    void expand(Node part) throws OverLimitException, IOException {
        String kind = part.types.stream()
                .filter(t -> EXTERNAL.contains(t) && external.canExpand(t))
                .map(t -> "external " + t)
                .findFirst()
                .orElseGet(() -> part.types.stream()
                        .filter(t -> SUPPORTED.contains(t) && (t.equals("uue") || table.decodes(t)))
                        .findFirst()
                        .orElse(null));
        if (kind == null && isText(part)) kind = "uue?";
        if (kind == null) return;
        boolean uu = kind.startsWith("uue");
        int max = budget.limits.maxLevels();
        if (!uu && max > 0 && part.tier + 1 > max) {
            throw new OverLimitException("Maximum decoding depth (" + max + ") exceeded");
        }
        Path f = part.file;
        try {
            switch (kind) {
                case "zip" -> zip(part, f);
                case "7z" -> sevenZ(part, f);
                case "gz" -> {
                    try (GzipCompressorInputStream in = new GzipCompressorInputStream(open(f), true)) {
                        String orig = in.getMetaData().getFileName();
                        single(
                                part,
                                orig != null && !orig.isEmpty() ? orig : strip(part.name, ".gz", ".tgz", ".z"),
                                in);
                    }
                }
                case "bz2" -> {
                    try (InputStream in = new BZip2CompressorInputStream(open(f), true)) {
                        single(part, strip(part.name, ".bz2", ".tbz", ".bz"), in);
                    }
                }
                case "xz" -> {
                    try (InputStream in = new XZCompressorInputStream(open(f), true, memLimitKb())) {
                        single(part, strip(part.name, ".xz", ".txz"), in);
                    }
                }
                case "lzma" -> {
                    try (InputStream in = new LZMACompressorInputStream(open(f), memLimitKb())) {
                        single(part, strip(part.name, ".lzma"), in);
                    }
                }
                case "zst" -> {
                    try (InputStream in = new ZstdCompressorInputStream(open(f))) {
                        single(part, strip(part.name, ".zst", ".zstd", ".tzst"), in);
                    }
                }
                case "Z" -> {
                    try (InputStream in = new ZCompressorInputStream(open(f), memLimitKb())) {
                        single(part, strip(part.name, ".z"), in);
                    }
                }
                case "rpm" -> {
                    // as rpm2cpio for amavisd-new: the payload is one member, a cpio archive
                    try (InputStream in = RpmPayload.open(f, memLimitKb())) {
                        single(part, null, in);
                    }
                }
                case "tnef" -> new TnefExpander(budget).expand(part);
                case "doc" -> new OleExpander(budget).expand(part);
                case "tar" -> stream(part, ArchiveStreamFactory.TAR, f);
                case "cpio" -> stream(part, ArchiveStreamFactory.CPIO, f);
                case "a", "deb" -> stream(part, ArchiveStreamFactory.AR, f);
                case "arj" -> stream(part, ArchiveStreamFactory.ARJ, f);
                default -> {
                    if (kind.startsWith("external ")) external.expand(part, kind.substring(9));
                    else uudecode(part, f);
                }
            }
        } catch (OverLimitException e) {
            throw e;
        } catch (PasswordRequiredException e) {
            part.addAttributes("UC");
        } catch (IOException | RuntimeException e) {
            // amavisd-new: "Decoding of pNNN failed, leaving it unpacked"; not a limit, not undecipherable
            log.info("Decoding of {} ({}) failed, leaving it unpacked: {}", part.id, part.fullType, e.toString());
        }
    }

    private static boolean isText(Node part) {
        return (part.types.contains("asc") || part.types.contains("txt"))
                && (part.mimeType == null
                        || part.mimeType.startsWith("text/")
                        || part.mimeType.equals("application/octet-stream"));
    }

    private int memLimitKb() {
        return 256 * 1024; // 256 MiB dictionary at most; larger ones fail as unsupported
    }

    private static InputStream open(Path f) throws IOException {
        return new BufferedInputStream(Files.newInputStream(f), 64 * 1024);
    }

    private Node member(Node parent, String name) throws OverLimitException {
        Node m = budget.newNode(parent, parent.nextChildPath(), parent.tier + 1);
        m.fromArchive = true;
        m.name = name == null || name.isEmpty() ? null : name;
        return m;
    }

    private void single(Node part, String name, InputStream in) throws IOException {
        budget.writeContent(member(part, name), in);
    }

    private void zip(Node part, Path f) throws IOException {
        try (ZipFile zf = ZipFile.builder().setPath(f).get()) {
            for (ZipArchiveEntry e : Collections.list(zf.getEntriesInPhysicalOrder())) {
                Node m = member(part, e.getName());
                if (e.isDirectory()) {
                    m.addAttributes("D");
                } else if (e.getGeneralPurposeBit().usesEncryption()) {
                    m.addAttributes("UC");
                } else if (e.isUnixSymlink()) {
                    m.addAttributes("L");
                } else if (!zf.canReadEntryData(e)) {
                    m.addAttributes("U");
                } else {
                    try (InputStream in = zf.getInputStream(e)) {
                        budget.writeContent(m, in);
                    } catch (UnsupportedZipFeatureException ex) {
                        m.addAttributes("U");
                    }
                }
            }
        }
    }

    private void sevenZ(Node part, Path f) throws IOException {
        try (SevenZFile sz = SevenZFile.builder()
                .setPath(f)
                .setMaxMemoryLimitKb(memLimitKb())
                .get()) {
            SevenZArchiveEntry e;
            while ((e = sz.getNextEntry()) != null) {
                Node m = member(part, e.getName());
                if (e.isDirectory()) {
                    m.addAttributes("D");
                    continue;
                }
                try {
                    budget.writeContent(m, new InputStream() {
                        @Override
                        public int read() throws IOException {
                            return sz.read();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            return sz.read(b, off, len);
                        }
                    });
                } catch (PasswordRequiredException ex) {
                    m.addAttributes("UC");
                }
            }
        }
    }

    private void stream(Node part, String format, Path f) throws IOException {
        try (InputStream raw = open(f);
                ArchiveInputStream<?> in = new ArchiveStreamFactory().createArchiveInputStream(format, raw)) {
            ArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                Node m = member(part, e.getName());
                if (e.isDirectory()) {
                    m.addAttributes("D");
                } else if (e instanceof TarArchiveEntry t && (t.isSymbolicLink() || t.isLink())) {
                    m.addAttributes("L");
                } else if (e instanceof TarArchiveEntry t
                        && (t.isCharacterDevice() || t.isBlockDevice() || t.isFIFO())) {
                    m.addAttributes("S");
                } else if (!in.canReadEntryData(e)) {
                    m.addAttributes("U");
                } else {
                    budget.writeContent(m, in);
                }
            }
        }
    }

    /**
     * uuencoded blocks in a text part ("begin 644 name" ... "end"), each becoming a child part.
     * Lines are read one at a time and bounded in length, so a huge text costs no memory.
     */
    private void uudecode(Node part, Path f) throws IOException {
        if (!hasLineStartingWithBegin(f)) return; // nearly every part: one fast pass over its bytes
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = boundedLine(r)) != null) {
                if (!line.startsWith("begin ") || !line.matches("begin [0-7]{3,4} \\S.*")) continue;
                Node m = budget.newNode(part, part.nextChildPath(), part.tier);
                m.name = line.substring(line.indexOf(' ', 6) + 1).strip();
                m.file = budget.partsDir.resolve(m.id);
                try (OutputStream out = new BufferedOutputStream(
                        Files.newOutputStream(m.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                    byte[] buf = new byte[64];
                    while ((line = boundedLine(r)) != null) {
                        if (line.equals("end") || line.isEmpty()) break;
                        int n = (line.charAt(0) - 32) & 63;
                        if (n == 0) continue;
                        int o = 0;
                        for (int i = 1; o < n && i + 3 < line.length() + 3; i += 4) {
                            int c0 = uu(line, i), c1 = uu(line, i + 1), c2 = uu(line, i + 2), c3 = uu(line, i + 3);
                            buf[o++] = (byte) (c0 << 2 | c1 >> 4);
                            if (o < n) buf[o++] = (byte) (c1 << 4 | c2 >> 2);
                            if (o < n) buf[o++] = (byte) (c2 << 6 | c3);
                        }
                        budget.write(m, out, buf, 0, o);
                    }
                }
                budget.checkTime();
            }
        }
    }

    private static final byte[] BEGIN = "begin ".getBytes(StandardCharsets.US_ASCII);

    /** Whether some line of the file starts with "begin " (read in blocks, byte by byte). */
    static boolean hasLineStartingWithBegin(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[64 * 1024];
            int matched = 0; // bytes of "begin " matched at the start of the current line; -1: not at a line start
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        matched = 0;
                    } else if (matched >= 0) {
                        if (b == BEGIN[matched]) {
                            if (++matched == BEGIN.length) return true;
                        } else {
                            matched = -1;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static int uu(String s, int i) {
        return i < s.length() ? (s.charAt(i) - 32) & 63 : 0;
    }

    /** A line of at most 4096 characters; the rest of a longer line is skipped. */
    private static String boundedLine(BufferedReader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = r.read()) >= 0 && c != '\n') {
            if (sb.length() < 4096) sb.append((char) c);
        }
        if (c < 0 && sb.length() == 0) return null;
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') sb.setLength(len - 1);
        return sb.toString();
    }

    private static String strip(String name, String... exts) {
        if (name == null) return null;
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ext : exts) {
            if (lower.endsWith(ext) && name.length() > ext.length()) {
                String base = name.substring(0, name.length() - ext.length());
                return ext.startsWith(".t") && ext.length() == 4 ? base + ".tar" : base;
            }
        }
        return null;
    }
}
