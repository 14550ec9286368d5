package org.amavisd.scanners.banned;

import java.util.List;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.amavisd.policy.lookup.RegexpLookup;

/**
 * One banned-rules table, asked with all the values of a part path at once. Empty means no
 * opinion (the next table is asked); a present result decides: Perl-true bans, false allows.
 */
public interface BannedTable {
    Optional<Match> lookup(List<String> keys);

    /** A decision and the rule that gave it (the regex as Perl prints a qr//). */
    record Match(PerlValue result, String matchingKey) {
        public boolean banned() {
            return result.isTrue();
        }
    }

    /**
     * A new_RE(...) table ($banned_filename_re and the like): rules in order, each tried against
     * every key; the first rule matching any key decides. A rule whose result is undef ends this
     * table's search without an opinion, as in amavisd-new.
     */
    static BannedTable of(String name, RegexTable table) {
        return keys -> {
            for (RegexTable.Entry e : table.entries()) {
                for (String k : keys) {
                    if (e.regex().compiled().find(k)) {
                        // the result with $1-style references resolved, exactly as lookup_re does it
                        Optional<PerlValue> r = new RegexpLookup(name, new RegexTable(List.of(e))).lookupAnyOf(keys);
                        return r.map(v -> new Match(v, e.regex().compiled().toString()));
                    }
                }
            }
            return Optional.empty();
        };
    }
}
