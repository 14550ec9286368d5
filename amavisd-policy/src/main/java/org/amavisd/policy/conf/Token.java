package org.amavisd.policy.conf;

/**
 * One lexical token. {@code extra} carries regex flags; {@code spaceBefore} lets the parser tell
 * {@code $h{k}} (subscript) from {@code $x {} } which never occurs in config files but costs nothing.
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
