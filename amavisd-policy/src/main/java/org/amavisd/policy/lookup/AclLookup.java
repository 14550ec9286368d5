package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/**
 * An access list (@local_domains_acl, @bypass_virus_checks_acl): entries tried in order, the
 * first match decides; "!" in front makes the answer false. An entry with '@' compares the whole
 * address, one with a leading dot the domain and its subdomains, any other the domain exactly;
 * "." matches everything. Case-insensitive; address extensions are not stripped. No match: no opinion.
 */
public final class AclLookup implements LookupMap {
    private record Entry(boolean negated, String pattern) {}

    private final String name;
    private final List<Entry> entries;

    public AclLookup(String name, List<String> items) {
        this.name = name;
        List<Entry> list = new ArrayList<>();
        for (String item : items) {
            String s = item.trim();
            boolean neg = s.startsWith("!");
            if (neg) s = s.substring(1);
            list.add(new Entry(neg, s.toLowerCase(Locale.ROOT)));
        }
        this.entries = List.copyOf(list);
    }

    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        String addr = key.address().toLowerCase(Locale.ROOT);
        String domain = key.domain();
        for (Entry e : entries) {
            if (matches(e.pattern(), addr, domain)) return Optional.of(PerlValue.of(e.negated() ? 0 : 1));
        }
        return Optional.empty();
    }

    private static boolean matches(String p, String addr, String domain) {
        if (p.equals(".")) return true;
        if (p.indexOf('@') >= 0) return p.equals(addr);
        if (p.startsWith(".")) return domain.equals(p.substring(1)) || domain.endsWith(p);
        return domain.equals(p);
    }

    @Override
    public String describe() {
        return "ACL " + name + " (" + entries.size() + " entries)";
    }
}
