package org.amavisd.scanners.header;

/** Strict UTF-8 checks on raw header bytes (no overlong forms, no surrogates, at most U+10FFFF). */
final class Utf8 {
    private Utf8() {}

    /**
     * Whether {@code b} is well-formed UTF-8. With {@code truncated}, an incomplete sequence at the
     * very end is accepted (the rest of the field was not kept).
     */
    static boolean isValid(byte[] b, boolean truncated) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n;
            int min;
            if (c < 0x80) {
                i++;
                continue;
            } else if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            int cp = c & (0x3f >> n);
            for (int k = 1; k <= n; k++) {
                if (i + k >= b.length) {
                    return truncated;
                }
                int d = b[i + k] & 0xff;
                if ((d & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (d & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }

    /** Whether the bytes encode a C1 control (U+0080..U+009F), which RFC 5198 excludes. */
    static boolean hasC1Control(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xc2 && (b[i + 1] & 0xff) >= 0x80 && (b[i + 1] & 0xff) <= 0x9f) {
                return true;
            }
        }
        return false;
    }
}
