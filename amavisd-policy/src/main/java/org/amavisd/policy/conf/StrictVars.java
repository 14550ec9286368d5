package org.amavisd.policy.conf;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amavisd.policy.conf.Ast.*;

/**
 * {@code use strict} for variables, as Perl applies it when amavisd-new compiles a config file
 * (in package Amavis::Conf, before running any of it): from a {@code use strict} on, to the end
 * of the file or a {@code no strict}, a variable must be declared ({@code my}, {@code our},
 * {@code use vars}, in this file or, for {@code use vars}, in one compiled before), be one
 * amavisd-new declares, be fully qualified, or be one of Perl's special variables. Otherwise the
 * file is refused at the first such use, with Perl's words.
 *
 * <p>Like Perl, this looks at the whole file before any of it runs, dead branches included; not
 * at variables interpolated into regular expressions, which Perl checks too.
 */
final class StrictVars {
    /** Names Perl always takes from package main, and $a / $b of sort. */
    private static final Set<String> FORCED_MAIN =
            Set.of("ENV", "INC", "ARGV", "ARGVOUT", "SIG", "STDIN", "STDOUT", "STDERR", "_");

    private final SettingsCatalogue catalogue;
    /** use vars of every file compiled so far: package-wide, as in Perl. */
    private final Set<String> packageVars;
    /** my and our of this file. */
    private final Set<String> lexical = new HashSet<>();

    private boolean strict;

    private StrictVars(SettingsCatalogue catalogue, Set<String> packageVars) {
        this.catalogue = catalogue;
        this.packageVars = packageVars;
    }

    /** Checks one file's statements; adds its {@code use vars} names to {@code packageVars}. */
    static void check(List<Stmt> program, SettingsCatalogue catalogue, Set<String> packageVars) throws ConfigException {
        new StrictVars(catalogue, packageVars).statements(program);
    }

    private void statements(List<Stmt> program) throws ConfigException {
        for (Stmt s : program) {
            if (s instanceof Use u) {
                use(u);
            } else {
                expr(((ExprStmt) s).expr());
            }
        }
    }

    private void use(Use u) {
        if (u.module().equals("strict")
                && (u.args().isEmpty() || words(u.args()).contains("vars"))) {
            strict = !u.negated();
        } else if (u.module().equals("vars") && !u.negated()) {
            packageVars.addAll(words(u.args()));
        }
    }

    /** The literal words of {@code use MODULE LIST}: qw(...), 'a', "b". */
    private static List<String> words(List<Expr> args) {
        List<String> out = new ArrayList<>();
        for (Expr a : args) {
            if (a instanceof Ast.Str s) {
                out.add(s.value());
            } else if (a instanceof ListExpr l) {
                out.addAll(words(l.items()));
            }
        }
        return out;
    }

    private void expr(Object node) throws ConfigException {
        if (node instanceof Var v) {
            var(v);
        } else if (node instanceof Declare d) {
            for (Var v : d.vars()) {
                lexical.add(v.key());
            }
        } else if (node instanceof List<?> items) {
            for (Object item : items) {
                expr(item);
            }
        } else if (node instanceof Expr e && e.getClass().isRecord()) {
            // every other node: its parts in source order (an assignment's target before its value)
            for (RecordComponent c : e.getClass().getRecordComponents()) {
                try {
                    expr(c.getAccessor().invoke(e));
                } catch (ReflectiveOperationException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    private void var(Var v) throws ConfigException {
        if (!strict || declared(v)) {
            return;
        }
        String k = v.key();
        throw new ConfigException(
                v.at(),
                "Global symbol \"" + k + "\" requires explicit package name (did you forget to declare \"my " + k
                        + "\"?)" + NameSuggester.didYouMean(k, catalogue));
    }

    private boolean declared(Var v) {
        String name = v.name();
        String k = v.key();
        return name.contains("::")
                || !Character.isLetter(name.charAt(0)) && name.charAt(0) != '_'
                || FORCED_MAIN.contains(name)
                || v.sigil() == '$' && (name.equals("a") || name.equals("b"))
                || lexical.contains(k)
                || packageVars.contains(k)
                || catalogue.isPredeclared(k);
    }
}
