package org.amavisd.quarantine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies a message from a stream, leaving out its Return-Path header fields (with their
 * continuation lines), as amavisd-new does before it prepends its own Return-Path. The header is
 * copied a byte at a time looking at no more than the start of each line; the body is copied in
 * blocks. Memory stays bounded whatever the message's size or line lengths.
 */
final class HeaderFilter {
    private static final byte[] RETURN_PATH = "return-path:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HeaderFilter() {}

    /** {@code in} should be buffered: the header is read a byte at a time. */
    static void copyWithoutReturnPath(InputStream in, OutputStream out) throws IOException {
        byte[] prefix = new byte[RETURN_PATH.length];
        boolean skipping = false;
        while (true) { // at the start of a header line
            int c = in.read();
            if (c < 0) return;
            if (c == '\r' || c == '\n') { // the empty line ending the header section
                out.write(c);
                break;
            }
            if (c == ' ' || c == '\t') { // a continuation line belongs to the field before it
                if (skipping) {
                    if (!skipLine(in)) return;
                } else {
                    out.write(c);
                    if (!copyLine(in, out)) return;
                }
                continue;
            }
            // a new field: read enough of it to know its name
            prefix[0] = (byte) c;
            int len = 1;
            boolean lineEnded = c == '\n';
            while (len < prefix.length && !lineEnded) {
                int d = in.read();
                if (d < 0) break;
                prefix[len++] = (byte) d;
                lineEnded = d == '\n';
            }
            skipping = len == prefix.length && matchesIgnoreCase(prefix);
            if (skipping) {
                if (!lineEnded && !skipLine(in)) return;
            } else {
                out.write(prefix, 0, len);
                if (len < prefix.length && !lineEnded) return; // end of input
                if (!lineEnded && !copyLine(in, out)) return;
            }
        }
        in.transferTo(out);
    }

    private static boolean matchesIgnoreCase(byte[] prefix) {
        for (int i = 0; i < RETURN_PATH.length; i++) {
            int b = prefix[i] & 0xff;
            if (b >= 'A' && b <= 'Z') b += 'a' - 'A';
            if (b != RETURN_PATH[i]) return false;
        }
        return true;
    }

    /** Copies to the end of the line; false at the end of input. */
    private static boolean copyLine(InputStream in, OutputStream out) throws IOException {
        int c;
        while ((c = in.read()) >= 0) {
            out.write(c);
            if (c == '\n') return true;
        }
        return false;
    }

    private static boolean skipLine(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') return true;
        }
        return false;
    }
}
