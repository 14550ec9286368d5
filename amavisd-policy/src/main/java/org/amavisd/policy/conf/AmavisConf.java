package org.amavisd.policy.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The evaluated amavisd configuration: catalogue defaults, overridden by config files, completed
 * by after-defaults. Immutable once built.
 */
public final class AmavisConf {
    private final SettingsCatalogue catalogue;
    private final Map<String, PerlValue> values;
    private final Map<String, Origin> origins;
    private final List<ConfigWarning> warnings;
    private final List<DkimKeyDecl> dkimKeys;

    private AmavisConf(
            SettingsCatalogue catalogue,
            Map<String, PerlValue> values,
            Map<String, Origin> origins,
            List<ConfigWarning> warnings,
            List<DkimKeyDecl> dkimKeys) {
        this.catalogue = catalogue;
        this.dkimKeys = List.copyOf(dkimKeys);
        this.values = Collections.unmodifiableMap(values);
        this.origins = Collections.unmodifiableMap(origins);
        this.warnings = List.copyOf(warnings);
    }

    /** Loads a single config file or a conf.d directory (files in lexical order). */
    public static AmavisConf load(Path fileOrDir) throws ConfigException {
        List<Path> files = ConfigSources.resolve(fileOrDir);
        Builder b = new Builder();
        for (Path f : files) {
            b.evaluator.setCurrentFile(f);
            b.run(ConfigSources.read(f), f.toString());
        }
        return b.finish();
    }

    public static AmavisConf defaults() {
        try {
            return new Builder().finish();
        } catch (ConfigException e) {
            throw new IllegalStateException("catalogue defaults do not evaluate", e);
        }
    }

    public static AmavisConf parse(String text, String sourceName) throws ConfigException {
        Builder b = new Builder();
        b.run(text, sourceName);
        return b.finish();
    }

    private static String sigiled(String name, char preferred) {
        char c = name.isEmpty() ? ' ' : name.charAt(0);
        return c == '$' || c == '@' || c == '%' ? name : preferred + name;
    }

    public Optional<PerlValue> get(String nameWithSigil) {
        return Optional.ofNullable(values.get(catalogue.canonical(nameWithSigil)));
    }

    public Optional<String> scalar(String name) {
        return get(sigiled(name, '$')).filter(PerlValue::isDefined).map(PerlValue::asString);
    }

    public int integer(String name) throws ConfigException {
        String key = sigiled(name, '$');
        PerlValue v = get(key).orElse(PerlValue.UNDEF);
        if (v instanceof PerlValue.Str s && s.isInteger()) {
            long n = s.asLong().orElseThrow();
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        }
        String shown = v.isDefined() ? "'" + v.asString() + "'" : "undef";
        throw new ConfigException(origin(key), key + " must be an integer, got " + shown);
    }

    public List<String> list(String name) {
        String key = sigiled(name, catalogue.isKnown("@" + name) ? '@' : '$');
        PerlValue v = get(key).orElse(PerlValue.UNDEF);
        if (v instanceof PerlValue.ArrayRef a) {
            List<String> out = new ArrayList<>();
            a.elements().forEach(e -> out.add(e.asString()));
            return List.copyOf(out);
        }
        if (v instanceof PerlValue.HashRef h) {
            return List.copyOf(h.entries().keySet());
        }
        return v.isDefined() ? List.of(v.asString()) : List.of();
    }

    public Origin origin(String nameWithSigil) {
        return origins.getOrDefault(catalogue.canonical(nameWithSigil), Origin.DEFAULT);
    }

    public List<ConfigWarning> warnings() {
        return warnings;
    }

    /** The dkim_key(...) calls of the config files, in call order. */
    public List<DkimKeyDecl> dkimKeys() {
        return dkimKeys;
    }

    public Set<String> assignedNames() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(origins.keySet()));
    }

    /** Runs defaults, then config texts, then after-defaults, sharing one variable store. */
    private static final class Builder {
        private final SettingsCatalogue catalogue = SettingsCatalogue.standard();
        private final Store store = new Store();
        private final List<ConfigWarning> warnings = new ArrayList<>();
        private final Evaluator evaluator = new Evaluator(store, catalogue, warnings);

        Builder() throws ConfigException {
            StringBuilder text = new StringBuilder();
            for (Setting s : catalogue.all()) {
                if (s.mirrored() && !s.afterDefault() && s.defaultExpr() != null) {
                    text.append(s.name()).append(" = ").append(s.defaultExpr()).append(";\n");
                }
            }
            evaluator.setRecordOrigins(false);
            evaluator.runFile(Parser.parse(text.toString(), Origin.DEFAULT.file()));
            store.scalar("$myhostname").value = PerlValue.of(HostIdentity.fqdn());
            // %ENV is the process environment, as in Perl ($ENV{HOME}, $ENV{PATH})
            Rt.Hash env = store.hash("%ENV");
            System.getenv().forEach((k, v) -> env.map.put(k, PerlValue.of(v)));
            evaluator.setRecordOrigins(true);
        }

        void run(String text, String source) throws ConfigException {
            evaluator.runFile(Parser.parse(text, source));
        }

        AmavisConf finish() throws ConfigException {
            evaluator.setRecordOrigins(false);
            for (Setting s : catalogue.all()) {
                if (s.afterDefault() && s.defaultExpr() != null && isUnset(s.name())) {
                    evaluator.runFile(Parser.parse(s.name() + " = " + s.defaultExpr() + ";", Origin.DEFAULT.file()));
                }
            }
            Map<String, PerlValue> values = new LinkedHashMap<>();
            for (Setting s : catalogue.all()) {
                if (s.mirrored() || store.exists(s.name())) {
                    values.put(s.name(), store.freeze(s.name()));
                }
            }
            for (String k : store.origins.keySet()) {
                values.put(k, store.freeze(k));
            }
            return new AmavisConf(catalogue, values, new LinkedHashMap<>(store.origins), warnings, store.dkimKeys);
        }

        private boolean isUnset(String key) {
            return switch (key.charAt(0)) {
                case '$' -> !store.exists(key) || store.scalar(key).value instanceof PerlValue.Undef;
                case '@' -> !store.exists(key) || store.array(key).items.isEmpty();
                default -> !store.exists(key) || store.hash(key).map.isEmpty();
            };
        }
    }

    /**
     * Every setting's value by its name with sigil ("$log_level", "@mynetworks"), catalogue defaults
     * included: the base policy bank is made of these.
     */
    public Map<String, PerlValue> values() {
        return values;
    }
}
