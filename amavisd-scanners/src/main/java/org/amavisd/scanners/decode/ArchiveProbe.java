package org.amavisd.scanners.decode;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the member headers of a rar or arj archive to learn what is encrypted, before the
 * external program runs: Debian's unrar-free and arj do not say so in a way worth parsing (unrar-free
 * writes garbage or an empty file for an encrypted member, arj skips it). Only headers are read,
 * member data is skipped; a malformed archive ends the probe with what was found so far.
 */
final class ArchiveProbe {
    /**
     * @param headersEncrypted the member list itself is encrypted (rar -hp): nothing can be unpacked
     * @param encryptedNames members whose content is encrypted, as named in the archive
     */
    record Result(boolean headersEncrypted, List<String> encryptedNames) {
        static final Result NOTHING = new Result(false, List.of());
    }

    private static final int MAX_HEADERS = 100_000;
    private static final byte[] RAR4 = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x00};
    private static final byte[] RAR5 = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00};

    private ArchiveProbe() {}

    static Result probe(ExternalArchivers.Format format, Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            return switch (format) {
                case RAR -> rar(f);
                case ARJ -> arj(f);
                default -> Result.NOTHING; // cab and lha have no encryption
            };
        } catch (IOException e) {
            return Result.NOTHING;
        }
    }

    private static boolean startsWith(RandomAccessFile f, byte[] sig) throws IOException {
        if (f.length() < sig.length) return false;
        byte[] b = new byte[sig.length];
        f.seek(0);
        f.readFully(b);
        return java.util.Arrays.equals(b, sig);
    }

    private static Result rar(RandomAccessFile f) throws IOException {
        if (startsWith(f, RAR5)) return rar5(f);
        if (startsWith(f, RAR4)) return rar4(f);
        return Result.NOTHING;
    }

    /** RAR 1.5 to 4.x: fixed-layout block headers. */
    private static Result rar4(RandomAccessFile f) throws IOException {
        List<String> enc = new ArrayList<>();
        long pos = RAR4.length;
        try {
            for (int i = 0; i < MAX_HEADERS && pos + 7 <= f.length(); i++) {
                f.seek(pos);
                byte[] h = new byte[7];
                f.readFully(h);
                int type = h[2] & 0xff, flags = u16(h, 3), size = u16(h, 5);
                if (size < 7) break;
                byte[] body = new byte[size - 7];
                f.readFully(body);
                long add = 0;
                if (type == 0x73 && (flags & 0x0080) != 0) return new Result(true, List.of());
                if (type == 0x74 && body.length >= 25) {
                    add = u32(body, 0);
                    int nameSize = u16(body, 19);
                    int nameAt = 25 + ((flags & 0x0100) != 0 ? 8 : 0);
                    if ((flags & 0x0100) != 0 && body.length >= 33) add |= u32(body, 25) << 32;
                    boolean directory = (flags & 0x00e0) == 0x00e0;
                    if ((flags & 0x0004) != 0 && !directory && nameAt + nameSize <= body.length) {
                        int end = nameAt;
                        while (end < nameAt + nameSize && body[end] != 0) end++; // unicode names follow a NUL
                        enc.add(new String(body, nameAt, end - nameAt, StandardCharsets.ISO_8859_1));
                    }
                } else if ((flags & 0x8000) != 0 && body.length >= 4) {
                    add = u32(body, 0);
                }
                if (type == 0x7b) break;
                pos += size + add;
            }
        } catch (EOFException e) {
            // truncated: what was found stands
        }
        return new Result(false, enc);
    }

    /** RAR 5: variable-length integers, encryption as a header of its own or an extra record. */
    private static Result rar5(RandomAccessFile f) throws IOException {
        List<String> enc = new ArrayList<>();
        long pos = RAR5.length;
        try {
            for (int i = 0; i < MAX_HEADERS && pos + 5 < f.length(); i++) {
                f.seek(pos + 4); // CRC32
                long[] vi = vint(f);
                long headerSize = vi[0];
                if (headerSize < 2 || headerSize > 2 * 1024 * 1024) break;
                byte[] h = new byte[(int) headerSize];
                f.readFully(h);
                int[] at = {0};
                long type = vint(h, at), flags = vint(h, at);
                long extraSize = (flags & 1) != 0 ? vint(h, at) : 0;
                long dataSize = (flags & 2) != 0 ? vint(h, at) : 0;
                if (type == 4) return new Result(true, List.of());
                if (type == 2) {
                    long fileFlags = vint(h, at);
                    vint(h, at); // unpacked size
                    vint(h, at); // attributes
                    if ((fileFlags & 2) != 0) at[0] += 4;
                    if ((fileFlags & 4) != 0) at[0] += 4;
                    vint(h, at); // compression
                    vint(h, at); // host OS
                    int nameLen = (int) vint(h, at);
                    String name =
                            at[0] + nameLen <= h.length ? new String(h, at[0], nameLen, StandardCharsets.UTF_8) : "";
                    if ((fileFlags & 1) == 0 && encryptedRecord(h, (int) (h.length - extraSize))) enc.add(name);
                }
                if (type == 5) break;
                pos = pos + 4 + vi[1] + headerSize + dataSize;
            }
        } catch (EOFException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            // truncated or malformed: what was found stands
        }
        return new Result(false, enc);
    }

    private static boolean encryptedRecord(byte[] h, int from) {
        int[] at = {Math.max(0, from)};
        while (at[0] < h.length) {
            long size = vint(h, at);
            int start = at[0];
            long type = vint(h, at);
            if (type == 1) return true;
            if (size <= 0) return false;
            at[0] = (int) Math.min(h.length, start + size);
        }
        return false;
    }

    /** ARJ: a main header, then one header per member followed by its data; flag 1 is "garbled". */
    private static Result arj(RandomAccessFile f) throws IOException {
        List<String> enc = new ArrayList<>();
        long pos = 0;
        try {
            for (int i = 0; i < MAX_HEADERS && pos + 4 <= f.length(); i++) {
                f.seek(pos);
                if (f.readUnsignedByte() != 0x60 || f.readUnsignedByte() != 0xea) break;
                int size = f.readUnsignedByte() | f.readUnsignedByte() << 8;
                if (size == 0 || size > 2600) break;
                byte[] b = new byte[size];
                f.readFully(b);
                f.skipBytes(4); // header CRC
                for (int e = 0; e < 64; e++) { // extended headers
                    int ext = f.readUnsignedByte() | f.readUnsignedByte() << 8;
                    if (ext == 0) break;
                    f.seek(f.getFilePointer() + ext + 4);
                }
                int first = b[0] & 0xff;
                int flags = b[4] & 0xff, fileType = b[6] & 0xff;
                long compressed = i == 0 || b.length < 16 ? 0 : u32(b, 12);
                if (i > 0 && (flags & 0x01) != 0 && fileType != 3 && first < b.length) {
                    int end = first;
                    while (end < b.length && b[end] != 0) end++;
                    enc.add(new String(b, first, end - first, StandardCharsets.ISO_8859_1));
                }
                pos = f.getFilePointer() + compressed;
            }
        } catch (EOFException e) {
            // truncated: what was found stands
        }
        return new Result(false, enc);
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int o) {
        return (u16(b, o) | (long) u16(b, o + 2) << 16) & 0xffffffffL;
    }

    /** A RAR 5 vint read from the file: {value, bytes it took}. */
    private static long[] vint(RandomAccessFile f) throws IOException {
        long v = 0;
        for (int i = 0; i < 10; i++) {
            int b = f.readUnsignedByte();
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) return new long[] {v, i + 1};
        }
        throw new EOFException("bad vint");
    }

    private static long vint(byte[] h, int[] at) {
        long v = 0;
        for (int i = 0; i < 10; i++) {
            int b = h[at[0]++] & 0xff;
            v |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) return v;
        }
        throw new ArrayIndexOutOfBoundsException("bad vint");
    }
}
