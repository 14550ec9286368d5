package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amavisd.policy.conf.Ast.*;

/** Assignment semantics: scalar, list, aggregate and element targets, plus shape checks. */
final class Assignments {
    private Assignments() {}

    static Object assign(Evaluator ev, Assign a) throws ConfigException {
        Expr target = a.target();
        if (!a.op().equals("=")) {
            return compound(ev, a);
        }
        if (target instanceof Declare d) {
            ev.declare(d);
            if (!Evaluator.isListTarget(d)) {
                return assignScalar(ev, d.vars().get(0), ev.scalar(a.value()), a.at());
            }
            return assignList(ev, new ArrayList<Expr>(d.vars()), ev.list(a.value()), a.at());
        }
        if (target instanceof Var v && v.sigil() != '$') {
            return assignList(ev, List.of(v), ev.list(a.value()), a.at());
        }
        if (target instanceof ListExpr l) {
            return assignList(ev, l.items(), ev.list(a.value()), a.at());
        }
        if (target instanceof Deref d && d.sigil() != '$') {
            Object container = ev.derefTarget(ev.scalar(d.ref()), d.sigil(), d.at());
            List<Object> values = ev.list(a.value());
            fill(ev, container, values, a.at());
            return PerlValue.of(values.size());
        }
        return assignScalar(ev, target, ev.scalar(a.value()), a.at());
    }

    private static Object assignScalar(Evaluator ev, Expr target, Object value, Origin at) throws ConfigException {
        ev.slot(target, true).set(value);
        String root = rootName(ev, target);
        if (root != null) {
            check(ev, root, target, value, at);
            ev.noteAssignment(root, at);
        }
        return value;
    }

    private static Object assignList(Evaluator ev, List<Expr> targets, List<Object> values, Origin at)
            throws ConfigException {
        int i = 0;
        for (Expr t : targets) {
            if (t instanceof Var v && v.sigil() != '$') {
                String k = ev.canonical(v);
                Object container =
                        v.sigil() == '@' ? ev.store().array(k) : ev.store().hash(k);
                List<Object> rest = new ArrayList<>(values.subList(Math.min(i, values.size()), values.size()));
                fill(ev, container, rest, at);
                i = values.size();
                if (v.sigil() == '%') {
                    checkHash(ev, k, (Rt.Hash) container, at);
                }
                ev.noteAssignment(k, at);
            } else if (t instanceof UndefLit) {
                i++;
            } else {
                assignScalar(ev, t, i < values.size() ? values.get(i) : PerlValue.UNDEF, at);
                i++;
            }
        }
        return PerlValue.of(values.size());
    }

    private static void fill(Evaluator ev, Object container, List<Object> values, Origin at) throws ConfigException {
        if (container instanceof Rt.Arr a) {
            a.items.clear();
            a.items.addAll(values);
        } else {
            Rt.Hash h = (Rt.Hash) container;
            Rt.Hash fresh = ev.toHash(values, at);
            h.map.clear();
            h.map.putAll(fresh.map);
        }
    }

    private static Object compound(Evaluator ev, Assign a) throws ConfigException {
        String op = a.op().substring(0, a.op().length() - 1);
        Evaluator.Slot slot = ev.slot(a.target(), true);
        Object old = slot.get();
        Object result;
        switch (op) {
            case "||" -> result = Rt.truthy(old) ? old : ev.scalar(a.value());
            case "//" -> result = old instanceof PerlValue.Undef ? ev.scalar(a.value()) : old;
            case "&&" -> result = Rt.truthy(old) ? ev.scalar(a.value()) : old;
            default -> result = Operators.apply(op, old, ev.scalar(a.value()), a.at());
        }
        slot.set(result);
        String root = rootName(ev, a.target());
        if (root != null) {
            check(ev, root, a.target(), result, a.at());
            ev.noteAssignment(root, a.at());
        }
        return result;
    }

    /** The variable an lvalue ultimately belongs to: {@code $h{a}{b}} belongs to {@code %h}. */
    static String rootName(Evaluator ev, Expr target) {
        if (target instanceof Var v) {
            return ev.canonical(v);
        }
        if (target instanceof Declare d) {
            return ev.canonical(d.vars().get(0));
        }
        if (target instanceof Element el) {
            if (!el.viaRef() && el.base() instanceof Var v) {
                return ev.catalogue().canonical((el.hashSubscript() ? '%' : '@') + v.name());
            }
            return rootName(ev, el.base());
        }
        return null;
    }

    private static void check(Evaluator ev, String root, Expr target, Object value, Origin at) throws ConfigException {
        Optional<Setting> s = ev.catalogue().find(root);
        if (s.isEmpty()) {
            return;
        }
        Setting.Shape shape = s.get().shape();
        if (target instanceof Element el) {
            // a direct element of %policy_bank must be a hash of settings
            if (shape == Setting.Shape.HASH_OF_HASHES
                    && !el.viaRef()
                    && !(value instanceof Rt.Ref r && r.target instanceof Rt.Hash)) {
                throw new ConfigException(at, root + " entries must be hash references {...}, got " + describe(value));
            }
            return;
        }
        if (root.charAt(0) != '$') {
            return;
        }
        boolean ok = switch (shape) {
            case ANY, HASH_OF_HASHES -> true;
            case PLAIN -> !(value instanceof Rt.Ref);
            case NUMBER ->
                value instanceof PerlValue.Undef || value instanceof PerlValue.Str str && str.looksLikeNumber();
            case PLAIN_OR_LIST -> !(value instanceof Rt.Ref r) || r.target instanceof Rt.Arr;
        };
        if (!ok) {
            String want = switch (shape) {
                case NUMBER -> "a number";
                case PLAIN -> "a plain scalar";
                default -> "a scalar or an array reference";
            };
            throw new ConfigException(at, root + " expects " + want + ", got " + describe(value));
        }
    }

    private static void checkHash(Evaluator ev, String key, Rt.Hash h, Origin at) throws ConfigException {
        Optional<Setting> s = ev.catalogue().find(key);
        if (s.isPresent() && s.get().shape() == Setting.Shape.HASH_OF_HASHES) {
            for (var e : h.map.entrySet()) {
                if (!(e.getValue() instanceof Rt.Ref r && r.target instanceof Rt.Hash)) {
                    throw new ConfigException(
                            at,
                            key + " entry '" + e.getKey() + "' must be a hash reference {...}, got "
                                    + describe(e.getValue()));
                }
            }
        }
    }

    static String describe(Object v) {
        if (v instanceof Rt.Ref r) {
            return r.target instanceof Rt.Arr
                    ? "an array reference"
                    : r.target instanceof Rt.Hash ? "a hash reference" : "a scalar reference";
        }
        if (v instanceof PerlValue.Undef) {
            return "undef";
        }
        if (v instanceof PerlValue.CodeRef) {
            return "a code reference";
        }
        if (v instanceof PerlValue.RegexValue) {
            return "a regular expression";
        }
        if (v instanceof PerlValue.RegexTable) {
            return "a new_RE lookup table";
        }
        return "'" + Rt.str(v) + "'";
    }
}
