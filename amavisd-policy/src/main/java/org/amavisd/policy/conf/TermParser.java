package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.amavisd.policy.conf.Ast.*;

/**
 * Parsing of terms: literals, variables, subscripts, anonymous constructors, calls and
 * declarations. Operator precedence lives in {@link Parser}, which supplies the hooks below.
 */
abstract class TermParser extends TokenCursor {
    /** Statement keywords recognised only to reject them with a clear message. */
    static final Set<String> UNSUPPORTED_KEYWORDS = Set.of(
            "if", "unless", "foreach", "for", "while", "until", "do", "eval", "package", "require", "BEGIN", "END",
            "return", "last", "next", "redo", "goto", "print", "printf", "die", "warn", "else", "elsif", "map", "grep",
            "sort", "local", "format");

    TermParser(List<Token> tokens, String source, String file) {
        super(tokens, source, file);
    }

    abstract Expr commaList() throws ConfigException;

    abstract Expr lowExpr() throws ConfigException;

    abstract String binaryOp(Token t);

    Expr postfix(Expr e) throws ConfigException {
        while (true) {
            Token t = peek();
            boolean arrow = t.isOp("->");
            boolean chained = e instanceof Element && (t.isOp("[") || t.isOp("{"));
            if (arrow) {
                Token after = peekAt(1);
                if (after.isOp("(")) {
                    throw unsupported(after, "->(...) call");
                }
                if (!after.isOp("[") && !after.isOp("{")) {
                    throw unsupported(after, "method call");
                }
                next();
            } else if (!chained) {
                if (t.isOp("++") || t.isOp("--")) {
                    throw unsupported(t, t.text());
                }
                return e;
            }
            Token open = next();
            e = subscript(e, open, true);
        }
    }

    Expr subscript(Expr base, Token open, boolean viaRef) throws ConfigException {
        if (open.text().equals("[")) {
            Expr idx = commaList();
            expectOp("]");
            return new Element(base, idx, false, viaRef, open.origin());
        }
        Expr key = hashKey();
        expectOp("}");
        return new Element(base, key, true, viaRef, open.origin());
    }

    /** Inside {@code {...}} a lone bareword (optionally with a leading minus) is a string. */
    Expr hashKey() throws ConfigException {
        Token t = peek();
        if (t.kind() == TokenKind.IDENT && peekAt(1).isOp("}")) {
            next();
            return new Str(t.text(), t.origin());
        }
        if (t.isOp("-") && peekAt(1).kind() == TokenKind.IDENT && peekAt(2).isOp("}")) {
            next();
            return new Str("-" + next().text(), t.origin());
        }
        return commaList();
    }

    Expr primary() throws ConfigException {
        Token t = next();
        Origin at = t.origin();
        switch (t.kind()) {
            case NUMBER:
                return new Num(t.text(), at);
            case STRING:
                return new Str(t.text(), at);
            case INTERP_STRING:
                return Interpolation.parse(t.text(), at, t.bodyOrigin() != null ? t.bodyOrigin() : at);
            case QW: {
                List<Expr> words = new ArrayList<>();
                for (String w : t.text().trim().split("\\s+")) {
                    if (!w.isEmpty()) {
                        words.add(new Str(w, at));
                    }
                }
                return new ListExpr(words, at);
            }
            case REGEX:
                return new Regex(t.text(), t.extra().substring(1), t.extra().charAt(0) != '\'', at);
            case BACKTICK:
                return new Backtick(t.text(), at);
            case VARIABLE:
                return variable(t);
            case CAST:
                return cast(t);
            case IDENT:
                return word(t);
            case OP:
                return punctuation(t);
            default:
                throw new ConfigException(at, "syntax error: unexpected " + t.describe());
        }
    }

    Expr variable(Token t) throws ConfigException {
        char sigil = t.text().charAt(0);
        String name = t.text().substring(1);
        Origin at = t.origin();
        if (sigil == '&') {
            throw unsupported(t, "&" + name + " call");
        }
        Token n = peek();
        boolean adjacent = n.start() == t.end();
        if (sigil == '$' && adjacent && n.isOp("[")) {
            next();
            return subscript(new Var('@', name, at), n, false);
        }
        if (sigil == '$' && adjacent && n.isOp("{")) {
            next();
            return subscript(new Var('%', name, at), n, false);
        }
        if ((sigil == '@' || sigil == '%') && adjacent && (n.isOp("[") || n.isOp("{"))) {
            throw unsupported(n, "slice " + sigil + name + n.text() + "...");
        }
        return new Var(sigil, name, at);
    }

    /** {@code $$r{k}}, {@code $$r[0]}, {@code $$r}, {@code @$r}, {@code %$r}, {@code @{...}}. */
    Expr cast(Token t) throws ConfigException {
        char sigil = t.text().charAt(0);
        Expr inner;
        if (peek().isOp("{")) {
            next();
            inner = commaList();
            expectOp("}");
        } else {
            Token v = next();
            if (v.kind() == TokenKind.CAST) {
                inner = cast(v);
            } else if (v.kind() == TokenKind.VARIABLE && v.text().startsWith("$")) {
                inner = new Var('$', v.text().substring(1), v.origin());
            } else {
                throw new ConfigException(v.origin(), "syntax error: expected a scalar after '" + sigil + "'");
            }
        }
        Token n = peek();
        if (sigil == '$' && (n.isOp("[") || n.isOp("{"))) {
            next();
            return subscript(inner, n, true);
        }
        return new Deref(sigil, inner, t.origin());
    }

    Expr punctuation(Token t) throws ConfigException {
        Origin at = t.origin();
        switch (t.text()) {
            case "(" -> {
                ListExpr list;
                if (acceptOp(")")) {
                    list = new ListExpr(List.of(), at);
                } else {
                    Expr e = lowExpr();
                    expectOp(")");
                    list = new ListExpr(e instanceof ListExpr l ? l.items() : List.of(e), at);
                }
                Token open = peek();
                if (!open.isOp("[")) {
                    return list;
                }
                next(); // (LIST)[INDICES], a list slice
                Expr indices = commaList();
                expectOp("]");
                return postfixAfterSlice(new Slice(list, indices, open.origin()));
            }
            case "[" -> {
                if (acceptOp("]")) {
                    return new AnonArray(List.of(), at);
                }
                Expr e = commaList();
                expectOp("]");
                return new AnonArray(items(e), at);
            }
            case "{" -> {
                if (acceptOp("}")) {
                    return new AnonHash(List.of(), at);
                }
                Expr e = commaList();
                expectOp("}");
                return new AnonHash(items(e), at);
            }
            case "<", "<<" -> throw unsupported(t, "file read " + t.text());
            default -> throw new ConfigException(at, "syntax error: unexpected " + t.describe());
        }
    }

    /** A slice is a list, not an element: {@code (LIST)[0][1]} and {@code (LIST)[0]->[1]} are not Perl. */
    private Expr postfixAfterSlice(Slice s) throws ConfigException {
        Token t = peek();
        if (t.isOp("[") || t.isOp("{") || t.isOp("->")) {
            throw new ConfigException(t.origin(), "syntax error: a list slice (LIST)[...] cannot be subscripted");
        }
        return s;
    }

    static List<Expr> items(Expr e) {
        return e instanceof ListExpr l ? l.items() : List.of(e);
    }

    Expr word(Token t) throws ConfigException {
        String w = t.text();
        Origin at = t.origin();
        if (peek().isOp("=>")) {
            return new Str(w, at);
        }
        switch (w) {
            case "undef" -> {
                if (peek().isOp("(") && peekAt(1).isOp(")")) {
                    next();
                    next();
                } else if (peek().kind() == TokenKind.VARIABLE || peek().isOp("(")) {
                    throw unsupported(t, "undef EXPR");
                }
                return new UndefLit(at);
            }
            case "my", "our" -> {
                return declaration(t);
            }
            case "sub" -> {
                return anonSub(t);
            }
            case "__FILE__" -> {
                return new Str(file, at);
            }
            case "__LINE__" -> {
                return new Num(Integer.toString(at.line()), at);
            }
            default -> {}
        }
        if (UNSUPPORTED_KEYWORDS.contains(w)) {
            throw unsupported(t, w);
        }
        if (peek().isOp("(")) {
            next();
            List<Expr> args = peek().isOp(")") ? List.of() : items(lowExpr());
            expectOp(")");
            return new Call(w, args, true, at);
        }
        if (Builtins.isConstant(w)) {
            return new Call(w, List.of(), false, at);
        }
        if (Builtins.isKnown(w) && !endsList(peek()) && !peek().isOp(",") && binaryOp(peek()) == null) {
            return new Call(w, items(commaList()), false, at);
        }
        return new Bareword(w, at);
    }

    Expr declaration(Token kw) throws ConfigException {
        List<Var> vars = new ArrayList<>();
        if (acceptOp("(")) {
            while (!peek().isOp(")")) {
                Token v = next();
                if (v.kind() != TokenKind.VARIABLE || v.text().startsWith("&")) {
                    throw new ConfigException(
                            v.origin(), "syntax error: expected a variable in '" + kw.text() + "' list");
                }
                vars.add(new Var(v.text().charAt(0), v.text().substring(1), v.origin()));
                if (!acceptOp(",")) {
                    break;
                }
            }
            expectOp(")");
            return new Declare(kw.text(), vars, true, kw.origin());
        }
        Token v = next();
        if (v.kind() != TokenKind.VARIABLE || v.text().startsWith("&")) {
            throw new ConfigException(v.origin(), "syntax error: expected a variable after '" + kw.text() + "'");
        }
        vars.add(new Var(v.text().charAt(0), v.text().substring(1), v.origin()));
        return new Declare(kw.text(), vars, false, kw.origin());
    }

    /** Anonymous subs are kept verbatim: amavisd would run them, we only carry them around. */
    Expr anonSub(Token kw) throws ConfigException {
        Token open = expectOp("{");
        int depth = 1;
        Token last = open;
        while (depth > 0) {
            Token t = next();
            if (t.kind() == TokenKind.EOF) {
                throw new ConfigException(open.origin(), "unterminated anonymous sub (missing '}')");
            }
            if (t.isOp("{")) {
                depth++;
            } else if (t.isOp("}")) {
                depth--;
            }
            last = t;
        }
        return new AnonSub(source.substring(kw.start(), last.end()), kw.origin());
    }
}
