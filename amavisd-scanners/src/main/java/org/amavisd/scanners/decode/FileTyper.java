package org.amavisd.scanners.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * Types a file by its content and maps the result to amavisd-new's short type names (the values of
 * Conf.pm's {@code $map_full_type_to_short_type_re}). The types that matter for decoding and for
 * banned rules (executables, archives, compressors, office documents, images) are recognised by
 * their magic bytes here; the rest goes to tika-core's magic detector. Only the first bytes of a
 * file are read.
 */
public final class FileTyper {
    static final int HEAD = 8192;

    /** A detected type: a description or MIME type, and its short types (T=). */
    public record FileType(String fullType, List<String> shortTypes) {
        FileType(String fullType, String... shortTypes) {
            this(fullType, List.of(shortTypes));
        }
    }

    private static final Map<String, List<String>> TIKA_TO_SHORT = Map.ofEntries(
            Map.entry("text/html", List.of("html")),
            Map.entry("message/rfc822", List.of("mail")),
            Map.entry("application/xhtml+xml", List.of("html")),
            Map.entry("application/xml", List.of("xml")),
            Map.entry("text/xml", List.of("xml")),
            Map.entry("application/rtf", List.of("rtf")),
            Map.entry("application/postscript", List.of("ps")),
            Map.entry("audio/mpeg", List.of("audio", "mpa", "mp3")),
            Map.entry("audio/vnd.wave", List.of("audio", "wav")),
            Map.entry("audio/x-wav", List.of("audio", "wav")),
            Map.entry("audio/x-flac", List.of("audio", "flac")),
            Map.entry("audio/ogg", List.of("audio", "ogg")),
            Map.entry("audio/vorbis", List.of("audio", "ogg")),
            Map.entry("application/ogg", List.of("audio", "ogg")),
            Map.entry("video/x-msvideo", List.of("movie", "avi")),
            Map.entry("video/mpeg", List.of("movie", "mpg")),
            Map.entry("video/x-matroska", List.of("movie", "mkv")),
            Map.entry("video/x-ms-asf", List.of("movie", "wmv")),
            Map.entry("video/x-ms-wmv", List.of("movie", "wmv")),
            Map.entry("video/mp4", List.of("audio", "mpa", "m4a", "m4b")),
            Map.entry("video/3gpp", List.of("audio", "mpa", "3gpp")),
            Map.entry("image/svg+xml", List.of("image", "svg")),
            Map.entry("image/bmp", List.of("image", "bmp")),
            Map.entry("image/x-ms-bmp", List.of("image", "bmp")),
            Map.entry("image/vnd.zbrush.pcx", List.of("image", "pcx")),
            Map.entry("application/x-shockwave-flash", List.of("swf")),
            Map.entry("application/java-vm", List.of("java")),
            Map.entry("application/x-iso9660-image", List.of("iso")),
            Map.entry("application/x-lzh-compressed", List.of("lha")),
            Map.entry("application/x-stuffit", List.of("sit")),
            Map.entry("application/x-msmetafile", List.of("wmf")),
            Map.entry("application/x-dvi", List.of("dvi")),
            Map.entry("application/x-latex", List.of("lat")),
            Map.entry("application/x-tex", List.of("lat")),
            Map.entry("application/x-mspublisher", List.of("doc")),
            Map.entry("application/x-lz4", List.of("lz4")),
            Map.entry("application/x-lzop", List.of("lzo")),
            Map.entry("application/x-ace-compressed", List.of("ace")),
            Map.entry("application/x-zoo", List.of("zoo")),
            Map.entry("application/x-arc", List.of("arc")),
            Map.entry("application/x-tnef", List.of("tnef")),
            Map.entry("application/vnd.ms-tnef", List.of("tnef")),
            Map.entry("application/x-gettext-translation", List.of("mo")));

    private FileTyper() {}

    public static FileType detect(Path file) throws IOException {
        byte[] h;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(HEAD);
            size = h.length < HEAD ? h.length : Files.size(file);
        }
        return detect(h, size);
    }

    /** Types a file from its first bytes ({@code head}, up to 8 KiB) and its size. */
    static FileType detect(byte[] h, long size) {
        if (size == 0) return new FileType("empty", "empty");
        FileType t = magic(h);
        if (t != null) return t;
        String tika = tika(h);
        List<String> mapped = TIKA_TO_SHORT.get(tika);
        if (mapped != null) return new FileType(tika, mapped);
        if (tika.startsWith("text/") || tika.equals("application/octet-stream")) return text(h, tika);
        return new FileType(tika, List.of());
    }

    private static FileType magic(byte[] h) {
        if (startsWith(h, 0, "MZ")) return msdos(h);
        if (startsWith(h, 0, "\u007fELF")) return elf(h);
        if (startsWith(h, 0, "PK\u0003\u0004")
                || startsWith(h, 0, "PK\u0005\u0006")
                || startsWith(h, 0, "PK\u0007\u0008")) {
            return new FileType("Zip archive data", "zip");
        }
        if (startsWith(h, 0, "Rar!\u001a\u0007")) return new FileType("RAR archive data", "rar");
        if (startsWith(h, 0, "7z\u00bc\u00af\u0027\u001c")) return new FileType("7-zip archive data", "7z");
        if (startsWith(h, 0, "\u001f\u008b")) return new FileType("gzip compressed data", "gz");
        if (startsWith(h, 0, "BZh") && h.length > 3 && h[3] >= '1' && h[3] <= '9') {
            return new FileType("bzip2 compressed data", "bz2");
        }
        if (startsWith(h, 0, "\u00fd7zXZ\u0000")) return new FileType("xz compressed data", "xz");
        if (startsWith(h, 0, "\u0028\u00b5\u002f\u00fd")) return new FileType("Zstandard compressed data", "zst");
        if (startsWith(h, 0, "\u001f\u009d")) return new FileType("compress'd data", "Z");
        if (startsWith(h, 0, "\u005d\u0000\u0000") && h.length > 12 && (h[12] == 0 || h[12] == (byte) 0xff)) {
            return new FileType("lzma compressed data", "lzma");
        }
        if (startsWith(h, 257, "ustar")) return new FileType("POSIX tar archive", "tar");
        if (startsWith(h, 0, "070707")
                || startsWith(h, 0, "070701")
                || startsWith(h, 0, "070702")
                || startsWith(h, 0, "\u00c7\u0071")
                || startsWith(h, 0, "\u0071\u00c7")) {
            return new FileType("cpio archive", "cpio");
        }
        if (startsWith(h, 0, "!<arch>\n")) {
            return startsWith(h, 8, "debian-binary")
                    ? new FileType("Debian binary package", "deb")
                    : new FileType("current ar archive", "a");
        }
        if (startsWith(h, 0, "\u00ed\u00ab\u00ee\u00db")) return new FileType("RPM", "rpm");
        if (startsWith(h, 0, "MSCF\u0000\u0000\u0000\u0000"))
            return new FileType("Microsoft Cabinet archive data", "cab");
        if (startsWith(h, 0, "ISc(")) return new FileType("InstallShield Cabinet file", "installshield");
        if (startsWith(h, 0, "\u0060\u00ea")) return new FileType("ARJ archive data", "arj");
        if (h.length > 6 && startsWith(h, 2, "-lh") && h[6] == '-') return new FileType("LHa archive data", "lha");
        if (startsWith(h, 0, "\u0078\u009f\u003e\""))
            return new FileType("Transport Neutral Encapsulation Format", "tnef");
        if (startsWith(h, 0, "%PDF-")) return new FileType("PDF document", "pdf");
        if (startsWith(h, 0, "\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1")) {
            // file(1) once said "Microsoft Office Document" (doc), now "Composite Document File V2" (cdf-ms)
            return new FileType("Composite Document File V2 Document", "doc", "cdf-ms");
        }
        if (startsWith(h, 0, "{\\rtf")) return new FileType("Rich Text Format data", "rtf");
        if (startsWith(h, 0, "\u00ff\u00d8\u00ff")) return new FileType("JPEG image data", "image", "jpg");
        if (startsWith(h, 0, "\u0089PNG\r\n\u001a\n")) return new FileType("PNG image data", "image", "png");
        if (startsWith(h, 0, "GIF87a") || startsWith(h, 0, "GIF89a"))
            return new FileType("GIF image data", "image", "gif");
        if (startsWith(h, 0, "II*\u0000") || startsWith(h, 0, "MM\u0000*"))
            return new FileType("TIFF image data", "image", "tif");
        if (startsWith(h, 0, "%!PS")) return new FileType("PostScript document text", "ps");
        if (startsWith(h, 0, "FWS") || startsWith(h, 0, "CWS")) return new FileType("Macromedia Flash data", "swf");
        if (startsWith(h, 0, "\u00ca\u00fe\u00ba\u00be") && h.length > 7 && h[7] > 40) {
            return new FileType("compiled Java class data", "java");
        }
        if (startsWith(h, 0, "-----BEGIN PGP SIGNATURE")
                || startsWith(h, 0, "-----BEGIN PGP PUBLIC KEY")
                || startsWith(h, 0, "-----BEGIN PGP SIGNED MESSAGE")) {
            return new FileType("PGP signature", "pgp", "pgp.asc");
        }
        if (startsWith(h, 0, "-----BEGIN PGP MESSAGE")) return new FileType("PGP message", "pgp", "pgp.enc");
        if (startsWith(h, 0, "(This file must be converted with BinHex"))
            return new FileType("BinHex binary text", "hqx");
        if (uuBegin(h)) return new FileType("uuencoded text", "uue");
        return null;
    }

    private static FileType msdos(byte[] h) {
        if (h.length >= 0x40) {
            int off = le32(h, 0x3c);
            if (off > 0 && off + 24 <= h.length && startsWith(h, off, "PE\u0000\u0000")) {
                int characteristics = le16(h, off + 22);
                if ((characteristics & 0x2000) != 0)
                    return new FileType("PE executable for MS Windows (DLL)", "exe", "dll");
                return new FileType("PE executable for MS Windows", "exe", "exe-ms");
            }
        }
        return new FileType("MS-DOS executable", "exe", "exe-ms");
    }

    private static FileType elf(byte[] h) {
        if (h.length < 20) return new FileType("ELF", "exe");
        boolean le = h[5] != 2;
        int type = le ? le16(h, 16) : ((h[16] & 0xff) << 8 | (h[17] & 0xff));
        return switch (type) {
            case 2 -> new FileType("ELF executable", "exe", "exe-unix");
            case 3 -> new FileType("ELF shared object", "exe", "exe-unix", "so");
            case 1 -> new FileType("ELF relocatable", "o");
            default -> new FileType("ELF", "exe");
        };
    }

    private static FileType text(byte[] h, String tika) {
        boolean ascii = true, utf8 = true;
        int bin = 0;
        for (int i = 0; i < h.length; i++) {
            int b = h[i] & 0xff;
            if (b >= 0x80) ascii = false;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1b && b != 0x08) bin++;
        }
        if (bin > 0) return new FileType("data", "dat");
        if (ascii) return new FileType("ASCII text", "asc");
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(h, 0, utf8Prefix(h)));
        } catch (java.nio.charset.CharacterCodingException e) {
            utf8 = false;
        }
        return new FileType(utf8 ? "UTF-8 Unicode text" : "ISO-8859 text", "txt");
    }

    /** Length of {@code h} without a UTF-8 sequence cut off at its end. */
    private static int utf8Prefix(byte[] h) {
        int n = h.length;
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int b = h[i] & 0xff;
            if (b < 0x80) break;
            if (b >= 0xc0) return i;
        }
        return n;
    }

    private static boolean uuBegin(byte[] h) {
        String s = new String(h, 0, Math.min(h.length, 200), StandardCharsets.ISO_8859_1);
        return s.matches("(?s)begin [0-7]{3,4} \\S.*");
    }

    private static String tika(byte[] h) {
        try {
            MediaType mt = MimeTypes.getDefaultMimeTypes().detect(new ByteArrayInputStream(h), new Metadata());
            return mt.getBaseType().toString();
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }

    private static boolean startsWith(byte[] h, int off, String magic) {
        if (off + magic.length() > h.length) return false;
        for (int i = 0; i < magic.length(); i++) if ((h[off + i] & 0xff) != magic.charAt(i)) return false;
        return true;
    }

    private static int le16(byte[] h, int o) {
        return (h[o] & 0xff) | (h[o + 1] & 0xff) << 8;
    }

    private static int le32(byte[] h, int o) {
        return (h[o] & 0xff) | (h[o + 1] & 0xff) << 8 | (h[o + 2] & 0xff) << 16 | (h[o + 3] & 0xff) << 24;
    }
}
