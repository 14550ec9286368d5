package org.amavisd.policy.regex;

/**
 * Escapes that denote one character. Perl and Java disagree on several ({@code \012},
 * {@code \x7}, {@code \ca}, {@code \o{...}}, unknown letters), so every such character is
 * re-emitted in a form Java reads the same way: a literal or {@code \x{...}}.
 */
final class Escapes {
    private Escapes() {}

    /** Translates the escape at {@code pos} (a backslash) and returns the position after it. */
    static int character(String src, int pos, StringBuilder out) throws PerlRegexException {
        char c = src.charAt(pos + 1);
        int p = pos + 2;
        switch (c) {
            case 't', 'n', 'r', 'f', 'e', 'a' -> out.append('\\').append(c);
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                // up to three octal digits in all
                int end = pos + 1;
                while (end < src.length() && end < pos + 4 && src.charAt(end) >= '0' && src.charAt(end) <= '7') {
                    end++;
                }
                hex(Integer.parseInt(src.substring(pos + 1, end), 8), out);
                p = end;
            }
            case 'x' -> {
                if (p < src.length() && src.charAt(p) == '{') {
                    int close = src.indexOf('}', p);
                    if (close < 0) {
                        throw new PerlRegexException("\\x{", "missing right brace on \\x{}", pos);
                    }
                    hex(parseLenient(src.substring(p + 1, close).trim().replace("_", ""), 16), out);
                    p = close + 1;
                } else {
                    // zero, one or two hex digits: Perl's \x alone is NUL
                    int end = p;
                    while (end < src.length() && end < p + 2 && Character.digit(src.charAt(end), 16) >= 0) {
                        end++;
                    }
                    hex(end == p ? 0 : Integer.parseInt(src.substring(p, end), 16), out);
                    p = end;
                }
            }
            case 'o' -> {
                int close = src.indexOf('}', p);
                if (p >= src.length() || src.charAt(p) != '{' || close < 0) {
                    throw new PerlRegexException("\\o", "missing braces on \\o{}", pos);
                }
                hex(parseLenient(src.substring(p + 1, close).trim(), 8), out);
                p = close + 1;
            }
            case 'c' -> {
                if (p >= src.length()) {
                    throw new PerlRegexException("\\c", "character following \\c missing", pos);
                }
                // Perl upper-cases the letter first: \ca and \cA are both ^A (Java's \ca is '!')
                hex(Character.toUpperCase(src.charAt(p)) ^ 64, out);
                p++;
            }
            default -> {
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    out.append('\\').append(c);
                } else {
                    // an unknown escape such as \y or \Q (outside interpolation) is the character itself
                    literal(c, out);
                }
            }
        }
        return p;
    }

    /** {@code \N{U+263A}} becomes {@code \x{263A}}; {@code \N{NAME}} is left to Java, which knows the names. */
    static int namedChar(String src, int pos, StringBuilder out) throws PerlRegexException {
        int close = src.indexOf('}', pos);
        if (close < 0) {
            throw new PerlRegexException("\\N{", "missing right brace on \\N{}", pos);
        }
        String name = src.substring(pos + 3, close).trim();
        if (name.startsWith("U+")) {
            hex(parseLenient(name.substring(2).replace("_", ""), 16), out);
        } else {
            out.append("\\N{").append(name).append('}');
        }
        return close + 1;
    }

    private static int parseLenient(String digits, int radix) {
        // Perl stops at the first invalid digit; an empty number is 0
        int end = 0;
        while (end < digits.length() && Character.digit(digits.charAt(end), radix) >= 0) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(digits.substring(0, end), radix);
    }

    static void hex(int cp, StringBuilder out) {
        out.append("\\x{").append(Integer.toHexString(cp)).append('}');
    }

    static void literal(char c, StringBuilder out) {
        if ("\\^$.|?*+()[]{}&-#".indexOf(c) >= 0) {
            out.append('\\');
        }
        out.append(c);
    }
}
