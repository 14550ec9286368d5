package org.amavisd.dkim;

import java.net.IDN;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Authentication-Results header field (RFC 8601) in amavisd-new's layout: {@code authserv-id
 * (amavis)}, then per DKIM signature {@code ; dkim=RESULT (N-bit key) reason="DETAIL" header.d=D
 * header.i=I header.s=S header.b="FIRST8"}, one field for all signatures, folded at the clause
 * boundaries to lines of at most 78 characters.
 *
 * <p>As amavisd-new: {@code reason} only when the detail says more than the result word;
 * header.b only when there is more than one signature, and not when two signatures share the first 8
 * characters; an invalid exact duplicate of a valid signature is left out. Our additions: header.i
 * and header.s (registered by RFC 8601 and RFC 7601's successors, read by mail clients) unless {@code
 * amavisdNewStrict}, and {@code dkim=none} for an unsigned message when asked.
 */
public final class AuthenticationResults {
    /** amavisd-new's $myproduct_name, the comment after the authserv-id. */
    public static final String PRODUCT = "amavis";

    private AuthenticationResults() {}

    /** The authserv-id: $myauthservid, or $myhostname when that is empty; IDN in ASCII form. */
    public static String authservId(String myauthservid, String myhostname) {
        String id = myauthservid == null || myauthservid.isEmpty() ? myhostname : myauthservid;
        try {
            return IDN.toASCII(id, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return id;
        }
    }

    /**
     * The field body (without "Authentication-Results:"), with "\n" at amavisd-new's folding points; null
     * when there is nothing to report (no signature and {@code allowNone} false, which is what amavisd-new
     * passes).
     */
    public static String body(
            String authservId, List<SignatureResult> signatures, boolean allowNone, boolean amavisdNewStrict) {
        Map<String, Integer> allB = new HashMap<>();
        Map<String, Integer> allB8 = new HashMap<>();
        Map<String, Integer> validB = new HashMap<>();
        for (SignatureResult s : signatures) {
            if (!s.b().isEmpty()) {
                allB.merge(s.b(), 1, Integer::sum);
                allB8.merge(s.bPrefix(), 1, Integer::sum);
                if (s.valid()) {
                    validB.merge(s.b(), 1, Integer::sum);
                }
            }
        }
        boolean several = signatures.size() > 1;
        StringBuilder clauses = new StringBuilder();
        for (SignatureResult s : signatures) {
            StringBuilder c = new StringBuilder();
            c.append(";\n dkim=").append(s.result().word());
            if (s.keyBits() > 0) {
                c.append(" (").append(s.keyBits()).append("-bit key)");
            }
            String detail = s.detail();
            if (detail != null
                    && !detail.isEmpty()
                    && !detail.equalsIgnoreCase(s.result().word())) {
                c.append("\n reason=\"").append(quote(detail)).append('"');
            }
            if (!s.domain().isEmpty()) {
                c.append("\n header.d=").append(ascii(s.domain()));
            }
            if (!amavisdNewStrict) {
                if (!s.identity().isEmpty()) {
                    c.append("\n header.i=").append(identityValue(s.identity()));
                }
                if (!s.selector().isEmpty()) {
                    c.append("\n header.s=").append(s.selector());
                }
            }
            String b = s.b();
            if (several && !b.isEmpty() && b.matches("[A-Za-z0-9+/]+=*")) {
                if (allB.get(b) > 1 && validB.containsKey(b) && !s.valid()) {
                    continue; // a bad duplicate of a good signature is not reported
                }
                if (allB8.get(s.bPrefix()) <= allB.get(b)) {
                    c.append("\n header.b=\"").append(s.bPrefix()).append('"');
                }
            }
            clauses.append(c);
        }
        if (clauses.length() == 0) {
            if (!allowNone) {
                return null;
            }
            clauses.append(";\n dkim=none");
        }
        return authservId + " (" + PRODUCT + ")" + clauses;
    }

    /** The whole field, folded with CRLF + space, without the final CRLF; null when {@link #body} is null. */
    public static String field(
            String authservId, List<SignatureResult> signatures, boolean allowNone, boolean amavisdNewStrict) {
        String body = body(authservId, signatures, allowNone, amavisdNewStrict);
        return body == null ? null : fold("Authentication-Results: " + body, 78);
    }

    /**
     * Joins the "\n"-separated chunks (each but the first starting with a space) into lines of at most
     * {@code max} characters, as amavisd-new's wrap_string does for structured fields; a chunk that does
     * not fit starts a new line (folding before its leading space).
     */
    static String fold(String text, int max) {
        String[] chunks = text.split("\n", -1);
        StringBuilder out = new StringBuilder();
        int lineLen = 0;
        for (int i = 0; i < chunks.length; i++) {
            String chunk = chunks[i];
            if (i > 0 && lineLen + chunk.length() > max) {
                out.append("\r\n");
                lineLen = 0;
            }
            out.append(chunk);
            lineLen += chunk.length();
        }
        return out.toString();
    }

    /** The authserv-id of an existing Authentication-Results field body (to remove fields claiming ours). */
    public static String parseAuthservId(String fieldBody) {
        String s = fieldBody.replaceAll("\\([^()]*\\)", " ").trim();
        int end = 0;
        while (end < s.length() && s.charAt(end) != ';' && !Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        return end == 0 ? null : s.substring(0, end);
    }

    private static String identityValue(String identity) {
        // an AUID is a local-part@domain: a value that is not a token goes in quotes
        return identity.matches("[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~.@]+") ? identity : '"' + quote(identity) + '"';
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }

    private static String ascii(String domain) {
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }

    /** Convenience for logging and tests: one line per signature, "dkim=pass d=... s=... b=...". */
    public static List<String> summary(List<SignatureResult> signatures) {
        List<String> out = new ArrayList<>();
        for (SignatureResult s : signatures) {
            out.add("dkim=" + s.result().word() + " d=" + s.domain() + " i=" + s.identity() + " s=" + s.selector()
                    + " b=" + s.bPrefix() + " (" + s.detail() + ")");
        }
        return out;
    }
}
