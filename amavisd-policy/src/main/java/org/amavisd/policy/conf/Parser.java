package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amavisd.policy.conf.Ast.*;

/**
 * Recursive-descent / precedence-climbing parser for the Perl subset used by amavisd.conf.
 * Constructs outside the subset are rejected here, at their position, so that the user learns
 * exactly which line to rewrite.
 */
final class Parser extends TermParser {
    /** Binary operator precedence, higher binds tighter (after perlop). */
    private static final Map<String, Integer> BINARY = Map.ofEntries(
            Map.entry("..", 7),
            Map.entry("||", 8),
            Map.entry("//", 8),
            Map.entry("&&", 9),
            Map.entry("|", 10),
            Map.entry("^", 10),
            Map.entry("&", 11),
            Map.entry("==", 12),
            Map.entry("!=", 12),
            Map.entry("<=>", 12),
            Map.entry("eq", 12),
            Map.entry("ne", 12),
            Map.entry("cmp", 12),
            Map.entry("<", 13),
            Map.entry(">", 13),
            Map.entry("<=", 13),
            Map.entry(">=", 13),
            Map.entry("lt", 13),
            Map.entry("gt", 13),
            Map.entry("le", 13),
            Map.entry("ge", 13),
            Map.entry("<<", 15),
            Map.entry(">>", 15),
            Map.entry("+", 16),
            Map.entry("-", 16),
            Map.entry(".", 16),
            Map.entry("*", 17),
            Map.entry("/", 17),
            Map.entry("%", 17),
            Map.entry("x", 17),
            Map.entry("=~", 18),
            Map.entry("!~", 18),
            Map.entry("**", 20));

    private static final Set<String> ASSIGN_OPS =
            Set.of("=", "+=", "-=", "*=", "/=", ".=", "%=", "**=", "||=", "//=", "&&=");

    Parser(List<Token> tokens, String source, String file) {
        super(tokens, source, file);
    }

    static List<Stmt> parse(String text, String file) throws ConfigException {
        PerlCodeCheck.refuse(text, file);
        List<Token> toks = new Lexer(text, file).tokenize();
        return new Parser(toks, text, file).program();
    }

    /** Parses an expression embedded in an interpolated string, e.g. a hash subscript. */
    static Expr parseEmbedded(String text, Origin at) throws ConfigException {
        List<Token> toks = new Lexer(text, at.file()).tokenize();
        List<Token> moved = new ArrayList<>();
        for (Token t : toks) {
            moved.add(new Token(t.kind(), t.text(), t.extra(), at, t.start(), t.end()));
        }
        Parser parser = new Parser(moved, text, at.file());
        Expr e = parser.commaList();
        parser.expectKind(TokenKind.EOF);
        return e;
    }

    List<Stmt> program() throws ConfigException {
        List<Stmt> out = new ArrayList<>();
        while (peek().kind() != TokenKind.EOF) {
            if (acceptOp(";")) {
                continue;
            }
            out.add(statement());
        }
        return out;
    }

    private Stmt statement() throws ConfigException {
        Token t = peek();
        if (t.kind() == TokenKind.IDENT && (t.text().equals("use") || t.text().equals("no"))) {
            next();
            Token mod = next();
            if (mod.kind() != TokenKind.IDENT && mod.kind() != TokenKind.NUMBER) {
                throw new ConfigException(
                        mod.origin(), "syntax error: expected a module name after '" + t.text() + "'");
            }
            List<Expr> args = new ArrayList<>();
            if (!peek().isOp(";") && peek().kind() != TokenKind.EOF) {
                Expr e = commaList();
                args.add(e);
            }
            endStatement();
            return new Use(mod.text(), t.text().equals("no"), args, t.origin());
        }
        if (t.kind() == TokenKind.IDENT
                && t.text().equals("require")
                && peekAt(1).kind() == TokenKind.IDENT
                && !peekAt(1).text().equals("=>")) {
            // "require Amavis::IO::Zlib;" (a workaround Debian's amavisd-new needs): loads Perl code,
            // which has nothing to do here; read and ignored like a pragma
            next();
            Token mod = next();
            endStatement();
            return new Use(mod.text(), false, List.of(), t.origin());
        }
        if (t.kind() == TokenKind.IDENT && t.text().equals("sub") && peekAt(1).kind() == TokenKind.IDENT) {
            throw unsupported(t, "sub " + peekAt(1).text());
        }
        if (t.kind() == TokenKind.IDENT
                && UNSUPPORTED_KEYWORDS.contains(t.text())
                && !peekAt(1).isOp("=>")) {
            throw unsupported(t, t.text());
        }
        if (t.isOp("{")) {
            throw unsupported(t, "bare block");
        }
        Expr e = lowExpr();
        endStatement();
        return new ExprStmt(e, t.origin());
    }

    private void endStatement() throws ConfigException {
        Token t = peek();
        if (t.kind() == TokenKind.IDENT
                && Set.of("if", "unless", "for", "foreach", "while", "until").contains(t.text())) {
            throw unsupported(t, "statement modifier '" + t.text() + "'");
        }
        if (t.kind() == TokenKind.EOF) {
            return;
        }
        if (!acceptOp(";")) {
            throw new ConfigException(t.origin(), "syntax error: expected ';' but found " + t.describe());
        }
    }

    /** Low-precedence {@code or}/{@code and}/{@code not}. */
    @Override
    Expr lowExpr() throws ConfigException {
        Expr left = lowAnd();
        while (peek().isIdent("or") || peek().isIdent("xor")) {
            Token op = next();
            Expr right = lowAnd();
            left = new Binary(op.text().equals("or") ? "||" : "xor", left, right, op.origin());
        }
        return left;
    }

    private Expr lowAnd() throws ConfigException {
        Expr left = lowNot();
        while (peek().isIdent("and")) {
            Token op = next();
            left = new Binary("&&", left, lowNot(), op.origin());
        }
        return left;
    }

    private Expr lowNot() throws ConfigException {
        if (peek().isIdent("not")) {
            Token op = next();
            return new Unary("!", lowNot(), op.origin());
        }
        return commaList();
    }

    /** A comma-separated list; a single item without commas is returned as is. */
    @Override
    Expr commaList() throws ConfigException {
        Origin at = peek().origin();
        List<Expr> items = new ArrayList<>();
        items.add(assignment());
        boolean sawComma = false;
        while (peek().isOp(",") || peek().isOp("=>")) {
            next();
            sawComma = true;
            if (endsList(peek()) || peek().isOp(",")) {
                continue;
            }
            items.add(assignment());
        }
        return sawComma ? new ListExpr(items, at) : items.get(0);
    }

    private Expr assignment() throws ConfigException {
        Expr left = ternary();
        Token t = peek();
        if (t.kind() == TokenKind.OP && ASSIGN_OPS.contains(t.text())) {
            next();
            Expr right = assignment();
            return new Assign(left, t.text(), right, t.origin());
        }
        return left;
    }

    private Expr ternary() throws ConfigException {
        Expr cond = binary(7);
        if (peek().isOp("?")) {
            Token q = next();
            Expr a = assignment();
            expectOp(":");
            Expr b = assignment();
            return new Ternary(cond, a, b, q.origin());
        }
        return cond;
    }

    @Override
    String binaryOp(Token t) {
        if (t.kind() == TokenKind.OP && BINARY.containsKey(t.text())) {
            return t.text();
        }
        if (t.kind() == TokenKind.IDENT
                && BINARY.containsKey(t.text())
                && Character.isLetter(t.text().charAt(0))) {
            return t.text();
        }
        return null;
    }

    Expr binary(int minPrec) throws ConfigException {
        Expr left = unary();
        while (true) {
            String op = binaryOp(peek());
            if (op == null || BINARY.get(op) < minPrec) {
                return left;
            }
            Token t = next();
            int prec = BINARY.get(op);
            // '**' is right-associative, everything else here is left-associative
            Expr right = op.equals("**") ? binary(prec) : binary(prec + 1);
            left = new Binary(op, left, right, t.origin());
        }
    }

    Expr unary() throws ConfigException {
        Token t = peek();
        if (t.kind() == TokenKind.OP) {
            switch (t.text()) {
                case "!", "~" -> {
                    next();
                    return new Unary(t.text(), unary(), t.origin());
                }
                case "-", "+" -> {
                    next();
                    if (t.text().equals("-")
                            && peek().kind() == TokenKind.IDENT
                            && !peekAt(1).isOp("(")
                            && !Builtins.isKnown(peek().text())) {
                        return new Str("-" + next().text(), t.origin());
                    }
                    // unary minus binds tighter than '*' but looser than '**'
                    Expr operand = binary(20);
                    return t.text().equals("-") ? new Unary("neg", operand, t.origin()) : operand;
                }
                case "\\" -> {
                    next();
                    Token v = peek();
                    if (v.kind() == TokenKind.VARIABLE && v.text().startsWith("&")) {
                        next();
                        return new CodeName(v.text().substring(1), t.origin());
                    }
                    return new MakeRef(unary(), t.origin());
                }
                case "++", "--" -> throw unsupported(t, t.text());
                default -> {}
            }
        }
        return postfix(primary());
    }
}
