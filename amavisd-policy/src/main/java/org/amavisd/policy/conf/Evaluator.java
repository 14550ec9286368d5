package org.amavisd.policy.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amavisd.policy.conf.Ast.*;

/**
 * Evaluates parsed statements against a {@link Store}. Nothing is executed as Perl: every
 * construct maps to a small Java rule, and anything else is a {@link ConfigException} at the
 * construct's position.
 */
final class Evaluator {
    /** An assignable location. */
    interface Slot {
        Object get();

        void set(Object v);
    }

    private final Store store;
    private final Places places = new Places(this);
    private final SettingsCatalogue catalogue;
    private final List<ConfigWarning> warnings;
    private final Set<String> warnedUnknown = new HashSet<>();
    /** False while catalogue defaults are evaluated: those are not user assignments. */
    private boolean recordOrigins = true;
    /** The file being evaluated, for resolving relative include paths; null for in-memory text. */
    private Path currentFile;

    private int includeDepth;
    private static final int MAX_INCLUDE_DEPTH = 16;

    Evaluator(Store store, SettingsCatalogue catalogue, List<ConfigWarning> warnings) {
        this.store = store;
        this.catalogue = catalogue;
        this.warnings = warnings;
    }

    void setCurrentFile(Path file) {
        this.currentFile = file;
    }

    void setRecordOrigins(boolean record) {
        this.recordOrigins = record;
    }

    /** Runs one file in its own scope: its {@code my} variables vanish afterwards, as in Perl. */
    void runFile(List<Stmt> program) throws ConfigException {
        StrictVars.check(program, catalogue, store.packageVars); // Perl compiles the whole file first
        Map<String, Object> outer = store.enterScope();
        try {
            for (Stmt st : program) {
                statement(st);
            }
        } finally {
            store.restoreScope(outer);
        }
    }

    /**
     * include_config_files('a', 'b'): evaluates each file in the shared store, like amavisd-new.
     * Relative names are resolved against the including file's directory. The includer's lexicals
     * are hidden meanwhile, as Perl's {@code do FILE} cannot see them either.
     */
    List<Object> includeFiles(Call c) throws ConfigException {
        if (includeDepth >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(c.at(), "include_config_files nested too deeply (loop?)");
        }
        List<Object> names = new ArrayList<>();
        for (Expr a : c.args()) {
            names.addAll(list(a));
        }
        for (Object n : names) {
            Path p = Path.of(Rt.str(n));
            if (!p.isAbsolute() && currentFile != null && currentFile.getParent() != null) {
                p = currentFile.getParent().resolve(p);
            }
            List<Path> files;
            try {
                files = ConfigSources.resolve(p);
            } catch (ConfigException e) {
                throw new ConfigException(c.at(), "include_config_files: " + e.detail() + ": " + p, e);
            }
            for (Path f : files) {
                runNested(f);
            }
        }
        return List.of();
    }

    private void runNested(Path f) throws ConfigException {
        List<Stmt> program = Parser.parse(ConfigSources.read(f), f.toString());
        Path outerFile = currentFile;
        currentFile = f;
        includeDepth++;
        try {
            runFile(program);
        } finally {
            includeDepth--;
            currentFile = outerFile;
        }
    }

    private void statement(Stmt s) throws ConfigException {
        if (s instanceof Use u) {
            if (u.module().equals("vars") && !u.negated()) {
                for (Expr a : u.args()) {
                    for (Object o : list(a)) {
                        store.declared.add(catalogue.canonical(Rt.str(o)));
                    }
                }
            }
            // strict, warnings, utf8 and friends change nothing for us
            return;
        }
        scalar(((ExprStmt) s).expr());
    }

    private String key(Var v) {
        return catalogue.canonical(v.key());
    }

    // ---------------------------------------------------------------- scalar context

    Object scalar(Expr e) throws ConfigException {
        if (e instanceof Num n) {
            return PerlValue.of(Numbers.format(parseNumber(n)));
        }
        if (e instanceof Ast.Str s) {
            return PerlValue.of(s.value());
        }
        if (e instanceof Interp i) {
            StringBuilder sb = new StringBuilder();
            for (Expr part : i.parts()) {
                sb.append(Rt.str(scalar(part)));
            }
            return PerlValue.of(sb.toString());
        }
        if (e instanceof UndefLit) {
            return PerlValue.UNDEF;
        }
        if (e instanceof Var v) {
            noteRead(v);
            return switch (v.sigil()) {
                case '$' -> store.scalar(key(v)).value;
                case '@' -> PerlValue.of(store.array(key(v)).items.size());
                default -> PerlValue.of(store.hash(key(v)).map.size());
            };
        }
        if (e instanceof ListExpr l) {
            // the comma operator in scalar context yields its last operand
            Object last = PerlValue.UNDEF;
            for (Expr item : l.items()) {
                last = scalar(item);
            }
            return last;
        }
        if (e instanceof Slice sl) {
            // in scalar context a list slice yields the last element it selects
            List<Object> picked = slice(sl);
            return picked.isEmpty() ? PerlValue.UNDEF : picked.get(picked.size() - 1);
        }
        if (e instanceof AnonArray a) {
            Rt.Arr arr = new Rt.Arr();
            for (Expr item : a.items()) {
                arr.items.addAll(list(item));
            }
            return new Rt.Ref(arr);
        }
        if (e instanceof AnonHash h) {
            List<Object> flat = new ArrayList<>();
            for (Expr item : h.items()) {
                flat.addAll(list(item));
            }
            return new Rt.Ref(toHash(flat, h.at()));
        }
        if (e instanceof Element || e instanceof Deref d && d.sigil() == '$') {
            return slot(e, false).get();
        }
        if (e instanceof Deref d) {
            List<Object> items = list(d);
            return PerlValue.of(d.sigil() == '%' ? items.size() / 2 : items.size());
        }
        if (e instanceof Declare d) {
            return d.vars().size() == 1 ? scalar(d.vars().get(0)) : PerlValue.UNDEF;
        }
        if (e instanceof Assign a) {
            return Assignments.assign(this, a);
        }
        if (e instanceof Binary b) {
            return Operators.binary(this, b);
        }
        if (e instanceof Unary u) {
            return Operators.unary(this, u);
        }
        if (e instanceof Ternary t) {
            return Rt.truthy(scalar(t.cond())) ? scalar(t.then()) : scalar(t.otherwise());
        }
        if (e instanceof MakeRef r) {
            return makeRef(r);
        }
        if (e instanceof CodeName c) {
            return new PerlValue.CodeRef(c.name(), null);
        }
        if (e instanceof AnonSub s) {
            return new PerlValue.CodeRef("__ANON__", s.source());
        }
        if (e instanceof Regex r) {
            return RegexSource.compile(this, r);
        }
        if (e instanceof Backtick b) {
            return PerlValue.of(CommandRunner.output(b.command(), b.at(), warnings));
        }
        if (e instanceof Call c) {
            List<Object> r = call(c);
            return r.isEmpty() ? PerlValue.UNDEF : r.get(r.size() - 1);
        }
        if (e instanceof Bareword b) {
            throw new ConfigException(b.at(), "bareword '" + b.name() + "' not allowed (unknown function or constant)");
        }
        throw new ConfigException(e.at(), "unsupported expression");
    }

    private static double parseNumber(Num n) {
        return Double.parseDouble(n.text());
    }

    // ---------------------------------------------------------------- list context

    List<Object> list(Expr e) throws ConfigException {
        if (e instanceof ListExpr l) {
            List<Object> out = new ArrayList<>();
            for (Expr item : l.items()) {
                out.addAll(list(item));
            }
            return out;
        }
        if (e instanceof Var v && v.sigil() == '@') {
            noteRead(v);
            return new ArrayList<>(store.array(key(v)).items);
        }
        if (e instanceof Var v && v.sigil() == '%') {
            noteRead(v);
            return flatten(store.hash(key(v)));
        }
        if (e instanceof Deref d && d.sigil() != '$') {
            Object target = derefTarget(scalar(d.ref()), d.sigil(), d.at());
            return target instanceof Rt.Arr a ? new ArrayList<>(a.items) : flatten((Rt.Hash) target);
        }
        if (e instanceof Declare d && (d.parenthesised() || d.vars().get(0).sigil() != '$')) {
            List<Object> out = new ArrayList<>();
            for (Var v : d.vars()) {
                out.addAll(list(v));
            }
            return out;
        }
        if (e instanceof Call c) {
            return call(c);
        }
        if (e instanceof Slice sl) {
            return slice(sl);
        }
        if (e instanceof Binary b && (b.op().equals("..") || b.op().equals("x") && b.left() instanceof ListExpr)) {
            return Operators.listBinary(this, b);
        }
        if (e instanceof Assign a && isListTarget(a.target())) {
            Assignments.assign(this, a);
            return list(a.target());
        }
        List<Object> one = new ArrayList<>(1);
        one.add(scalar(e));
        return one;
    }

    /**
     * {@code (LIST)[INDICES]} as Perl takes it: each index truncated to an integer, a negative one
     * counted from the end, one out of range giving undef; a slice of an empty list is empty.
     */
    private List<Object> slice(Slice sl) throws ConfigException {
        List<Object> items = list(sl.list());
        List<Object> indices = list(sl.indices());
        List<Object> out = new ArrayList<>(indices.size());
        if (items.isEmpty()) {
            return out;
        }
        for (Object index : indices) {
            long i = (long) Rt.num(index);
            if (i < 0) {
                i += items.size();
            }
            out.add(i >= 0 && i < items.size() ? items.get((int) i) : PerlValue.UNDEF);
        }
        return out;
    }

    static boolean isListTarget(Expr t) {
        return t instanceof ListExpr
                || t instanceof Var v && v.sigil() != '$'
                || t instanceof Declare d
                        && (d.parenthesised() || d.vars().get(0).sigil() != '$');
    }

    private static List<Object> flatten(Rt.Hash h) {
        List<Object> out = new ArrayList<>();
        h.map.forEach((k, v) -> {
            out.add(PerlValue.of(k));
            out.add(v);
        });
        return out;
    }

    Rt.Hash toHash(List<Object> flat, Origin at) throws ConfigException {
        if (flat.size() % 2 != 0) {
            warnings.add(new ConfigWarning(at, "odd number of elements in hash assignment"));
        }
        Rt.Hash h = new Rt.Hash();
        for (int i = 0; i < flat.size(); i += 2) {
            h.map.put(Rt.str(flat.get(i)), i + 1 < flat.size() ? flat.get(i + 1) : PerlValue.UNDEF);
        }
        return h;
    }

    private List<Object> call(Call c) throws ConfigException {
        Builtins.Builtin b = Builtins.lookup(c.name());
        if (b == null) {
            throw new ConfigException(c.at(), "unsupported construct '" + c.name() + "()' (unknown function)");
        }
        return b.call(this, c);
    }

    // ---------------------------------------------------------------- references and lvalues

    private Object makeRef(MakeRef r) throws ConfigException {
        return places.makeRef(r);
    }

    Rt.Arr arrayOf(Expr e) throws ConfigException {
        return places.arrayOf(e);
    }

    Object derefTarget(Object v, char sigil, Origin at) throws ConfigException {
        return places.derefTarget(v, sigil, at);
    }

    /** Resolves an element or scalar location; with {@code autoviv} missing containers are created. */
    Slot slot(Expr e, boolean autoviv) throws ConfigException {
        return places.slot(e, autoviv);
    }

    void declare(Declare d) {
        for (Var v : d.vars()) {
            String k = key(v);
            if (d.keyword().equals("my")) {
                store.declareLexical(k);
            } else {
                store.declared.add(k);
            }
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    /** Records where a variable got its value and warns about names amavisd-new does not know. */
    void noteAssignment(String key, Origin at) {
        if (!recordOrigins || store.isLexical(key)) {
            // lexicals are file-private helpers, not settings
            return;
        }
        store.origins.remove(key);
        store.origins.put(key, at);
        if (catalogue.isKnown(key) || store.declared.contains(key) || key.equals("%ENV") || !warnedUnknown.add(key)) {
            return;
        }
        warnings.add(new ConfigWarning(at, "unknown variable " + key + NameSuggester.didYouMean(key, catalogue)));
    }

    /**
     * Perl under {@code use strict} refuses undeclared globals at compile time; amavisd-new's
     * are all declared, so reading a name that is neither known nor ever set is most likely a typo.
     */
    private void noteRead(Var v) {
        String k = key(v);
        if (!recordOrigins
                || store.exists(k)
                || catalogue.isKnown(k)
                || store.declared.contains(k)
                || !warnedUnknown.add(k)) {
            return;
        }
        warnings.add(new ConfigWarning(
                v.at(), "use of unknown variable " + k + " (undefined)" + NameSuggester.didYouMean(k, catalogue)));
    }

    void warn(Origin at, String message) {
        warnings.add(new ConfigWarning(at, message));
    }

    SettingsCatalogue catalogue() {
        return catalogue;
    }

    Store store() {
        return store;
    }

    String canonical(Var v) {
        return key(v);
    }
}
