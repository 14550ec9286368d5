package org.amavisd.policy.regex;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rewrites Perl regex syntax into java.util.regex syntax, one construct at a time. The
 * differences handled here are those where the same text means something else in Java, or
 * where Java refuses what Perl accepts: /x and /n (done here, Java's COMMENTS mode would also
 * eat blanks inside brackets), literal braces, octal and short hex escapes, {@code \cX},
 * {@code \N}, {@code \g}/{@code \k} back-references, group names, {@code (?^...)} and the
 * bracketed-class differences handled by {@link CharClass}.
 */
final class Translator {
    /** The /x and /n state of one group level; i, m and s are left to Java's own inline flags. */
    private record Mode(boolean x, boolean n) {}

    private final String src;
    private final String flags;
    private final StringBuilder out = new StringBuilder();
    private final Deque<Mode> modes = new ArrayDeque<>();
    private final Map<String, String> groupNames = new LinkedHashMap<>();
    private final int totalGroups;
    private int openedGroups;
    private int javaFlags = Pattern.UNIX_LINES;
    private int pos;

    Translator(String src, String flags) {
        this.src = src;
        this.flags = flags;
        this.totalGroups = GroupCount.of(src, flags.indexOf('n') >= 0);
    }

    int javaFlags() {
        return javaFlags;
    }

    Map<String, String> groupNames() {
        return groupNames;
    }

    String translate() throws PerlRegexException {
        boolean x = false;
        boolean n = false;
        for (int i = 0; i < flags.length(); i++) {
            switch (flags.charAt(i)) {
                case 'i' -> javaFlags |= Pattern.CASE_INSENSITIVE;
                case 'm' -> javaFlags |= Pattern.MULTILINE;
                case 's' -> javaFlags |= Pattern.DOTALL;
                case 'x' -> x = true;
                case 'n' -> n = true;
                case 'u' -> javaFlags |= Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE;
                // a, aa, d, l: ASCII rules are what we apply anyway; p and o change nothing for matching
                case 'a', 'd', 'l', 'p', 'o' -> {}
                default ->
                    throw new PerlRegexException(
                            "/" + flags.charAt(i), "unknown regexp modifier \"/" + flags.charAt(i) + "\"", -1);
            }
        }
        // /xx also ignores blanks inside brackets
        modes.push(new Mode(x, n));
        boolean xx = flags.indexOf("xx") >= 0;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            Mode m = modes.peek();
            if (m.x() && isPatternWhiteSpace(c)) {
                pos++;
            } else if (m.x() && c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\\') {
                escape();
            } else if (c == '[') {
                pos = CharClass.translate(src, pos, xx, out);
            } else if (c == '(') {
                group();
            } else if (c == ')') {
                if (modes.size() == 1) {
                    throw error("unmatched )", "unmatched ) in regex");
                }
                modes.pop();
                out.append(')');
                pos++;
            } else if (c == '{') {
                brace();
            } else if (c == '}') {
                out.append("\\}");
                pos++;
            } else {
                // . ^ $ | ? * + mean the same in Java (with UNIX_LINES); anything else is literal
                out.append(c);
                pos++;
            }
        }
        if (modes.size() > 1) {
            throw error("unmatched (", "unmatched ( in regex");
        }
        return out.toString();
    }

    private PerlRegexException error(String construct, String detail) {
        return new PerlRegexException(construct, detail, pos);
    }

    private PerlRegexException unsupported(String construct) {
        return new PerlRegexException(
                construct, "unsupported regex construct " + construct + " (java.util.regex has no equivalent)", pos);
    }

    static boolean isPatternWhiteSpace(char c) {
        return c == ' '
                || c == '\t'
                || c == '\n'
                || c == '\r'
                || c == '\f'
                || c == 0x0B
                || c == 0x85
                || c == 0x200E
                || c == 0x200F
                || c == 0x2028
                || c == 0x2029;
    }

    /** A quantifier {n}, {n,}, {n,m} or, since Perl 5.34, {,m}; any other brace is a literal. */
    private void brace() {
        int close = src.indexOf('}', pos);
        String inner = close < 0
                ? null
                : src.substring(pos + 1, close).replace(" ", "").replace("\t", "");
        if (inner != null && inner.matches("\\d+(,\\d*)?|,\\d+")) {
            out.append('{').append(inner.startsWith(",") ? "0" + inner : inner).append('}');
            pos = close + 1;
        } else {
            out.append("\\{");
            pos++;
        }
    }

    // ---------------------------------------------------------------- groups

    private void group() throws PerlRegexException {
        Mode m = modes.peek();
        if (src.startsWith("(?#", pos)) {
            int close = src.indexOf(')', pos);
            if (close < 0) {
                throw error("(?#", "unterminated (?#...) comment");
            }
            pos = close + 1;
            return;
        }
        if (src.startsWith("(*", pos)) {
            throw unsupported("(*VERB)");
        }
        if (!src.startsWith("(?", pos)) {
            pos++;
            if (m.n()) {
                out.append("(?:");
            } else {
                openedGroups++;
                out.append('(');
            }
            modes.push(m);
            return;
        }
        String rest = src.substring(pos + 2);
        if (rest.startsWith(":")
                || rest.startsWith("=")
                || rest.startsWith("!")
                || rest.startsWith(">")
                || rest.startsWith("<=")
                || rest.startsWith("<!")) {
            int len = rest.startsWith("<") ? 4 : 3;
            out.append(src, pos, pos + len);
            pos += len;
            modes.push(m);
        } else if (rest.startsWith("<") || rest.startsWith("P<") || rest.startsWith("'")) {
            namedGroup(rest.startsWith("P") ? 4 : 3, rest.startsWith("'") ? '\'' : '>');
            modes.push(m);
        } else if (rest.startsWith("P=")) {
            int close = src.indexOf(')', pos);
            backrefByName(src.substring(pos + 4, close < 0 ? src.length() : close));
            pos = close < 0 ? src.length() : close + 1;
        } else if (rest.startsWith("|")) {
            throw unsupported("(?|...) (branch reset)");
        } else if (rest.startsWith("{")) {
            throw unsupported("(?{...}) (embedded code)");
        } else if (rest.startsWith("?{")) {
            throw unsupported("(??{...}) (postponed subexpression)");
        } else if (rest.startsWith("(")) {
            throw unsupported("(?(condition)...) (conditional)");
        } else if (rest.startsWith("[")) {
            throw unsupported("(?[...]) (extended bracketed character class)");
        } else if (rest.matches("(?s)(R|[+-]?\\d+|&\\w+|P>\\w+)\\).*")) {
            throw unsupported("(?" + rest.substring(0, rest.indexOf(')') + 1) + " (recursion)");
        } else {
            flagGroup();
        }
    }

    private void namedGroup(int prefix, char terminator) throws PerlRegexException {
        int nameStart = pos + prefix;
        int end = src.indexOf(terminator, nameStart);
        String name = end < 0 ? "" : src.substring(nameStart, end);
        if (!name.matches("[A-Za-z_]\\w*")) {
            throw error("(?<name>", "invalid group name '" + name + "'");
        }
        if (groupNames.containsKey(name)) {
            throw unsupported("duplicate group name '" + name + "'");
        }
        // Java group names are [a-zA-Z][a-zA-Z0-9]*; others get a derived unique name
        String javaName =
                name.matches("[A-Za-z][A-Za-z0-9]*") ? name : "g" + name.replace("_", "") + "x" + groupNames.size();
        groupNames.put(name, javaName);
        openedGroups++;
        out.append("(?<").append(javaName).append('>');
        pos = end + 1;
    }

    private void backrefByName(String name) throws PerlRegexException {
        String javaName = groupNames.get(name);
        if (javaName == null) {
            throw error("\\k<" + name + ">", "reference to nonexistent named group '" + name + "'");
        }
        out.append("\\k<").append(javaName).append('>');
    }

    /** (?flags), (?flags:...), (?^flags...), with flags on and off. */
    private void flagGroup() throws PerlRegexException {
        int p = pos + 2;
        StringBuilder on = new StringBuilder();
        StringBuilder off = new StringBuilder();
        Mode m = modes.peek();
        boolean x = m.x();
        boolean n = m.n();
        boolean negate = false;
        if (p < src.length() && src.charAt(p) == '^') {
            // caret: back to Perl's defaults (no i, m, s, x, n), then the listed flags
            off.append("ims");
            x = false;
            n = false;
            p++;
        }
        while (p < src.length() && src.charAt(p) != ')' && src.charAt(p) != ':') {
            char f = src.charAt(p++);
            switch (f) {
                case '-' -> negate = true;
                case 'i', 'm', 's' -> {
                    StringBuilder target = negate ? off : on;
                    StringBuilder other = negate ? on : off;
                    int k = other.indexOf(String.valueOf(f));
                    if (k >= 0) {
                        other.deleteCharAt(k);
                    }
                    if (target.indexOf(String.valueOf(f)) < 0) {
                        target.append(f);
                    }
                }
                case 'x' -> x = !negate;
                case 'n' -> n = !negate;
                case 'a', 'd', 'l', 'p' -> {}
                case 'u' -> on.append("Uu");
                default -> throw error("(?" + f, "unknown inline flag '" + f + "' in (?...)");
            }
        }
        if (p >= src.length()) {
            throw error("(?", "unterminated (?...) group");
        }
        boolean scoped = src.charAt(p) == ':';
        String javaFlagText = on + (off.length() > 0 ? "-" + off : "");
        if (scoped) {
            out.append("(?").append(javaFlagText).append(':');
            modes.push(new Mode(x, n));
        } else {
            if (!javaFlagText.isEmpty()) {
                out.append("(?").append(javaFlagText).append(')');
            }
            // like Java's inline flags, ours last until the end of the enclosing group
            modes.pop();
            modes.push(new Mode(x, n));
        }
        pos = p + 1;
    }

    // ---------------------------------------------------------------- escapes

    private void escape() throws PerlRegexException {
        if (pos + 1 >= src.length()) {
            throw error("\\", "trailing \\ in regex");
        }
        char c = src.charAt(pos + 1);
        int start = pos;
        pos += 2;
        switch (c) {
            case 'd',
                    'D',
                    'w',
                    'W',
                    's',
                    'S',
                    'h',
                    'H',
                    'v',
                    'V',
                    'R',
                    'X',
                    'B',
                    'A',
                    'z',
                    'Z',
                    't',
                    'n',
                    'r',
                    'f',
                    'e',
                    'a' -> out.append('\\').append(c);
            case 'b' -> {
                if (pos < src.length() && src.charAt(pos) == '{') {
                    int close = src.indexOf('}', pos);
                    String type = close < 0 ? "" : src.substring(pos + 1, close);
                    if (!type.equals("gcb") && !type.equals("g")) {
                        pos = start;
                        throw unsupported("\\b{" + type + "}");
                    }
                    out.append("\\b{g}");
                    pos = close + 1;
                } else {
                    out.append("\\b");
                }
            }
            case 'p', 'P' -> {
                out.append('\\').append(c);
                if (pos < src.length() && src.charAt(pos) == '{') {
                    int close = src.indexOf('}', pos);
                    int end = close < 0 ? src.length() : close + 1;
                    out.append(src, pos, end);
                    pos = end;
                } else if (pos < src.length()) {
                    out.append(src.charAt(pos++));
                }
            }
            case 'K' -> {
                pos = start;
                throw unsupported("\\K (keep)");
            }
            case 'G' -> {
                pos = start;
                throw unsupported("\\G (end of previous match)");
            }
            case 'C' -> {
                pos = start;
                throw error("\\C", "\\C no longer supported");
            }
            case 'N' -> {
                if (pos < src.length() && src.charAt(pos) == '{') {
                    pos = start;
                    pos = Escapes.namedChar(src, pos, out);
                } else {
                    out.append("[^\\n]");
                }
            }
            case 'g', 'k' -> backref(c, start);
            case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> numbered(start);
            default -> {
                pos = start;
                pos = Escapes.character(src, pos, out);
            }
        }
    }

    /** \1..\9 are back-references; \10 and up only when that many groups exist, else octal. */
    private void numbered(int start) throws PerlRegexException {
        int end = start + 1;
        while (end < src.length() && Character.isDigit(src.charAt(end))) {
            end++;
        }
        int n = Integer.parseInt(src.substring(start + 1, Math.min(end, start + 10)));
        if (n < 10 || n <= totalGroups) {
            // wrapped so that a digit that follows is not read as part of the number
            out.append("(?:\\").append(n).append(')');
            pos = end;
        } else {
            pos = Escapes.character(src, start, out);
        }
    }

    private void backref(char kind, int start) throws PerlRegexException {
        String rest = src.substring(pos);
        java.util.regex.Matcher num =
                Pattern.compile("^(?:\\{\\s*(-?\\d+)\\s*\\}|(-?\\d+))").matcher(rest);
        if (kind == 'g' && num.find()) {
            int n = Integer.parseInt(num.group(1) != null ? num.group(1) : num.group(2));
            if (n < 0) {
                // relative: \g{-1} is the group opened most recently before this point
                n = openedGroups + 1 + n;
            }
            if (n <= 0) {
                pos = start;
                throw error("\\g", "reference to nonexistent group");
            }
            out.append("(?:\\").append(n).append(')');
            pos += num.end();
            return;
        }
        java.util.regex.Matcher named =
                Pattern.compile("^(?:\\{(\\w+)\\}|<(\\w+)>|'(\\w+)')").matcher(rest);
        if (!named.find()) {
            pos = start;
            throw error("\\" + kind, "malformed \\" + kind + " back-reference");
        }
        String name =
                named.group(1) != null ? named.group(1) : named.group(2) != null ? named.group(2) : named.group(3);
        pos += named.end();
        backrefByName(name);
    }
}
