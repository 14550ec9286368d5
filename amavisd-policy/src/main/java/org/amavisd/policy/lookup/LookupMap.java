package org.amavisd.policy.lookup;

import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/**
 * One table in a @*_maps list. Asked about an address, it answers with a value or says it has no
 * opinion (empty), in which case the next table in the list is asked. The kinds are amavisd-new's:
 * a constant, a hash, an access list, a regular-expression table, SQL and LDAP.
 */
public interface LookupMap {
    /** The value for this address, or empty when this map does not know (the next map is asked). */
    Optional<PerlValue> lookup(LookupKey key);

    /** How the map shows itself in showconfig and logs. */
    String describe();
}
