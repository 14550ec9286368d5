package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Variable storage shared by all files of one configuration, so later files see and override
 * what earlier ones set. Keys carry the sigil ("$x", "@x", "%x"); aliases are resolved before.
 * {@code my} variables live in a separate per-file scope that shadows the globals, so a lexical
 * named like a setting never clobbers the setting.
 */
final class Store {
    private final Map<String, Object> globals = new HashMap<>();
    private Map<String, Object> lexicals = new HashMap<>();
    /** Where each variable was last assigned by a config file, in first-assignment order. */
    final Map<String, Origin> origins = new LinkedHashMap<>();
    /** Globals declared with our / use vars: never reported as unknown. */
    final Set<String> declared = new HashSet<>();
    /** Names of use vars in every file compiled so far, for use strict (see StrictVars). */
    final Set<String> packageVars = new HashSet<>();
    /** dkim_key() calls in order. */
    final List<DkimKeyDecl> dkimKeys = new ArrayList<>();

    private Object lookup(String key) {
        Object v = lexicals.get(key);
        return v != null ? v : globals.computeIfAbsent(key, Store::fresh);
    }

    private static Object fresh(String key) {
        return switch (key.charAt(0)) {
            case '$' -> new Rt.Box();
            case '@' -> new Rt.Arr();
            default -> new Rt.Hash();
        };
    }

    Rt.Box scalar(String key) {
        return (Rt.Box) lookup(key);
    }

    Rt.Arr array(String key) {
        return (Rt.Arr) lookup(key);
    }

    Rt.Hash hash(String key) {
        return (Rt.Hash) lookup(key);
    }

    boolean exists(String key) {
        return lexicals.containsKey(key) || globals.containsKey(key);
    }

    /** {@code my}: a fresh variable in the current file scope. */
    void declareLexical(String key) {
        lexicals.put(key, fresh(key));
    }

    boolean isLexical(String key) {
        return lexicals.containsKey(key);
    }

    /** Starts a new file scope and returns the previous one for {@link #restoreScope}. */
    Map<String, Object> enterScope() {
        Map<String, Object> outer = lexicals;
        lexicals = new HashMap<>();
        return outer;
    }

    void restoreScope(Map<String, Object> outer) {
        lexicals = outer;
    }

    /** The current value frozen; arrays and hashes become ArrayRef / HashRef. */
    PerlValue freeze(String key) {
        return switch (key.charAt(0)) {
            case '$' -> Rt.freeze(scalar(key).value);
            case '@' -> Rt.freezeArray(array(key));
            default -> Rt.freezeHash(hash(key));
        };
    }
}
