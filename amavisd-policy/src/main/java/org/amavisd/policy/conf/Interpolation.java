package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.policy.conf.Ast.*;

/**
 * Splits the body of a double-quoted string into literal text and interpolated variables,
 * resolving backslash escapes on the way. Only the forms real configs use are recognised:
 * {@code $x}, {@code ${x}}, {@code $h{key}}, {@code $a[0]}, {@code $r->{k}} and {@code @a}.
 */
final class Interpolation {
    private final String raw;
    private final Origin at;
    /** Where raw[0] sits in the source; variables get positions relative to it. */
    private final Origin body;

    private int i;
    private final StringBuilder lit = new StringBuilder();
    private final List<Expr> parts = new ArrayList<>();

    private Interpolation(String raw, Origin at, Origin body) {
        this.raw = raw;
        this.at = at;
        this.body = body;
    }

    static Expr parse(String raw, Origin at, Origin body) throws ConfigException {
        return new Interpolation(raw, at, body).run();
    }

    /** Source position of raw[index]; exact because the lexer keeps escapes verbatim. */
    private Origin posOf(int index) {
        int line = body.line();
        int col = body.column();
        for (int k = 0; k < index && k < raw.length(); k++) {
            if (raw.charAt(k) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new Origin(body.file(), line, col);
    }

    private Expr run() throws ConfigException {
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                escape();
            } else if (c == '$' && i + 1 < raw.length() && startsName(raw.charAt(i + 1), true)) {
                flush();
                parts.add(scalar());
            } else if (c == '@' && i + 1 < raw.length() && startsName(raw.charAt(i + 1), false)) {
                flush();
                parts.add(array());
            } else {
                lit.append(c);
                i++;
            }
        }
        flush();
        if (parts.isEmpty()) {
            return new Str("", at);
        }
        if (parts.size() == 1 && parts.get(0) instanceof Str s) {
            return s;
        }
        return new Interp(List.copyOf(parts), at);
    }

    private static boolean startsName(char c, boolean scalar) {
        return Character.isLetter(c) || c == '_' || c == '{' || (scalar && c == ':');
    }

    private void flush() {
        if (lit.length() > 0) {
            parts.add(new Str(lit.toString(), at));
            lit.setLength(0);
        }
    }

    private void escape() throws ConfigException {
        char n = raw.charAt(i + 1);
        i += 2;
        switch (n) {
            case 'n' -> lit.append('\n');
            case 't' -> lit.append('\t');
            case 'r' -> lit.append('\r');
            case 'f' -> lit.append('\f');
            case 'b' -> lit.append('\b');
            case 'a' -> lit.append('\007');
            case 'e' -> lit.append('\033');
            case 'x' -> hexEscape();
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int start = i - 1;
                int end = start;
                while (end < raw.length() && end < start + 3 && raw.charAt(end) >= '0' && raw.charAt(end) <= '7') {
                    end++;
                }
                lit.append((char) Integer.parseInt(raw.substring(start, end), 8));
                i = end;
            }
            case 'U', 'L', 'Q', 'E', 'u', 'l' ->
                throw new ConfigException(at, "unsupported construct '\\" + n + "' in double-quoted string");
            default -> lit.append(n);
        }
    }

    private void hexEscape() throws ConfigException {
        if (i < raw.length() && raw.charAt(i) == '{') {
            int close = raw.indexOf('}', i);
            if (close < 0) {
                throw new ConfigException(at, "missing '}' in \\x{...} escape");
            }
            lit.appendCodePoint(Integer.parseInt(raw.substring(i + 1, close).trim(), 16));
            i = close + 1;
            return;
        }
        int end = i;
        while (end < raw.length() && end < i + 2 && Character.digit(raw.charAt(end), 16) >= 0) {
            end++;
        }
        lit.append(end == i ? '\0' : (char) Integer.parseInt(raw.substring(i, end), 16));
        i = end;
    }

    private String name() {
        int s = i;
        while (i < raw.length()
                && (Lexer.isWordChar(raw.charAt(i))
                        || (raw.charAt(i) == ':'
                                && i + 2 < raw.length()
                                && raw.charAt(i + 1) == ':'
                                && Lexer.isWordChar(raw.charAt(i + 2))))) {
            i += raw.charAt(i) == ':' ? 2 : 1;
        }
        String n = raw.substring(s, i);
        return n.startsWith("::") ? n.substring(2) : n;
    }

    private Expr scalar() throws ConfigException {
        Origin at = posOf(i);
        i++; // '$'
        String name;
        if (raw.charAt(i) == '{') {
            int close = raw.indexOf('}', i);
            if (close < 0) {
                throw new ConfigException(at, "missing '}' after '${' in string");
            }
            name = raw.substring(i + 1, close).trim();
            if (!name.matches("\\w+")) {
                throw new ConfigException(at, "unsupported construct '${" + name + "}' in string");
            }
            i = close + 1;
            return new Var('$', name, at);
        }
        name = name();
        Expr e;
        String sub = subscriptAhead();
        if (sub != null && sub.startsWith("[")) {
            e = new Element(new Var('@', name, at), embedded(sub, at), false, false, at);
        } else if (sub != null) {
            e = new Element(new Var('%', name, at), hashKey(sub, at), true, false, at);
        } else {
            return new Var('$', name, at);
        }
        while ((sub = subscriptAhead()) != null) {
            e = new Element(
                    e, sub.startsWith("[") ? embedded(sub, at) : hashKey(sub, at), sub.startsWith("{"), true, at);
        }
        return e;
    }

    /**
     * Returns the subscript text ("[0]" or "{key}") that follows, consuming it, or null. Perl
     * guesses here too; we only accept subscripts that look like keys so that "smtp:[$h]:25" or
     * "${x}[text]" stay literal.
     */
    private String subscriptAhead() {
        int j = i;
        if (raw.startsWith("->", j)) {
            j += 2;
        }
        if (j >= raw.length() || (raw.charAt(j) != '[' && raw.charAt(j) != '{')) {
            return null;
        }
        char close = raw.charAt(j) == '[' ? ']' : '}';
        int end = raw.indexOf(close, j);
        if (end < 0) {
            return null;
        }
        String inner = raw.substring(j + 1, end);
        boolean ok =
                close == ']' ? inner.matches("-?\\d+|\\$\\w+") : inner.matches("-?\\w+|'[^']*'|\"[^\"]*\"|\\$\\w+");
        if (!ok) {
            return null;
        }
        i = end + 1;
        return raw.substring(j, end + 1);
    }

    private Expr hashKey(String sub, Origin at) throws ConfigException {
        String inner = sub.substring(1, sub.length() - 1);
        if (inner.matches("-?\\w+")) {
            return new Str(inner, at);
        }
        return Parser.parseEmbedded(inner, at);
    }

    private Expr embedded(String sub, Origin at) throws ConfigException {
        return Parser.parseEmbedded(sub.substring(1, sub.length() - 1), at);
    }

    /** "@list" joins the elements with a space, as Perl does with the default list separator. */
    private Expr array() throws ConfigException {
        Origin at = posOf(i);
        i++; // '@'
        if (raw.charAt(i) == '{') {
            throw new ConfigException(at, "unsupported construct '@{...}' in string");
        }
        return new Ast.Call("join", List.of(new Str(" ", at), new Var('@', name(), at)), true, at);
    }
}
