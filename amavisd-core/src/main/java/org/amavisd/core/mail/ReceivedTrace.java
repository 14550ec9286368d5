package org.amavisd.core.mail;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client IP address a Received field names in its "from" clause, found where amavisd-new
 * looks for it: the TCP-info comment right after the sending host's name first
 * ({@code from mx.example (mx.example [198.51.100.7])}), then the name itself
 * ({@code from [198.51.100.7]}), then the other comments of the clause. Within each, an IPv4
 * literal in brackets wins over an IPv6 literal, which wins over a bare dotted quad. The
 * result feeds the originator IP of the log line (amavisd-new's {@code %e}).
 */
public final class ReceivedTrace {
    private static final Pattern V4_LITERAL = Pattern.compile("\\[(\\d{1,3}(?:\\.\\d{1,3}){3})(?:\\.\\d{4,5})?\\]");
    private static final Pattern V6_MAPPED_LITERAL = Pattern.compile(
            "\\[((?:IPv6:)?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){1,5}:\\d{1,3}(?:\\.\\d{1,3}){3}(?:%[A-Z0-9_-]+)?)\\]",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern V6_LITERAL = Pattern.compile(
            "\\[((?:IPv6:)?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[A-Z0-9_-]+)?)\\]", Pattern.CASE_INSENSITIVE);
    private static final Pattern V4_BARE = Pattern.compile("(?:^|\\D)(\\d{1,3}(?:\\.\\d{1,3}){3})(?![0-9.])");

    private ReceivedTrace() {}

    /** The IP address of the "from" clause of a Received field's body (unfolded), or null. */
    public static String clientIp(String body) {
        FromClause c = FromClause.of(body);
        if (c == null) return null;
        for (String part : new String[] {c.tcpInfo, c.host, c.comments}) {
            String ip = ipIn(part);
            if (ip != null) return ip.regionMatches(true, 0, "IPv6:", 0, 5) ? ip.substring(5) : ip;
        }
        return null;
    }

    private static String ipIn(String s) {
        if (s == null || s.isEmpty()) return null;
        Matcher m = V4_LITERAL.matcher(s);
        if (m.find()) return m.group(1);
        if (s.indexOf(':') >= 0 && s.indexOf(':') != s.lastIndexOf(':')) { // two colons: perhaps IPv6
            long dots = s.chars().filter(ch -> ch == '.').count();
            m = (dots == 3 ? V6_MAPPED_LITERAL : V6_LITERAL).matcher(s);
            return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
        }
        m = V4_BARE.matcher(s);
        return m.find() ? m.group(1) : null;
    }

    /** The "from" clause split into the host, its TCP-info comment and the remaining comments. */
    private record FromClause(String host, String tcpInfo, String comments) {
        private static final String[] KEYWORDS = {"from", "by", "via", "with", "id", "for"};

        static FromClause of(String body) {
            int n = body.length();
            int start = keywordAt(body, 0, "from");
            if (start < 0) return null;
            StringBuilder host = new StringBuilder();
            StringBuilder tcp = null;
            StringBuilder comments = new StringBuilder();
            boolean tcpTaken = false;
            int depth = 0;
            boolean literal = false, quoted = false;
            StringBuilder into = host;
            for (int i = start; i < n; i++) {
                char ch = body.charAt(i);
                if (quoted) {
                    into.append(ch);
                    if (ch == '\\' && i + 1 < n) into.append(body.charAt(++i));
                    else if (ch == '"') quoted = false;
                    continue;
                }
                if (depth > 0) {
                    if (ch == '\\' && i + 1 < n) {
                        into.append(ch).append(body.charAt(++i));
                        continue;
                    }
                    if (ch == '(') depth++;
                    if (ch == ')' && --depth == 0) {
                        into = host;
                        continue;
                    }
                    into.append(ch);
                    continue;
                }
                if (literal) {
                    host.append(ch);
                    if (ch == ']') literal = false;
                    continue;
                }
                if (ch == '(') {
                    depth = 1;
                    if (!tcpTaken) {
                        tcpTaken = true;
                        tcp = new StringBuilder();
                        into = tcp;
                    } else {
                        comments.append(' ');
                        into = comments;
                    }
                    continue;
                }
                if (ch == '[') literal = true;
                if (ch == '"') quoted = true;
                if (ch == ';') break;
                if ((ch == ' ' || ch == '\t') && nextKeyword(body, i + 1)) break;
                host.append(ch);
            }
            return new FromClause(host.toString().trim(), tcp == null ? null : tcp.toString(), comments.toString());
        }

        /** The index after "from" and its blanks, when body starts with it at i (after blanks). */
        private static int keywordAt(String body, int i, String word) {
            while (i < body.length() && (body.charAt(i) == ' ' || body.charAt(i) == '\t')) i++;
            if (!body.regionMatches(true, i, word, 0, word.length())) return -1;
            int j = i + word.length();
            if (j < body.length() && "\t [(\",;<".indexOf(body.charAt(j)) < 0) return -1;
            return j;
        }

        private static boolean nextKeyword(String body, int i) {
            for (String k : KEYWORDS) if (keywordAt(body, i, k) >= 0) return true;
            return false;
        }
    }
}
