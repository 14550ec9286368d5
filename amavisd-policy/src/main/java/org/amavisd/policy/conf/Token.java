package org.amavisd.policy.conf;

/**
 * One lexical token. {@code extra} carries regex flags; {@code start}/{@code end} are source
 * offsets, used to tell an adjacent subscript ({@code $h{k}}) from separate tokens and to keep
 * the text of anonymous subs. {@code bodyOrigin} is where an interpolated string's text starts,
 * so variables inside it get exact positions.
 */
record Token(TokenKind kind, String text, String extra, Origin origin, int start, int end, Origin bodyOrigin) {
    Token(TokenKind kind, String text, String extra, Origin origin, int start, int end) {
        this(kind, text, extra, origin, start, end, null);
    }

    boolean is(TokenKind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isOp(String t) {
        return kind == TokenKind.OP && text.equals(t);
    }

    boolean isIdent(String t) {
        return kind == TokenKind.IDENT && text.equals(t);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case STRING, INTERP_STRING -> "string";
            default -> "'" + text + "'";
        };
    }
}
