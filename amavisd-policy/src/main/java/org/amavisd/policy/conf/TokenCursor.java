package org.amavisd.policy.conf;

import java.util.List;
import java.util.Set;

/** Position in a token list plus the small helpers every parsing step needs. */
abstract class TokenCursor {
    protected final List<Token> tokens;
    protected final String source;
    protected final String file;
    protected int p;

    TokenCursor(List<Token> tokens, String source, String file) {
        this.tokens = tokens;
        this.source = source;
        this.file = file;
    }

    Token peek() {
        return tokens.get(p);
    }

    Token peekAt(int ahead) {
        return tokens.get(Math.min(p + ahead, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(p);
        if (t.kind() != TokenKind.EOF) {
            p++;
        }
        return t;
    }

    boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            p++;
            return true;
        }
        return false;
    }

    Token expectOp(String op) throws ConfigException {
        Token t = peek();
        if (!t.isOp(op)) {
            throw new ConfigException(t.origin(), "syntax error: expected '" + op + "' but found " + t.describe());
        }
        return next();
    }

    void expectKind(TokenKind k) throws ConfigException {
        Token t = peek();
        if (t.kind() != k) {
            throw new ConfigException(t.origin(), "syntax error: unexpected " + t.describe());
        }
    }

    ConfigException unsupported(Token t, String what) {
        String shown = what.startsWith("statement modifier") ? what : "'" + what + "'";
        return new ConfigException(t.origin(), "unsupported construct " + shown);
    }

    static boolean endsList(Token t) {
        return t.kind() == TokenKind.EOF
                || (t.kind() == TokenKind.OP
                        && (t.text().equals(")")
                                || t.text().equals("]")
                                || t.text().equals("}")
                                || t.text().equals(";")
                                || t.text().equals(":")))
                || (t.kind() == TokenKind.IDENT
                        && Set.of("or", "and", "if", "unless", "for", "foreach", "xor")
                                .contains(t.text()));
    }
}
