package org.amavisd.smtp.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The xtext encoding of RFC 3461 (ENVID, ORCPT) and Postfix's XFORWARD values. */
public final class Xtext {
    private Xtext() {}

    /** Decodes "+XX" hex escapes; returns null when the text is not valid xtext. */
    public static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '+') {
                if (i + 2 >= in.length) return null;
                int hi = Character.digit(in[i + 1], 16), lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) return null;
                out.write(hi * 16 + lo);
                i += 2;
            } else if (b == '=' || (b >= 0 && b < 33) || b == 127) {
                return null;
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Encodes everything outside printable ASCII, and '+' and '=', as "+XX". */
    public static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') {
                sb.append('+')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
