package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Registry of functions and constants a config file may call. Functions get the unevaluated
 * call node so that list operators like {@code push} can treat their first argument as an
 * lvalue. Names amavisd-new offers but we do not implement yet are registered as explicitly
 * unsupported, so the error names them instead of calling them barewords.
 */
final class Builtins {
    /** A builtin returns its result as a list; scalar context takes the last element. */
    @FunctionalInterface
    interface Builtin {
        List<Object> call(Evaluator ev, Ast.Call call) throws ConfigException;
    }

    /** Decision constants of amavisd-new (Amavis::Conf). */
    static final Map<String, Integer> CONSTANTS = Map.ofEntries(
            Map.entry("D_TEMPFAIL", -4),
            Map.entry("D_REJECT", -3),
            Map.entry("D_BOUNCE", -2),
            Map.entry("D_DISCARD", 0),
            Map.entry("D_PASS", 1),
            Map.entry("CC_CATCHALL", 0),
            Map.entry("CC_CLEAN", 1),
            Map.entry("CC_MTA", 2),
            Map.entry("CC_OVERSIZED", 3),
            Map.entry("CC_BADH", 4),
            Map.entry("CC_SPAMMY", 5),
            Map.entry("CC_SPAM", 6),
            Map.entry("CC_UNCHECKED", 7),
            Map.entry("CC_BANNED", 8),
            Map.entry("CC_VIRUS", 9));

    /** amavisd-new config helpers that a later version will implement. */
    private static final Set<String> NOT_YET = Set.of(
            "ask_daemon",
            "ask_av",
            "Opaque",
            "OpaqueRef",
            "c",
            "cr",
            "ca",
            "sprintf",
            "pack",
            "exists",
            "delete",
            "defined",
            "scalar",
            "keys",
            "values",
            "split");

    private static final Map<String, Builtin> FUNCTIONS = new HashMap<>();

    static {
        for (var e : CONSTANTS.entrySet()) {
            Object v = PerlValue.of(e.getValue());
            FUNCTIONS.put(e.getKey(), (ev, call) -> List.of(v));
        }
        FUNCTIONS.put("join", Builtins::join);
        FUNCTIONS.put(
                "lc", (ev, call) -> List.of(PerlValue.of(stringArg(ev, call).toLowerCase(Locale.ROOT))));
        FUNCTIONS.put(
                "uc", (ev, call) -> List.of(PerlValue.of(stringArg(ev, call).toUpperCase(Locale.ROOT))));
        FUNCTIONS.put(
                "length", (ev, call) -> List.of(PerlValue.of(stringArg(ev, call).length())));
        FUNCTIONS.put("push", (ev, call) -> pushOrUnshift(ev, call, false));
        FUNCTIONS.put("unshift", (ev, call) -> pushOrUnshift(ev, call, true));
        FUNCTIONS.put("include_config_files", Evaluator::includeFiles);
        FUNCTIONS.put("chomp", Builtins::chomp);
        FUNCTIONS.put("new_RE", TableBuiltins::newRe);
        FUNCTIONS.put("dkim_key", TableBuiltins::dkimKey);
        FUNCTIONS.put("read_hash", FileBuiltins::readHash);
        FUNCTIONS.put("read_array", FileBuiltins::readArray);
        FUNCTIONS.put("read_text", FileBuiltins::readText);
        FUNCTIONS.put("read_l10n_templates", FileBuiltins::readL10nTemplates);
        for (String n : NOT_YET) {
            FUNCTIONS.put(n, (ev, call) -> {
                throw new ConfigException(call.at(), "unsupported construct '" + n + "' (not implemented yet)");
            });
        }
    }

    private Builtins() {}

    static boolean isConstant(String name) {
        return CONSTANTS.containsKey(name);
    }

    static boolean isKnown(String name) {
        return FUNCTIONS.containsKey(name);
    }

    static Builtin lookup(String name) {
        return FUNCTIONS.get(name);
    }

    private static List<Object> join(Evaluator ev, Ast.Call call) throws ConfigException {
        List<Object> args = new ArrayList<>();
        for (Ast.Expr a : call.args()) {
            args.addAll(ev.list(a));
        }
        if (args.isEmpty()) {
            return List.of(PerlValue.of(""));
        }
        String sep = Rt.str(args.get(0));
        StringJoiner j = new StringJoiner(sep);
        for (Object o : args.subList(1, args.size())) {
            j.add(Rt.str(o));
        }
        return List.of(PerlValue.of(j.toString()));
    }

    /** chomp(EXPR): removes one trailing newline from the lvalue, which may be an assignment. */
    private static List<Object> chomp(Evaluator ev, Ast.Call c) throws ConfigException {
        int removed = 0;
        for (Ast.Expr a : c.args()) {
            Ast.Expr target = a;
            if (a instanceof Ast.Assign as) {
                ev.scalar(as);
                target = as.target();
            }
            Evaluator.Slot s = ev.slot(target, true);
            String v = Rt.str(s.get());
            if (s.get() instanceof PerlValue.Str && v.endsWith("\n")) {
                s.set(PerlValue.of(v.substring(0, v.length() - 1)));
                removed++;
            }
        }
        return List.of(PerlValue.of(removed));
    }

    private static String stringArg(Evaluator ev, Ast.Call c) throws ConfigException {
        return c.args().isEmpty() ? "" : Rt.str(ev.scalar(c.args().get(0)));
    }

    private static List<Object> pushOrUnshift(Evaluator ev, Ast.Call c, boolean front) throws ConfigException {
        if (c.args().isEmpty()) {
            throw new ConfigException(c.at(), c.name() + " needs an array");
        }
        Rt.Arr target = ev.arrayOf(c.args().get(0));
        List<Object> values = new ArrayList<>();
        for (Ast.Expr a : c.args().subList(1, c.args().size())) {
            values.addAll(ev.list(a));
        }
        if (front) {
            target.items.addAll(0, values);
        } else {
            target.items.addAll(values);
        }
        if (c.args().get(0) instanceof Ast.Var v) {
            ev.noteAssignment(ev.canonical(v), c.at());
        }
        return List.of(PerlValue.of(target.items.size()));
    }
}
