package org.amavisd.scanners.decode;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * The payload of an RPM package, uncompressed: what rpm2cpio writes, and what amavisd-new's
 * decoder for "rpm" makes the package's one member (a cpio archive, unpacked in turn).
 *
 * <p>An RPM is a 96-byte lead, a signature header padded to a multiple of 8 bytes, the main
 * header, then the cpio payload, compressed with gzip, bzip2, xz, lzma or zstd (told apart here by
 * their magic numbers) or not at all. Only the sizes of the headers are read, to skip them; a
 * file that is not laid out so is an IOException (the package stays unpacked).
 */
final class RpmPayload {
    private static final int LEAD = 96;
    private static final int MAX_INDEX = 1 << 20;
    private static final int MAX_STORE = 256 << 20;

    private RpmPayload() {}

    /** Opens the payload of {@code rpm}; the caller closes it. */
    static InputStream open(Path rpm, int memLimitKb) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(rpm), 64 * 1024);
        try {
            DataInputStream in = new DataInputStream(raw);
            byte[] lead = new byte[LEAD];
            in.readFully(lead);
            if ((lead[0] & 0xff) != 0xed
                    || (lead[1] & 0xff) != 0xab
                    || (lead[2] & 0xff) != 0xee
                    || (lead[3] & 0xff) != 0xdb) {
                throw new IOException("not an RPM package");
            }
            long sig = skipHeader(in);
            skipFully(in, (8 - sig % 8) % 8); // the signature header is padded to 8 bytes
            skipHeader(in);
            raw.mark(8);
            byte[] m = new byte[6];
            int n = raw.readNBytes(m, 0, m.length);
            raw.reset();
            if (n < 2) throw new EOFException("RPM package without a payload");
            return decompress(raw, m, memLimitKb);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Skips one header structure (magic, index entries, data store); returns its length. */
    private static long skipHeader(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if ((magic >>> 8) != 0x8eade8) throw new IOException("bad RPM header magic");
        in.readInt(); // reserved
        int entries = in.readInt(), store = in.readInt();
        if (entries < 0 || entries > MAX_INDEX || store < 0 || store > MAX_STORE) {
            throw new IOException("implausible RPM header size");
        }
        long len = 16L * entries + store;
        skipFully(in, len);
        return 16 + len;
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException("RPM package cut off");
                s = 1;
            }
            n -= s;
        }
    }

    private static InputStream decompress(InputStream in, byte[] m, int memLimitKb) throws IOException {
        int b0 = m[0] & 0xff, b1 = m[1] & 0xff;
        if (b0 == 0x1f && b1 == 0x8b) return new GzipCompressorInputStream(in, true);
        if (b0 == 'B' && b1 == 'Z' && m[2] == 'h') return new BZip2CompressorInputStream(in, true);
        if (b0 == 0xfd && b1 == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z') {
            return new XZCompressorInputStream(in, true, memLimitKb);
        }
        if (b0 == 0x28 && b1 == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) {
            return new ZstdCompressorInputStream(in);
        }
        if (b0 == 0x5d && b1 == 0 && m[2] == 0) return new LZMACompressorInputStream(in, memLimitKb);
        if (b0 == '0' && b1 == '7') return in; // an uncompressed cpio archive ("070701", "070702")
        throw new IOException("unknown RPM payload compression");
    }
}
