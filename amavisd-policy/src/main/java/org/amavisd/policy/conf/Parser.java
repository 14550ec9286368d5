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
final class Parser {
  /** Statement keywords recognised only to reject them with a clear message. */
  private static final Set<String> UNSUPPORTED_KEYWORDS = Set.of(
      "if", "unless", "foreach", "for", "while", "until", "do", "eval", "package", "require",
      "BEGIN", "END", "return", "last", "next", "redo", "goto", "print", "printf", "die", "warn",
      "else", "elsif", "map", "grep", "sort", "local", "format");

  /** Binary operator precedence, higher binds tighter (after perlop). */
  private static final Map<String, Integer> BINARY = Map.ofEntries(
      Map.entry("..", 7), Map.entry("||", 8), Map.entry("//", 8), Map.entry("&&", 9),
      Map.entry("|", 10), Map.entry("^", 10), Map.entry("&", 11),
      Map.entry("==", 12), Map.entry("!=", 12), Map.entry("<=>", 12),
      Map.entry("eq", 12), Map.entry("ne", 12), Map.entry("cmp", 12),
      Map.entry("<", 13), Map.entry(">", 13), Map.entry("<=", 13), Map.entry(">=", 13),
      Map.entry("lt", 13), Map.entry("gt", 13), Map.entry("le", 13), Map.entry("ge", 13),
      Map.entry("<<", 15), Map.entry(">>", 15),
      Map.entry("+", 16), Map.entry("-", 16), Map.entry(".", 16),
      Map.entry("*", 17), Map.entry("/", 17), Map.entry("%", 17), Map.entry("x", 17),
      Map.entry("=~", 18), Map.entry("!~", 18),
      Map.entry("**", 20));

  private static final Set<String> ASSIGN_OPS = Set.of(
      "=", "+=", "-=", "*=", "/=", ".=", "%=", "**=", "||=", "//=", "&&=");

  private final List<Token> tokens;
  private final String source;
  private final String file;
  private int p;

  Parser(List<Token> tokens, String source, String file) {
    this.tokens = tokens;
    this.source = source;
    this.file = file;
  }

  static List<Stmt> parse(String text, String file) throws ConfigException {
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

  private Token peek() {
    return tokens.get(p);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(p + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(p);
    if (t.kind() != TokenKind.EOF) {
      p++;
    }
    return t;
  }

  private boolean acceptOp(String op) {
    if (peek().isOp(op)) {
      p++;
      return true;
    }
    return false;
  }

  private Token expectOp(String op) throws ConfigException {
    Token t = peek();
    if (!t.isOp(op)) {
      throw new ConfigException(t.origin(), "syntax error: expected '" + op + "' but found " + t.describe());
    }
    return next();
  }

  private void expectKind(TokenKind k) throws ConfigException {
    Token t = peek();
    if (t.kind() != k) {
      throw new ConfigException(t.origin(), "syntax error: unexpected " + t.describe());
    }
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
        throw new ConfigException(mod.origin(), "syntax error: expected a module name after '" + t.text() + "'");
      }
      List<Expr> args = new ArrayList<>();
      if (!peek().isOp(";") && peek().kind() != TokenKind.EOF) {
        Expr e = commaList();
        args.add(e);
      }
      endStatement();
      return new Use(mod.text(), t.text().equals("no"), args, t.origin());
    }
    if (t.kind() == TokenKind.IDENT && t.text().equals("sub") && peekAt(1).kind() == TokenKind.IDENT) {
      throw unsupported(t, "sub " + peekAt(1).text());
    }
    if (t.kind() == TokenKind.IDENT && UNSUPPORTED_KEYWORDS.contains(t.text()) && !peekAt(1).isOp("=>")) {
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
    if (t.kind() == TokenKind.IDENT && Set.of("if", "unless", "for", "foreach", "while", "until").contains(t.text())) {
      throw unsupported(t, "statement modifier '" + t.text() + "'");
    }
    if (t.kind() == TokenKind.EOF) {
      return;
    }
    if (!acceptOp(";")) {
      throw new ConfigException(t.origin(), "syntax error: expected ';' but found " + t.describe());
    }
  }

  private ConfigException unsupported(Token t, String what) {
    String shown = what.startsWith("statement modifier") ? what : "'" + what + "'";
    return new ConfigException(t.origin(), "unsupported construct " + shown);
  }

  /** Low-precedence {@code or}/{@code and}/{@code not}. */
  private Expr lowExpr() throws ConfigException {
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

  private static boolean endsList(Token t) {
    return t.kind() == TokenKind.EOF
        || (t.kind() == TokenKind.OP && (t.text().equals(")") || t.text().equals("]")
            || t.text().equals("}") || t.text().equals(";") || t.text().equals(":")))
        || (t.kind() == TokenKind.IDENT && Set.of("or", "and", "if", "unless", "for", "foreach", "xor")
            .contains(t.text()));
  }

  /** A comma-separated list; a single item without commas is returned as is. */
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

  private String binaryOp(Token t) {
    if (t.kind() == TokenKind.OP && BINARY.containsKey(t.text())) {
      return t.text();
    }
    if (t.kind() == TokenKind.IDENT && BINARY.containsKey(t.text()) && Character.isLetter(t.text().charAt(0))) {
      return t.text();
    }
    return null;
  }

  private Expr binary(int minPrec) throws ConfigException {
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

  private Expr unary() throws ConfigException {
    Token t = peek();
    if (t.kind() == TokenKind.OP) {
      switch (t.text()) {
        case "!", "~" -> {
          next();
          return new Unary(t.text(), unary(), t.origin());
        }
        case "-", "+" -> {
          next();
          if (t.text().equals("-") && peek().kind() == TokenKind.IDENT && !peekAt(1).isOp("(")
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
        default -> { }
      }
    }
    return postfix(primary());
  }

  private Expr postfix(Expr e) throws ConfigException {
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

  private Expr subscript(Expr base, Token open, boolean viaRef) throws ConfigException {
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
  private Expr hashKey() throws ConfigException {
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

  private Expr primary() throws ConfigException {
    Token t = next();
    Origin at = t.origin();
    switch (t.kind()) {
      case NUMBER:
        return new Num(t.text(), at);
      case STRING:
        return new Str(t.text(), at);
      case INTERP_STRING:
        return Interpolation.parse(t.text(), at);
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
        return new Regex(t.text(), t.extra(), at);
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

  private Expr variable(Token t) throws ConfigException {
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
  private Expr cast(Token t) throws ConfigException {
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

  private Expr punctuation(Token t) throws ConfigException {
    Origin at = t.origin();
    switch (t.text()) {
      case "(" -> {
        if (acceptOp(")")) {
          return new ListExpr(List.of(), at);
        }
        Expr e = lowExpr();
        expectOp(")");
        if (e instanceof ListExpr l) {
          return new ListExpr(l.items(), at);
        }
        return new ListExpr(List.of(e), at);
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

  private static List<Expr> items(Expr e) {
    return e instanceof ListExpr l ? l.items() : List.of(e);
  }

  private Expr word(Token t) throws ConfigException {
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
      default -> { }
    }
    if (UNSUPPORTED_KEYWORDS.contains(w)) {
      throw unsupported(t, w);
    }
    if (peek().isOp("(")) {
      Token open = next();
      List<Expr> args = peek().isOp(")") ? List.of() : items(lowExpr());
      expectOp(")");
      return new Call(w, args, true, open.origin().equals(at) ? at : at);
    }
    if (Builtins.isConstant(w)) {
      return new Call(w, List.of(), false, at);
    }
    if (Builtins.isKnown(w) && !endsList(peek()) && !peek().isOp(",") && binaryOp(peek()) == null) {
      return new Call(w, items(commaList()), false, at);
    }
    return new Bareword(w, at);
  }

  private Expr declaration(Token kw) throws ConfigException {
    List<Var> vars = new ArrayList<>();
    if (acceptOp("(")) {
      while (!peek().isOp(")")) {
        Token v = next();
        if (v.kind() != TokenKind.VARIABLE || v.text().startsWith("&")) {
          throw new ConfigException(v.origin(), "syntax error: expected a variable in '" + kw.text() + "' list");
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
  private Expr anonSub(Token kw) throws ConfigException {
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
