package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An address to look up, in amavisd-new's raw form (unquoted, without angle brackets; the null
 * sender is ""), with the two settings that decide how it is split into keys:
 * $recipient_delimiter and $localpart_is_case_sensitive.
 */
public record LookupKey(String address, String recipientDelimiter, boolean localPartCaseSensitive) {

    public static LookupKey of(String address) {
        return new LookupKey(address, "", false);
    }

    /** The local part and domain; the domain is always lowercased, the local part unless case-sensitive. */
    public String localPart() {
        int at = address.lastIndexOf('@');
        String lp = at < 0 ? address : address.substring(0, at);
        return localPartCaseSensitive ? lp : lp.toLowerCase(Locale.ROOT);
    }

    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The whole address as hash and ACL lookups compare it: domain lowercased, local part per the setting. */
    public String normalized() {
        return address.indexOf('@') < 0 ? localPart() : localPart() + "@" + domain();
    }

    /** The local part without its extension ("user" of "user+foo"), or null when it has none. */
    public String localPartWithoutExtension() {
        if (recipientDelimiter == null || recipientDelimiter.isEmpty()) return null;
        String lp = localPart();
        for (int i = 0; i < lp.length(); i++) {
            if (recipientDelimiter.indexOf(lp.charAt(i)) >= 0 && i > 0) return lp.substring(0, i);
        }
        return null;
    }

    /**
     * The keys a hash lookup tries, most specific first, as amavisd-new tries them:
     * user+foo@sub.example.com, user@sub.example.com, user+foo@, user@, sub.example.com,
     * .sub.example.com, .example.com, .com, . (the null sender: "", "@", ".").
     * SQL lookups use the same list for their %k.
     */
    public List<String> hashKeys() {
        List<String> keys = new ArrayList<>();
        if (address.isEmpty()) {
            keys.add("");
            keys.add("@");
            keys.add(".");
            return keys;
        }
        String lp = localPart();
        String bare = localPartWithoutExtension();
        String domain = domain();
        boolean hasDomain = address.indexOf('@') >= 0;
        if (hasDomain) {
            keys.add(lp + "@" + domain);
            if (bare != null) keys.add(bare + "@" + domain);
        }
        keys.add(lp + "@");
        if (bare != null) keys.add(bare + "@");
        if (hasDomain && !domain.isEmpty()) {
            keys.add(domain);
            String d = domain;
            while (true) {
                keys.add("." + d);
                int dot = d.indexOf('.');
                if (dot < 0) break;
                d = d.substring(dot + 1);
            }
        }
        keys.add(".");
        return keys;
    }
}
