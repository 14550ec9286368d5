package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/**
 * One attribute of the recipient's amavisAccount entry as a lookup map (amavisd-new's LDAPattr):
 * the first matching entry (most specific first) that has the attribute answers. Booleans are
 * "1" for TRUE and "0" otherwise; numbers in Perl's form; LIST answers all values as an array.
 * Entries come from a shared {@link LdapAccountQuery}, one search per recipient.
 */
public final class LdapLookup implements LookupMap {
    private final LdapAccountQuery query;
    private final String attribute;
    private final String lcAttribute;
    private final SqlFieldType type;

    public LdapLookup(LdapAccountQuery query, String attribute, SqlFieldType type) {
        this.query = query;
        this.attribute = attribute;
        this.lcAttribute = attribute.toLowerCase(Locale.ROOT);
        this.type = type;
    }

    public String attribute() {
        return attribute;
    }

    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        for (Map<String, List<String>> entry : query.entries(key)) {
            if (!entry.containsKey(lcAttribute)) {
                if (type == SqlFieldType.BOOLEAN_ABSENT_TRUE) return Optional.of(PerlValue.of(1));
                continue;
            }
            List<String> values = entry.get(lcAttribute);
            if (values == null || values.isEmpty()) continue;
            String v = values.get(0);
            return Optional.of(
                    switch (type) {
                        case BOOLEAN, BOOLEAN_ABSENT_TRUE -> PerlValue.of(v.equals("TRUE") ? 1 : 0);
                        case NUMERIC -> PerlValue.of(SqlLookup.perlNumber(v));
                        case STRING -> PerlValue.of(v);
                        case LIST -> {
                            List<PerlValue> all = new ArrayList<>();
                            values.forEach(x -> all.add(PerlValue.of(x)));
                            yield new PerlValue.ArrayRef(all);
                        }
                    });
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "LDAP attribute " + attribute + " (" + type.code() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
