package org.amavisd.policy.conf;

import java.util.List;
import org.amavisd.policy.conf.Ast.Regex;
import org.amavisd.policy.conf.Ast.Var;
import org.amavisd.policy.regex.PerlRegex;
import org.amavisd.policy.regex.PerlRegexException;

/**
 * Turns a qr// of the config into a compiled {@link PerlValue.RegexValue}. Unless the delimiter
 * is an apostrophe, Perl first interpolates: {@code $name}, {@code ${name}} and {@code @name}
 * (joined with spaces) are replaced, {@code \Q...\E} quotes what it encloses (so
 * {@code qr/^\Q$mydomain\E$/i} matches the domain literally), and every other backslash escape
 * is left for the regex engine. A {@code $} not followed by a name ({@code $)}, {@code $|}, end)
 * is the end-of-line anchor.
 */
final class RegexSource {
    private RegexSource() {}

    static PerlValue.RegexValue compile(Evaluator ev, Regex r) throws ConfigException {
        String source = r.interpolate() ? interpolate(ev, r.source(), r.at()) : r.source();
        return compile(source, r.flags(), r.at(), "qr/" + r.source() + "/" + r.flags());
    }

    /** A pattern given as a string (e.g. an element of new_RE): Perl compiles it with no flags. */
    static PerlValue.RegexValue compile(String source, String flags, Origin at, String shown) throws ConfigException {
        try {
            return new PerlValue.RegexValue(source, flags, PerlRegex.compile(source, flags));
        } catch (PerlRegexException e) {
            String where = e.index() >= 0 ? " (at offset " + e.index() + " of the pattern)" : "";
            throw new ConfigException(at, "cannot use regular expression " + shown + ": " + e.getMessage() + where, e);
        }
    }

    static String interpolate(Evaluator ev, String raw, Origin at) throws ConfigException {
        StringBuilder out = new StringBuilder(raw.length());
        boolean quoting = false;
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(i + 1);
                i += 2;
                switch (n) {
                    case 'Q' -> quoting = true;
                    case 'E' -> quoting = false;
                    case 'U', 'L', 'u', 'l', 'F' ->
                        throw new ConfigException(at, "unsupported construct '\\" + n + "' in a regular expression");
                    default -> out.append(quoting ? PerlRegex.quotemeta(String.valueOf(n)) : "\\" + n);
                }
                continue;
            }
            int nameEnd = c == '$' || c == '@' ? nameEnd(raw, i + 1) : -1;
            if (nameEnd > i + 1) {
                String name = raw.substring(i + 1, nameEnd);
                boolean braced = name.startsWith("{");
                String bare = braced ? name.substring(1, name.length() - 1).trim() : name;
                String value = c == '$' ? scalar(ev, bare, at) : array(ev, bare, at);
                out.append(quoting ? PerlRegex.quotemeta(value) : value);
                i = nameEnd;
                continue;
            }
            out.append(quoting ? PerlRegex.quotemeta(String.valueOf(c)) : String.valueOf(c));
            i++;
        }
        return out.toString();
    }

    /** End of a variable name starting at {@code p} ("name", "::name", "{name}"), or -1. */
    private static int nameEnd(String raw, int p) {
        if (p >= raw.length()) {
            return -1;
        }
        if (raw.charAt(p) == '{') {
            int close = raw.indexOf('}', p);
            return close > p + 1 && raw.substring(p + 1, close).trim().matches("\\w+") ? close + 1 : -1;
        }
        char c = raw.charAt(p);
        if (!(Character.isLetter(c) || c == '_' || raw.startsWith("::", p))) {
            return -1;
        }
        int e = p;
        while (e < raw.length()
                && (Lexer.isWordChar(raw.charAt(e))
                        || raw.startsWith("::", e) && e + 2 < raw.length() && Lexer.isWordChar(raw.charAt(e + 2)))) {
            e += raw.charAt(e) == ':' ? 2 : 1;
        }
        return e;
    }

    private static String scalar(Evaluator ev, String name, Origin at) throws ConfigException {
        return Rt.str(ev.scalar(new Var('$', strip(name), at)));
    }

    /**
     * "@name" is interpolated like in a string. An array nobody has set is most likely an
     * address written with an unescaped '@' (qr/user@example\.com/), which Perl under
     * {@code use strict} refuses to compile; so do we, instead of silently matching "user\.com".
     */
    private static String array(Evaluator ev, String name, Origin at) throws ConfigException {
        String key = ev.catalogue().canonical("@" + strip(name));
        if (!ev.store().exists(key) && !ev.catalogue().isKnown(key)) {
            throw new ConfigException(
                    at,
                    "possible unintended interpolation of @" + name
                            + " in a regular expression (write \\@ for a literal at-sign, or use qr'...')");
        }
        List<Object> items = ev.list(new Var('@', strip(name), at));
        StringBuilder sb = new StringBuilder();
        for (Object o : items) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(Rt.str(o));
        }
        return sb.toString();
    }

    private static String strip(String name) {
        String n = name.startsWith("::") ? name.substring(2) : name;
        return n.startsWith("main::") ? n.substring(6) : n;
    }
}
