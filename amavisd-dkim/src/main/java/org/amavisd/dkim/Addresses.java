package org.amavisd.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The addr-specs of an address-list header field (From, Sender, Resent-From), enough for DKIM. */
final class Addresses {
    private Addresses() {}

    /** The addresses in a field body: comments and quoted display names removed, angle brackets honoured. */
    static List<String> parse(String body) {
        StringBuilder clean = new StringBuilder(body.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                if (depth == 0) {
                    clean.append(body.charAt(i + 1));
                }
                i++;
            } else if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
                // a quoted display name is dropped; a quoted local part keeps its text
                else if (depth == 0) {
                    clean.append(c == ',' || c == '<' || c == '>' ? ' ' : c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                clean.append(c);
            }
        }
        List<String> out = new ArrayList<>();
        for (String part : clean.toString().split(",")) {
            String p = part.trim();
            int lt = p.lastIndexOf('<');
            int gt = p.lastIndexOf('>');
            if (lt >= 0 && gt > lt) {
                p = p.substring(lt + 1, gt).trim();
            } else if (p.contains(":")) {
                p = p.substring(p.lastIndexOf(':') + 1).replace(";", "").trim(); // group syntax
            }
            if (p.startsWith("@") && p.contains(":")) {
                p = p.substring(p.indexOf(':') + 1); // source route
            }
            p = p.replace(" ", "").replace("\t", "");
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /** The domain of an address in lower case, "" without an '@'. */
    static String domain(String address) {
        int at = address.lastIndexOf('@');
        String d = at < 0 ? "" : address.substring(at + 1);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.toLowerCase(Locale.ROOT);
    }

    /** {@code parent} equals {@code domain} or is one of its parent domains. */
    static boolean isSameOrParent(String parent, String domain) {
        String p = parent.toLowerCase(Locale.ROOT);
        String d = domain.toLowerCase(Locale.ROOT);
        return !p.isEmpty() && (d.equals(p) || d.endsWith("." + p));
    }
}
