package org.amavisd.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.policy.conf.ByCcat;
import org.amavisd.policy.conf.PerlValue;

/** The *_by_ccat hashes as maps by category, for {@link org.amavisd.core.ccat.CcatList#setting}. */
final class CcatTables {
    private CcatTables() {}

    static PerlValue rawEntry(PerlValue table, Ccat c) {
        if (!(table instanceof PerlValue.HashRef h)) return PerlValue.UNDEF;
        PerlValue v = h.entries().get(c.key());
        if (v == null) v = h.entries().get(Integer.toString(c.major().number()));
        if (v == null) v = h.entries().get(ByCcat.CATCHALL);
        return v == null ? PerlValue.UNDEF : v;
    }

    /** A *_by_ccat hash as a map by category with its values resolved. */
    static Map<Ccat, PerlValue> asCcatMap(PerlValue table, Function<String, Optional<PerlValue>> settings) {
        Map<Ccat, PerlValue> out = new LinkedHashMap<>();
        if (table instanceof PerlValue.HashRef h) {
            h.entries().forEach((k, v) -> {
                try {
                    out.put(Ccat.parse(k), ByCcat.resolve(v, settings));
                } catch (IllegalArgumentException e) {
                    // not a category key: ignored, as amavisd-new never looks it up
                }
            });
        }
        return out;
    }
}
