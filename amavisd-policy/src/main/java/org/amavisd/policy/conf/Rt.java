package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutable runtime containers used while evaluating. A scalar runtime value is one of the
 * scalar {@link PerlValue}s (Undef, Str, CodeRef, RegexValue) or a {@link Ref} to a container;
 * containers are mutable so that {@code \%local_domains} sees later assignments, as in Perl.
 */
final class Rt {
    private Rt() {}

    static final class Box {
        Object value = PerlValue.UNDEF;
    }

    static final class Arr {
        final List<Object> items = new ArrayList<>();
    }

    static final class Hash {
        final LinkedHashMap<String, Object> map = new LinkedHashMap<>();
    }

    /** A reference to a Box, Arr or Hash. Identity matters, hence not a value-based equals. */
    static final class Ref {
        final Object target;

        Ref(Object target) {
            this.target = target;
        }
    }

    static String str(Object v) {
        if (v instanceof PerlValue pv) {
            return pv.asString();
        }
        Ref r = (Ref) v;
        String kind = r.target instanceof Arr ? "ARRAY" : r.target instanceof Hash ? "HASH" : "SCALAR";
        return kind + "(0x" + Integer.toHexString(System.identityHashCode(r.target)) + ")";
    }

    static double num(Object v) {
        if (v instanceof PerlValue.Str s) {
            return Numbers.parse(s.value());
        }
        return 0;
    }

    static boolean truthy(Object v) {
        if (v instanceof PerlValue.Undef) {
            return false;
        }
        if (v instanceof PerlValue.Str s) {
            return !s.value().isEmpty() && !s.value().equals("0");
        }
        return true;
    }

    static Object number(double d) {
        return PerlValue.of(Numbers.format(d));
    }

    static PerlValue freeze(Object v) {
        return freeze(v, new IdentityHashMap<>());
    }

    private static PerlValue freeze(Object v, IdentityHashMap<Object, Boolean> seen) {
        if (v instanceof PerlValue pv) {
            return pv;
        }
        Object t = ((Ref) v).target;
        if (seen.put(t, Boolean.TRUE) != null) {
            // a reference cycle cannot be represented by immutable records; cut it
            return PerlValue.UNDEF;
        }
        try {
            if (t instanceof Arr a) {
                return freezeArray(a, seen);
            }
            if (t instanceof Hash h) {
                return freezeHash(h, seen);
            }
            return new PerlValue.ScalarRef(freeze(((Box) t).value, seen));
        } finally {
            seen.remove(t);
        }
    }

    static PerlValue.ArrayRef freezeArray(Arr a) {
        return freezeArray(a, new IdentityHashMap<>());
    }

    static PerlValue.HashRef freezeHash(Hash h) {
        return freezeHash(h, new IdentityHashMap<>());
    }

    private static PerlValue.ArrayRef freezeArray(Arr a, IdentityHashMap<Object, Boolean> seen) {
        List<PerlValue> out = new ArrayList<>(a.items.size());
        for (Object o : a.items) {
            out.add(freeze(o, seen));
        }
        return new PerlValue.ArrayRef(out);
    }

    private static PerlValue.HashRef freezeHash(Hash h, IdentityHashMap<Object, Boolean> seen) {
        Map<String, PerlValue> out = new LinkedHashMap<>();
        for (var e : h.map.entrySet()) {
            out.put(e.getKey(), freeze(e.getValue(), seen));
        }
        return new PerlValue.HashRef(out);
    }

    /** Turns an immutable value back into runtime form, e.g. for Java-computed defaults. */
    static Object thaw(PerlValue v) {
        if (v instanceof PerlValue.ArrayRef a) {
            Arr arr = new Arr();
            a.elements().forEach(e -> arr.items.add(thaw(e)));
            return new Ref(arr);
        }
        if (v instanceof PerlValue.HashRef h) {
            Hash hash = new Hash();
            h.entries().forEach((k, e) -> hash.map.put(k, thaw(e)));
            return new Ref(hash);
        }
        if (v instanceof PerlValue.ScalarRef s) {
            Box b = new Box();
            b.value = thaw(s.target());
            return new Ref(b);
        }
        return v;
    }
}
