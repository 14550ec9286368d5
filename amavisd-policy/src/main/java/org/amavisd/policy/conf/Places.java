package org.amavisd.policy.conf;

import org.amavisd.policy.conf.Ast.*;

/**
 * Resolves expressions to places: assignable slots (with Perl's autovivification of nested
 * containers) and the containers that references point to.
 */
final class Places {
    private final Evaluator ev;

    Places(Evaluator ev) {
        this.ev = ev;
    }

    Object makeRef(MakeRef r) throws ConfigException {
        Expr t = r.target();
        if (t instanceof Var v) {
            return switch (v.sigil()) {
                case '$' -> new Rt.Ref(ev.store().scalar(ev.canonical(v)));
                case '@' -> new Rt.Ref(ev.store().array(ev.canonical(v)));
                default -> new Rt.Ref(ev.store().hash(ev.canonical(v)));
            };
        }
        if (t instanceof Declare d && d.vars().size() == 1) {
            ev.scalar(d);
            return makeRef(new MakeRef(d.vars().get(0), r.at()));
        }
        if (t instanceof Deref d && d.sigil() != '$') {
            return new Rt.Ref(derefTarget(ev.scalar(d.ref()), d.sigil(), d.at()));
        }
        Rt.Box box = new Rt.Box();
        box.value = ev.scalar(t);
        return new Rt.Ref(box);
    }

    Rt.Arr arrayOf(Expr e) throws ConfigException {
        if (e instanceof Var v && v.sigil() == '@') {
            return ev.store().array(ev.canonical(v));
        }
        if (e instanceof Deref d && d.sigil() == '@') {
            return (Rt.Arr) derefTarget(ev.scalar(d.ref()), '@', d.at());
        }
        throw new ConfigException(e.at(), "an array is required here");
    }

    Object derefTarget(Object v, char sigil, Origin at) throws ConfigException {
        if (v instanceof Rt.Ref r) {
            if (sigil == '@' && r.target instanceof Rt.Arr
                    || sigil == '%' && r.target instanceof Rt.Hash
                    || sigil == '$' && r.target instanceof Rt.Box) {
                return r.target;
            }
        }
        String want = sigil == '@' ? "an ARRAY" : sigil == '%' ? "a HASH" : "a SCALAR";
        throw new ConfigException(at, "not " + want + " reference: " + Rt.str(v));
    }

    /** Resolves an element or scalar location; with {@code autoviv} missing containers are created. */
    Evaluator.Slot slot(Expr e, boolean autoviv) throws ConfigException {
        if (e instanceof Var v && v.sigil() == '$') {
            Rt.Box b = ev.store().scalar(ev.canonical(v));
            return boxSlot(b);
        }
        if (e instanceof Declare d && d.vars().size() == 1 && d.vars().get(0).sigil() == '$') {
            ev.declare(d);
            return slot(d.vars().get(0), autoviv);
        }
        if (e instanceof Deref d && d.sigil() == '$') {
            return boxSlot((Rt.Box) derefTarget(ev.scalar(d.ref()), '$', d.at()));
        }
        if (e instanceof Element el) {
            Object container = container(el, autoviv);
            if (container == null) {
                return constSlot();
            }
            if (el.hashSubscript()) {
                Rt.Hash h = (Rt.Hash) container;
                String k = Rt.str(ev.scalar(el.index()));
                return new Evaluator.Slot() {
                    public Object get() {
                        return h.map.getOrDefault(k, PerlValue.UNDEF);
                    }

                    public void set(Object v) {
                        h.map.put(k, v);
                    }
                };
            }
            Rt.Arr a = (Rt.Arr) container;
            int idx = (int) Rt.num(ev.scalar(el.index()));
            return new Evaluator.Slot() {
                public Object get() {
                    int i = idx < 0 ? a.items.size() + idx : idx;
                    return i >= 0 && i < a.items.size() ? a.items.get(i) : PerlValue.UNDEF;
                }

                public void set(Object v) {
                    int i = idx < 0 ? a.items.size() + idx : idx;
                    while (a.items.size() <= i) {
                        a.items.add(PerlValue.UNDEF);
                    }
                    a.items.set(i, v);
                }
            };
        }
        throw new ConfigException(e.at(), "can't modify this expression in an assignment");
    }

    private Object container(Element el, boolean autoviv) throws ConfigException {
        char sigil = el.hashSubscript() ? '%' : '@';
        if (!el.viaRef()) {
            Var v = (Var) el.base();
            String k = ev.catalogue().canonical(sigil + v.name());
            return sigil == '%' ? ev.store().hash(k) : ev.store().array(k);
        }
        Evaluator.Slot holder = slot(el.base(), autoviv);
        Object current = holder.get();
        if (current instanceof PerlValue.Undef) {
            if (!autoviv) {
                return null;
            }
            Object fresh = sigil == '%' ? new Rt.Hash() : new Rt.Arr();
            holder.set(new Rt.Ref(fresh));
            return fresh;
        }
        return derefTarget(current, sigil, el.at());
    }

    private static Evaluator.Slot boxSlot(Rt.Box b) {
        return new Evaluator.Slot() {
            public Object get() {
                return b.value;
            }

            public void set(Object v) {
                b.value = v;
            }
        };
    }

    private static Evaluator.Slot constSlot() {
        return new Evaluator.Slot() {
            public Object get() {
                return PerlValue.UNDEF;
            }

            public void set(Object v) {
                throw new IllegalStateException("read-only slot");
            }
        };
    }
}
