package org.amavisd.policy.bank;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/**
 * The settings in force for one message: the configuration's values (the base bank), with the
 * named banks loaded over them in order. Immutable: loading a bank gives a new one, so a bank can
 * be handed down the pipeline and shared between threads.
 *
 * <p>Keys are setting names without their sigil, as in %policy_bank ("log_level",
 * "spam_lovers_maps", "final_destiny_maps_by_ccat"). Loading follows amavisd-new: a value
 * replaces the current one, except that a hash loaded over a hash is merged key by key (unless
 * it has a true REPLACE key); MYNETS implies originating; a name not among the settings is
 * reported and ignored.
 */
public final class PolicyBank {
    private final List<String> path;
    private final Map<String, PerlValue> values;

    private PolicyBank(List<String> path, Map<String, PerlValue> values) {
        this.path = List.copyOf(path);
        this.values = Collections.unmodifiableMap(values);
    }

    /** The base bank from every setting's value ("$x", "@x", "%x" by name with sigil). */
    public static PolicyBank base(Map<String, PerlValue> settings) {
        Map<String, PerlValue> v = new LinkedHashMap<>();
        for (char sigil : new char[] {'$', '@', '%'}) { // a scalar wins over an array or hash of the same name
            for (Map.Entry<String, PerlValue> e : settings.entrySet()) {
                if (e.getKey().charAt(0) == sigil) v.putIfAbsent(e.getKey().substring(1), e.getValue());
            }
        }
        return new PolicyBank(List.of(), v);
    }

    /**
     * This bank with {@code bank} loaded over it.
     *
     * @param warnings receives a line for each field that is not a setting, or cannot be acted on
     */
    public PolicyBank load(String name, PerlValue.HashRef bank, List<String> warnings) {
        if (!path.isEmpty() && path.get(path.size() - 1).equals(name)) return this; // just loaded
        Map<String, PerlValue> v = new LinkedHashMap<>(values);
        if (name.equals("MYNETS")) v.put("originating", PerlValue.of(1));
        for (Map.Entry<String, PerlValue> e : bank.entries().entrySet()) {
            String k = e.getKey();
            PerlValue nv = e.getValue();
            if (k.equals("ACTION")) {
                warnings.add("policy bank " + name + ": ACTION (Perl code) is not supported and was ignored");
            } else if (!v.containsKey(k)) {
                warnings.add("policy bank " + name + ": unknown field '" + k + "'");
            } else if (nv instanceof PerlValue.HashRef nh && v.get(k) instanceof PerlValue.HashRef cur) {
                v.put(k, merge(cur, nh));
            } else {
                v.put(k, nv);
            }
        }
        List<String> p = new ArrayList<>(path);
        p.add(name);
        return new PolicyBank(p, v);
    }

    private static PerlValue.HashRef merge(PerlValue.HashRef cur, PerlValue.HashRef nh) {
        PerlValue replace = nh.entries().get("REPLACE");
        Map<String, PerlValue> m = new LinkedHashMap<>(replace != null && replace.isTrue() ? Map.of() : cur.entries());
        nh.entries().forEach((key, val) -> {
            if (!key.equals("REPLACE")) m.put(key, val);
        });
        return new PerlValue.HashRef(m);
    }

    public Optional<PerlValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Every setting of this bank by name without sigil. */
    public Map<String, PerlValue> entries() {
        return values;
    }

    /** Perl truth of a setting in this bank. */
    public boolean isTrue(String key) {
        return get(key).map(PerlValue::isTrue).orElse(false);
    }

    public boolean originating() {
        return isTrue("originating");
    }

    /** The banks loaded, in order (empty for the base bank). */
    public List<String> names() {
        return path;
    }

    /** "MYNETS/ORIG", as amavisd-new's policy_bank_path; "" for the base bank. */
    public String path() {
        return String.join("/", path);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? "(base)" : path();
    }
}
