package org.amavisd.policy.conf;

/**
 * One lexical token. {@code extra} carries regex flags; {@code start}/{@code end} are source
 * offsets, used to tell an adjacent subscript ({@code $h{k}}) from separate tokens and to keep
 * the text of anonymous subs.
 */
record Token(TokenKind kind, String text, String extra, Origin origin, int start, int end) {
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
