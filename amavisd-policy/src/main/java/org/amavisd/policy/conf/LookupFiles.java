package org.amavisd.policy.conf;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line format of amavisd-new's read_hash and read_array files (README.lookups): one key per
 * line, for read_hash optionally followed by whitespace and a value; '#' starts a comment except
 * inside a double-quoted local part; keys are addresses in RFC 5321 quoted form and are stored
 * unquoted, with the domain lowercased (and the local part too, unless
 * $localpart_is_case_sensitive).
 */
final class LookupFiles {
    /** A quoted string, a run of ordinary characters, a run of blanks, or any single character. */
    private static final Pattern TOKEN =
            Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|[^#\" \\t]+|[ \\t]+|.", Pattern.DOTALL);

    private static final String DOMAIN_CHARS =
            "(?:[\\x80-\\xF4A-Za-z0-9.!#$%&*/^{}=_+-]*|\\[(?:\\\\.|[^\\]\\\\]){0,999}\\])";
    private static final Pattern SOURCE_ROUTE = Pattern.compile(
            "^([ \\t]*@" + DOMAIN_CHARS + "[ \\t]*(?:,[ \\t]*@" + DOMAIN_CHARS + "[ \\t]*)*:[ \\t]*)(.*)\\z",
            Pattern.DOTALL);
    private static final Pattern LOCAL_DOMAIN =
            Pattern.compile("^(.*?)(@(?:[^@\\[\\]]+|\\[(?:\\\\.|[^\\]\\\\]){0,999}\\]|[^@])*)\\z", Pattern.DOTALL);
    private static final Pattern QUOTING = Pattern.compile("\"|\\\\(.)|\\\\\\z", Pattern.DOTALL);

    private LookupFiles() {}

    /** One read_hash line as key and value; null for a blank or comment-only line. */
    static String[] hashLine(String line, boolean localPartCaseSensitive, boolean trimValue) {
        StringBuilder lhs = new StringBuilder();
        StringBuilder rhs = new StringBuilder();
        boolean atRhs = false;
        boolean comment = false;
        for (String t : tokens(line)) {
            if (t.equals("#")) {
                comment = true;
                break;
            }
            if (!atRhs && isBlank(t)) {
                // the first run of blanks separates key from value, even at the start of the line
                atRhs = true;
            } else {
                (atRhs ? rhs : lhs).append(t);
            }
        }
        String value = comment || trimValue ? rhs.toString().replaceAll("[ \\t]+$", "") : rhs.toString();
        if (lhs.length() == 0 && value.isEmpty()) {
            return null;
        }
        String[] parts = parseQuoted(lhs.toString());
        String local = localPartCaseSensitive ? parts[0] : parts[0].toLowerCase(Locale.ROOT);
        return new String[] {local + domainToAscii(parts[1]), value.isEmpty() ? "1" : value};
    }

    /** One read_array line as an unquoted address; null for a blank or comment-only line. */
    static String arrayLine(String line) {
        StringBuilder lhs = new StringBuilder();
        for (String t : tokens(line)) {
            if (t.equals("#")) {
                break;
            }
            lhs.append(t);
        }
        String s = lhs.toString().replaceAll("[ \\t]+$", "");
        if (s.isEmpty()) {
            return null;
        }
        String[] parts = parseQuoted(s);
        // "aa@bb.com" without a domain stays distinguishable from aa@bb.com: aa@bb.com@
        String domain = parts[1].isEmpty() && parts[0].contains("@") ? "@" : parts[1];
        return parts[0] + domain;
    }

    private static boolean isBlank(String t) {
        return !t.isEmpty() && t.chars().allMatch(ch -> ch == ' ' || ch == '\t');
    }

    private static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(line);
        int p = 0;
        while (p < line.length() && m.find(p) && m.start() == p) {
            out.add(m.group());
            p = m.end();
        }
        return out;
    }

    /** Local part (unquoted) and domain (with its '@') of an address in quoted form; a source route is dropped. */
    static String[] parseQuoted(String address) {
        String a = address.replaceFirst("^\\s*<", "").replaceFirst(">\\s*\\z", "");
        if (a.indexOf(':') >= 0) {
            Matcher r = SOURCE_ROUTE.matcher(a);
            if (r.matches()) {
                a = r.group(2);
            }
        }
        String local = a;
        String domain = "";
        Matcher m = LOCAL_DOMAIN.matcher(a);
        if (m.matches()) {
            local = m.group(1);
            domain = m.group(2);
        }
        Matcher q = QUOTING.matcher(local);
        StringBuilder sb = new StringBuilder();
        while (q.find()) {
            q.appendReplacement(sb, q.group(1) == null ? "" : Matcher.quoteReplacement(q.group(1)));
        }
        q.appendTail(sb);
        return new String[] {sb.toString(), domain};
    }

    /** amavisd-new's idn_to_ascii: an ASCII domain is lowercased, an international one converted to A-labels. */
    private static String domainToAscii(String domain) {
        if (domain.chars().allMatch(c -> c < 128)) {
            return domain.toLowerCase(Locale.ROOT);
        }
        String at = domain.startsWith("@") ? "@" : "";
        String name = domain.substring(at.length());
        try {
            return at + IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }
}
