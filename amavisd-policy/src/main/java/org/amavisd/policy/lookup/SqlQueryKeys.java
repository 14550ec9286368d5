package org.amavisd.policy.lookup;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The keys of an SQL (and LDAP) lookup, which differ from those of a hash lookup: the address as
 * given comes first, a domain key carries a leading '@' (@sub.example.com, @.sub.example.com, ...,
 * @.) and a key without '@' is a mailbox name, tried only for local recipients. With
 * $sql_lookups_no_at_means_domain (or $ldap_lookups_no_at_means_domain) true it is the other way
 * round: user@ is the mailbox and sub.example.com, .example.com, . are domains, as in hash lookups.
 * The null sender gives "", "@", "@." (or "", "@", ".").
 *
 * <p>Besides the keys, the parts that %a, %l, %u, %e and %d of an SQL clause stand for.
 *
 * @param keys most specific first, without duplicates
 * @param address the address as given (%a)
 * @param fullLocalPart the local part as given, extension included (%l)
 * @param user the local part without extension, lowercased unless case-sensitive (%u)
 * @param extension the extension including its delimiter, or "" (%e)
 * @param domain the domain, lowercased and in ASCII (IDNA) form, without trailing dots (%d)
 */
public record SqlQueryKeys(
        List<String> keys, String address, String fullLocalPart, String user, String extension, String domain) {
    public SqlQueryKeys {
        keys = List.copyOf(keys);
    }

    /**
     * Keys for an address.
     *
     * @param noAtMeansDomain $sql_lookups_no_at_means_domain / $ldap_lookups_no_at_means_domain
     * @param includeBareUser whether the address is local (by the static local_domains maps): only
     *     then are the mailbox-only keys (user+foo, user) tried
     * @param allow8bit $sql_allow_8bit_address; when false, characters outside printable ASCII in
     *     the keys become '?', as amavisd-new does
     */
    public static SqlQueryKeys of(LookupKey key, boolean noAtMeansDomain, boolean includeBareUser, boolean allow8bit) {
        String addr = key.address();
        int at = addr.lastIndexOf('@');
        String fullLocal = at < 0 ? addr : addr.substring(0, at);
        String rawDomain = at < 0 ? "" : addr.substring(at + 1);
        String local = key.localPartCaseSensitive() ? fullLocal : fullLocal.toLowerCase(Locale.ROOT);
        String domain = rawDomain;
        while (domain.endsWith(".")) domain = domain.substring(0, domain.length() - 1);
        domain = toAscii(domain);
        String user = local;
        String ext = "";
        String delim = key.recipientDelimiter();
        if (delim != null && !delim.isEmpty()) {
            for (int i = 1; i < local.length(); i++) {
                if (delim.indexOf(local.charAt(i)) >= 0) {
                    user = local.substring(0, i);
                    ext = local.substring(i);
                    break;
                }
            }
        }
        String toUser = noAtMeansDomain ? "@" : "";
        String toDomain = noAtMeansDomain ? "" : "@";
        List<String> keys = new ArrayList<>();
        keys.add(addr);
        if (!ext.isEmpty()) keys.add(user + ext + "@" + domain);
        keys.add(user + "@" + domain);
        if (includeBareUser) {
            if (!ext.isEmpty()) keys.add(user + ext + toUser);
            keys.add(user + toUser);
        }
        keys.add(toDomain + domain);
        if (domain.contains("[")) {
            keys.add(toDomain + ".");
        } else {
            List<String> dkeys = new ArrayList<>();
            String d = domain;
            while (true) {
                dkeys.add(toDomain + "." + d);
                if (d.isEmpty()) break;
                int dot = d.indexOf('.');
                d = dot < 0 ? "" : d.substring(dot + 1);
            }
            if (dkeys.size() > 20) dkeys = dkeys.subList(dkeys.size() - 20, dkeys.size());
            keys.addAll(dkeys);
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String k : keys) unique.add(allow8bit ? k : printable(k));
        return new SqlQueryKeys(new ArrayList<>(unique), addr, fullLocal, user, ext, domain);
    }

    private static String toAscii(String domain) {
        if (domain.isEmpty()) return domain;
        try {
            return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }

    private static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                if (b == null) b = new StringBuilder(s.substring(0, i));
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
