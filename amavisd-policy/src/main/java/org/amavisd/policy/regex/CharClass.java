package org.amavisd.policy.regex;

import java.util.Map;

/**
 * Bracketed character classes. In Perl, a '[' inside a class is a literal and '&&' is two
 * ampersands, while Java reads them as nested classes and intersection; a ']' right after the
 * opening bracket is a literal; {@code \b} is a backspace; POSIX classes map to Java's
 * ASCII-only {@code \p{...}}. /x does not apply inside brackets, /xx skips blanks and tabs.
 */
final class CharClass {
    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alpha", "Alpha"),
            Map.entry("digit", "Digit"),
            Map.entry("alnum", "Alnum"),
            Map.entry("upper", "Upper"),
            Map.entry("lower", "Lower"),
            Map.entry("punct", "Punct"),
            Map.entry("space", "Space"),
            Map.entry("blank", "Blank"),
            Map.entry("cntrl", "Cntrl"),
            Map.entry("graph", "Graph"),
            Map.entry("print", "Print"),
            Map.entry("xdigit", "XDigit"),
            Map.entry("ascii", "ASCII"));

    private CharClass() {}

    /** Translates the class starting at {@code pos} ('[') and returns the position after its ']'. */
    static int translate(String src, int pos, boolean xx, StringBuilder out) throws PerlRegexException {
        int start = pos;
        int p = pos + 1;
        out.append('[');
        if (p < src.length() && src.charAt(p) == '^') {
            out.append('^');
            p++;
        }
        boolean first = true;
        while (true) {
            if (p >= src.length()) {
                throw new PerlRegexException("[", "unmatched [ in regex", start);
            }
            char c = src.charAt(p);
            if (c == ']' && !first) {
                out.append(']');
                return p + 1;
            }
            first = false;
            if (xx && (c == ' ' || c == '\t')) {
                p++;
            } else if (c == '['
                    && p + 1 < src.length()
                    && ":=.".indexOf(src.charAt(p + 1)) >= 0
                    && posixEnd(src, p) > 0) {
                p = posix(src, p, out);
            } else if (c == '\\') {
                p = escape(src, p, out);
            } else {
                Escapes.literal(c, out);
                if (c == '-') {
                    // a range dash stays a range dash
                    out.setLength(out.length() - 2);
                    out.append('-');
                }
                p++;
            }
        }
    }

    private static int posixEnd(String src, int p) {
        char kind = src.charAt(p + 1);
        int end = src.indexOf(kind + "]", p + 2);
        int close = src.indexOf(']', p + 2);
        return end >= 0 && end < close ? end : -1;
    }

    private static int posix(String src, int p, StringBuilder out) throws PerlRegexException {
        char kind = src.charAt(p + 1);
        int end = posixEnd(src, p);
        String name = src.substring(p + 2, end);
        if (kind != ':') {
            throw new PerlRegexException(
                    "[" + kind + name + kind + "]",
                    "POSIX syntax [" + kind + " " + kind + "] is reserved for future extensions",
                    p);
        }
        boolean negated = name.startsWith("^");
        String bare = negated ? name.substring(1) : name;
        String javaName = POSIX.get(bare);
        if (bare.equals("word")) {
            out.append(negated ? "\\W" : "\\w");
        } else if (javaName == null) {
            throw new PerlRegexException("[:" + name + ":]", "POSIX class [:" + name + ":] unknown", p);
        } else {
            out.append(negated ? "\\P{" : "\\p{").append(javaName).append('}');
        }
        return end + 2;
    }

    private static int escape(String src, int p, StringBuilder out) throws PerlRegexException {
        if (p + 1 >= src.length()) {
            throw new PerlRegexException("[", "unmatched [ in regex", p);
        }
        char c = src.charAt(p + 1);
        switch (c) {
            case 'd', 'D', 'w', 'W', 's', 'S', 'h', 'H', 'v', 'V' -> {
                out.append('\\').append(c);
                return p + 2;
            }
            case 'p', 'P' -> {
                int end = p + 3;
                if (p + 2 < src.length() && src.charAt(p + 2) == '{') {
                    int close = src.indexOf('}', p);
                    end = close < 0 ? src.length() : close + 1;
                }
                out.append(src, p, Math.min(end, src.length()));
                return Math.min(end, src.length());
            }
            case 'b' -> {
                Escapes.hex(8, out);
                return p + 2;
            }
            case 'N' -> {
                if (p + 2 < src.length() && src.charAt(p + 2) == '{') {
                    return Escapes.namedChar(src, p, out);
                }
                throw new PerlRegexException("\\N", "\\N in a character class must be a named character: \\N{...}", p);
            }
            default -> {
                return Escapes.character(src, p, out);
            }
        }
    }
}
