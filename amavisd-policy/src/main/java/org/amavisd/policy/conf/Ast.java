package org.amavisd.policy.conf;

import java.util.List;

/** The syntax tree of a configuration file. Every node knows where it came from. */
final class Ast {
    private Ast() {}

    sealed interface Node permits Stmt, Expr {
        Origin at();
    }

    sealed interface Stmt extends Node permits ExprStmt, Use {}

    record ExprStmt(Expr expr, Origin at) implements Stmt {}

    /** {@code use strict;}, {@code use warnings;}, {@code use vars qw(...)}, ... */
    record Use(String module, boolean negated, List<Expr> args, Origin at) implements Stmt {}

    sealed interface Expr extends Node {}

    record Num(String text, Origin at) implements Expr {}

    record Str(String value, Origin at) implements Expr {}

    /** A double-quoted string: literal pieces and interpolated expressions in order. */
    record Interp(List<Expr> parts, Origin at) implements Expr {}

    record UndefLit(Origin at) implements Expr {}

    /** Parenthesised or comma-separated list. */
    record ListExpr(List<Expr> items, Origin at) implements Expr {}

    /** A list slice {@code (LIST)[INDICES]}: negative indices count from the end. */
    record Slice(Expr list, Expr indices, Origin at) implements Expr {}

    record AnonArray(List<Expr> items, Origin at) implements Expr {}

    record AnonHash(List<Expr> items, Origin at) implements Expr {}

    /** A named variable; sigil is '$', '@' or '%'. */
    record Var(char sigil, String name, Origin at) implements Expr {
        String key() {
            return sigil + name;
        }
    }

    /** Dereference of a scalar expression holding a reference: {@code @$x}, {@code %{$x}}, {@code $$x}. */
    record Deref(char sigil, Expr ref, Origin at) implements Expr {}

    /**
     * Element access. When {@code viaRef} is false, {@code base} is the aggregate variable itself
     * ({@code $h{k}} reads {@code %h}); otherwise it is a scalar expression holding a reference
     * ({@code $r->{k}}, {@code $$r{k}}, {@code $h{a}{b}}).
     */
    record Element(Expr base, Expr index, boolean hashSubscript, boolean viaRef, Origin at) implements Expr {}

    /** {@code my}/{@code our}/{@code local} declaration of one or more variables. */
    record Declare(String keyword, List<Var> vars, boolean parenthesised, Origin at) implements Expr {}

    record Assign(Expr target, String op, Expr value, Origin at) implements Expr {}

    record Binary(String op, Expr left, Expr right, Origin at) implements Expr {}

    record Unary(String op, Expr operand, Origin at) implements Expr {}

    record Ternary(Expr cond, Expr then, Expr otherwise, Origin at) implements Expr {}

    /** {@code \@x}, {@code \%x}, {@code \$x}, {@code \(...)}. */
    record MakeRef(Expr target, Origin at) implements Expr {}

    /** {@code \&name}: a reference to a named amavisd routine, kept opaque. */
    record CodeName(String name, Origin at) implements Expr {}

    /** {@code sub { ... }}: the body is kept as source text, never run. */
    record AnonSub(String source, Origin at) implements Expr {}

    /** qr//: {@code interpolate} is false for qr'...', whose text reaches the regex engine unchanged. */
    record Regex(String source, String flags, boolean interpolate, Origin at) implements Expr {}

    record Backtick(String command, Origin at) implements Expr {}

    /** A call of a builtin or a constant such as D_PASS; {@code parens} tells whether args were parenthesised. */
    record Call(String name, List<Expr> args, boolean parens, Origin at) implements Expr {}

    record Bareword(String name, Origin at) implements Expr {}
}
