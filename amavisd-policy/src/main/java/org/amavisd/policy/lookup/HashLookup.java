package org.amavisd.policy.lookup;

import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/**
 * A hash table (%local_domains, read_hash): the keys of {@link LookupKey#hashKeys()} are tried in
 * order and the first present one decides. A present key whose value is undef ends the search in
 * this table with no opinion, so that the next table is asked (amavisd-new's rule).
 */
public record HashLookup(String name, Map<String, PerlValue> entries) implements LookupMap {
    public HashLookup {
        entries = lowercasedDomains(entries);
    }

    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        for (String k : key.hashKeys()) {
            PerlValue v = entries.get(k);
            if (v != null) return v.isDefined() ? Optional.of(v) : Optional.empty();
            if (entries.containsKey(k)) return Optional.empty();
        }
        return Optional.empty();
    }

    /** Keys as written in the config; amavisd-new expects them lowercase, we make the domain part so. */
    private static Map<String, PerlValue> lowercasedDomains(Map<String, PerlValue> in) {
        Map<String, PerlValue> out = new java.util.HashMap<>(in.size() * 2);
        for (Map.Entry<String, PerlValue> e : in.entrySet()) {
            String k = e.getKey();
            int at = k.lastIndexOf('@');
            String nk = at < 0
                    ? k.toLowerCase(java.util.Locale.ROOT)
                    : k.substring(0, at + 1) + k.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
            out.putIfAbsent(nk, e.getValue());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public String describe() {
        return "hash " + name + " (" + entries.size() + " keys)";
    }
}
