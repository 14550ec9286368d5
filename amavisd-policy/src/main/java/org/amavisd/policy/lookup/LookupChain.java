package org.amavisd.policy.lookup;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.amavisd.policy.conf.PerlValue;

/** A @*_maps list: the maps asked in order, the first one with an answer decides. */
public record LookupChain(String name, List<LookupMap> maps) {
    public LookupChain {
        maps = List.copyOf(maps);
    }

    public Optional<PerlValue> lookup(LookupKey key) {
        for (LookupMap m : maps) {
            Optional<PerlValue> v = m.lookup(key);
            if (v.isPresent()) return v;
        }
        return Optional.empty();
    }

    /** This chain with {@code first} asked before its own maps (SQL and LDAP go in front), if there is one. */
    public LookupChain withFirst(java.util.Optional<? extends LookupMap> first) {
        if (first.isEmpty()) return this;
        List<LookupMap> out = new java.util.ArrayList<>(maps.size() + 1);
        out.add(first.get());
        out.addAll(maps);
        return new LookupChain(name, out);
    }

    /** The @*_maps variable this chain is, with its sigil. */
    public String mapsName() {
        return name.startsWith("@") ? name : "@" + name;
    }

    /** Perl truth of the answer: no answer, undef, "" and "0" are false. */
    public boolean isTrue(LookupKey key) {
        return lookup(key).map(PerlValue::isTrue).orElse(false);
    }

    @Override
    public String toString() {
        return name + " = (" + maps.stream().map(LookupMap::describe).collect(Collectors.joining(", ")) + ")";
    }
}
