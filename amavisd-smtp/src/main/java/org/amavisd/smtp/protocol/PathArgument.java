package org.amavisd.smtp.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM: / RCPT TO: split into the address and its ESMTP parameters.
 * Accepts what real MTAs send: {@code <addr>}, {@code <>}, a source route {@code <@a,@b:addr>}
 * (dropped, RFC 5321 4.1.2), quoted local parts, and a bare address without brackets.
 */
public record PathArgument(String address, Map<String, String> params) {

    /** Thrown with the reply text for a malformed argument. */
    public static final class SyntaxException extends Exception {
        public SyntaxException(String message) {
            super(message);
        }
    }

    /** Parses what follows "MAIL FROM:" or "RCPT TO:" (leading blanks allowed). */
    public static PathArgument parse(String arg) throws SyntaxException {
        String s = arg.stripLeading();
        String address;
        int rest;
        if (s.startsWith("<")) {
            int end = closingBracket(s);
            if (end < 0) throw new SyntaxException("unbalanced angle brackets in address");
            address = s.substring(1, end);
            rest = end + 1;
        } else {
            int sp = s.indexOf(' ');
            address = sp < 0 ? s : s.substring(0, sp);
            rest = sp < 0 ? s.length() : sp;
            if (address.isEmpty()) throw new SyntaxException("missing address");
            if (address.indexOf('<') >= 0 || address.indexOf('>') >= 0) throw new SyntaxException("bad address syntax");
        }
        if (address.startsWith("@")) { // source route: "@a,@b:user@dom"
            int colon = address.indexOf(':');
            if (colon < 0) throw new SyntaxException("bad source route in address");
            address = address.substring(colon + 1);
        }
        if (rest < s.length() && s.charAt(rest) != ' ') throw new SyntaxException("garbage after address");
        Map<String, String> params = new LinkedHashMap<>();
        for (String p : s.substring(rest).trim().split(" +")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (key.isEmpty() || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
                throw new SyntaxException("bad parameter syntax: " + p);
            }
            if (params.containsKey(key)) throw new SyntaxException("duplicate parameter " + key);
            params.put(key, eq < 0 ? null : p.substring(eq + 1));
        }
        return new PathArgument(address, params);
    }

    /** The index of the '>' closing the path, skipping quoted strings and escapes. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
