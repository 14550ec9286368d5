package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.policy.conf.PerlValue;

/**
 * Turns a @*_maps value into a {@link LookupChain}, each element by its kind as amavisd-new's
 * lookup() dispatches it: a hash reference is a hash table, an array reference an access list, a
 * new_RE(...) table (or a single qr) a regular-expression table, a scalar (or a reference to one) a constant; a reference to an undefined scalar (the unset
 * \$bypass_virus_checks_re of the defaults) is skipped.
 */
public final class Maps {
    private Maps() {}

    /** @throws IllegalArgumentException naming an element no lookup can be made of */
    public static LookupChain chain(String name, PerlValue maps) {
        List<LookupMap> out = new ArrayList<>();
        if (maps instanceof PerlValue.ArrayRef a) {
            for (PerlValue e : a.elements()) add(out, name, e);
        } else if (maps.isDefined()) {
            add(out, name, maps);
        }
        return new LookupChain(name, out);
    }

    private static void add(List<LookupMap> out, String name, PerlValue e) {
        if (e instanceof PerlValue.ScalarRef r) {
            if (r.target().isDefined()) add(out, name, r.target());
        } else if (e instanceof PerlValue.HashRef h) {
            out.add(new HashLookup(name, h.entries()));
        } else if (e instanceof PerlValue.ArrayRef a) {
            List<String> items = new ArrayList<>();
            a.elements().forEach(x -> items.add(x.asString()));
            out.add(new AclLookup(name, items));
        } else if (e instanceof PerlValue.RegexTable t) {
            out.add(new RegexpLookup(name, t));
        } else if (e instanceof PerlValue.RegexValue r) {
            out.add(new RegexpLookup(
                    name, new PerlValue.RegexTable(List.of(new PerlValue.RegexTable.Entry(r, PerlValue.of(1))))));
        } else if (e instanceof PerlValue.Str) {
            out.add(new ConstantLookup(e));
        } else if (e.isDefined()) {
            throw new IllegalArgumentException(name + ": cannot use " + e.asString() + " as a lookup table");
        }
    }
}
