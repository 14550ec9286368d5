package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns Perl configuration text into tokens. Perl's lexing depends on whether a term or an
 * operator is expected (think of {@code %} or {@code <<}), so the lexer remembers whether the
 * previous token ended a term.
 */
final class Lexer {
    private final String src;
    private final String file;
    private int pos;
    private int line = 1;
    private int lineStart;
    private boolean prevEndsTerm;
    /** Where the body of the next here-document starts; -1 when none is pending on this line. */
    private int heredocBodyStart = -1;
    /** Where scanning continues after the newline that ends a line carrying here-documents. */
    private int heredocResume = -1;

    private int heredocResumeLine;
    private final List<Token> out = new ArrayList<>();

    Lexer(String src, String file) {
        this.src = src;
        this.file = file;
    }

    List<Token> tokenize() throws ConfigException {
        while (true) {
            skipSpaceAndComments();
            if (pos >= src.length()) {
                break;
            }
            if (atWord("__END__") || atWord("__DATA__")) {
                break;
            }
            lexOne();
        }
        out.add(new Token(TokenKind.EOF, "", null, here(), pos, pos));
        return out;
    }

    private Origin here() {
        return new Origin(file, line, pos - lineStart + 1);
    }

    private char peek(int ahead) {
        int p = pos + ahead;
        return p < src.length() ? src.charAt(p) : '\0';
    }

    private boolean atWord(String w) {
        if (!src.startsWith(w, pos)) {
            return false;
        }
        int e = pos + w.length();
        return e >= src.length() || !isWordChar(src.charAt(e));
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private void newline() {
        // pos points at '\n'
        if (heredocResume >= 0) {
            pos = heredocResume;
            line = heredocResumeLine;
            lineStart = pos;
            heredocResume = -1;
            heredocBodyStart = -1;
            return;
        }
        pos++;
        line++;
        lineStart = pos;
    }

    private void skipSpaceAndComments() throws ConfigException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                newline();
                if (pos < src.length()
                        && src.charAt(pos) == '='
                        && pos + 1 < src.length()
                        && Character.isLetter(src.charAt(pos + 1))) {
                    skipPod();
                }
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (pos == 0 && c == '=' && Character.isLetter(peek(1))) {
                skipPod();
            } else {
                return;
            }
        }
    }

    /** POD runs from a line starting with "=word" to the line starting with "=cut" (inclusive). */
    private void skipPod() {
        while (pos < src.length()) {
            boolean cut = src.startsWith("=cut", pos) && (pos + 4 >= src.length() || !isWordChar(src.charAt(pos + 4)));
            int eol = src.indexOf('\n', pos);
            if (eol < 0) {
                pos = src.length();
                return;
            }
            pos = eol;
            if (cut) {
                return;
            }
            newline();
        }
    }

    private void emit(TokenKind kind, String text, String extra, Origin o, int start) {
        emit(kind, text, extra, o, start, null);
    }

    private void emit(TokenKind kind, String text, String extra, Origin o, int start, Origin body) {
        out.add(new Token(kind, text, extra, o, start, pos, body));
        prevEndsTerm = switch (kind) {
            // after my / our / local a % or & is a sigil (our %h), not an operator
            case IDENT -> !text.equals("my") && !text.equals("our") && !text.equals("local");
            case NUMBER, STRING, INTERP_STRING, QW, REGEX, BACKTICK, VARIABLE -> true;
            case OP -> text.equals(")") || text.equals("]") || text.equals("}");
            default -> false;
        };
    }

    private void lexOne() throws ConfigException {
        Origin o = here();
        int start = pos;
        char c = src.charAt(pos);
        if (Character.isDigit(c) || (c == '.' && Character.isDigit(peek(1)) && !prevEndsTerm)) {
            lexNumber(o, start);
        } else if (Character.isLetter(c) || c == '_') {
            lexWord(o, start);
        } else if (c == '\'') {
            pos++;
            emit(TokenKind.STRING, readSingleQuoted('\'', '\'', o), null, o, start);
        } else if (c == '"') {
            pos++;
            Origin body = here();
            emit(TokenKind.INTERP_STRING, readDelimited('"', '"', o), null, o, start, body);
        } else if (c == '`') {
            pos++;
            emit(TokenKind.BACKTICK, readDelimited('`', '`', o), null, o, start);
        } else if (c == '$' || c == '@' || ((c == '%' || c == '&') && !prevEndsTerm)) {
            lexVariable(o, start, c);
        } else if (c == '<' && peek(1) == '<' && !prevEndsTerm && startsHeredoc(peek(2))) {
            lexHeredoc(o, start);
        } else {
            lexOperator(o, start);
        }
    }

    private static boolean startsHeredoc(char c) {
        return c == '\'' || c == '"' || c == '~' || Character.isLetter(c) || c == '_';
    }

    private void lexNumber(Origin o, int start) throws ConfigException {
        if (src.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            pos += 2;
            int digits = pos;
            while (pos < src.length() && (Character.digit(src.charAt(pos), 16) >= 0 || src.charAt(pos) == '_')) {
                pos++;
            }
            String hex = src.substring(digits, pos).replace("_", "");
            if (hex.isEmpty()) {
                throw new ConfigException(o, "malformed hexadecimal number");
            }
            emit(TokenKind.NUMBER, Long.toString(Long.parseLong(hex, 16)), null, o, start);
            return;
        }
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        // "1..7" is a range, not a float followed by a dot
        if (pos < src.length() && src.charAt(pos) == '.' && peek(1) != '.') {
            pos++;
            while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos < src.length()
                && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')
                && (Character.isDigit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && Character.isDigit(peek(2))))) {
            pos += 2;
            while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        emit(TokenKind.NUMBER, src.substring(start, pos).replace("_", ""), null, o, start);
    }

    private void lexWord(Origin o, int start) throws ConfigException {
        while (pos < src.length()
                && (isWordChar(src.charAt(pos)) || (src.charAt(pos) == ':' && peek(1) == ':' && isWordChar(peek(2))))) {
            pos += src.charAt(pos) == ':' ? 2 : 1;
        }
        String word = src.substring(start, pos);
        if (word.equals("q") || word.equals("qq") || word.equals("qw") || word.equals("qr")) {
            int save = pos;
            while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
                pos++;
            }
            char d = pos < src.length() ? src.charAt(pos) : '\0';
            boolean fatComma = d == '=' && peek(1) == '>';
            if (d != '\0'
                    && !isWordChar(d)
                    && !Character.isWhitespace(d)
                    && !fatComma
                    && d != ','
                    && d != ';'
                    && d != ')'
                    && d != '}'
                    && !(d == '#' && pos > save)) {
                pos++;
                Origin body = here();
                char close = closerOf(d);
                switch (word) {
                    case "q" -> emit(TokenKind.STRING, readSingleQuoted(d, close, o), null, o, start);
                    case "qq" -> emit(TokenKind.INTERP_STRING, readDelimited(d, close, o), null, o, start, body);
                    case "qw" -> emit(TokenKind.QW, readDelimited(d, close, o), null, o, start);
                    default -> {
                        String pattern = readDelimited(d, close, o);
                        int fs = pos;
                        while (pos < src.length() && Character.isLetter(src.charAt(pos))) {
                            pos++;
                        }
                        // the delimiter decides about interpolation: none with qr'...'
                        emit(TokenKind.REGEX, pattern, d + src.substring(fs, pos), o, start);
                    }
                }
                return;
            }
            pos = save;
        }
        emit(TokenKind.IDENT, word, null, o, start);
    }

    static char closerOf(char d) {
        return switch (d) {
            case '(' -> ')';
            case '[' -> ']';
            case '{' -> '}';
            case '<' -> '>';
            default -> d;
        };
    }

    /** Reads up to the closing delimiter (nesting for brackets); backslash escapes are kept raw. */
    private String readDelimited(char open, char close, Origin o) throws ConfigException {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        while (true) {
            if (pos >= src.length()) {
                throw new ConfigException(o, "unterminated string or quote-like operator (missing '" + close + "')");
            }
            char c = src.charAt(pos);
            if (c == '\\' && pos + 1 < src.length()) {
                sb.append(c).append(src.charAt(pos + 1));
                countNewline(src.charAt(pos + 1), pos + 1);
                pos += 2;
                continue;
            }
            if (c == close && depth == 0) {
                pos++;
                return sb.toString();
            }
            if (open != close) {
                if (c == open) {
                    depth++;
                } else if (c == close) {
                    depth--;
                }
            }
            countNewline(c, pos);
            sb.append(c);
            pos++;
        }
    }

    private void countNewline(char c, int at) {
        if (c == '\n') {
            line++;
            lineStart = at + 1;
        }
    }

    /** Single-quote semantics: only backslash-backslash and backslash-delimiter are escapes. */
    private String readSingleQuoted(char open, char close, Origin o) throws ConfigException {
        String raw = readDelimited(open, close, o);
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char n = raw.charAt(i + 1);
                if (n == '\\' || n == open || n == close) {
                    sb.append(n);
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private void lexVariable(Origin o, int start, char sigil) throws ConfigException {
        pos++;
        char c = peek(0);
        if (Character.isLetter(c) || c == '_' || (c == ':' && peek(1) == ':')) {
            int ns = pos;
            while (pos < src.length() && (isWordChar(src.charAt(pos)) || src.charAt(pos) == ':')) {
                pos++;
            }
            String name = src.substring(ns, pos);
            if (name.startsWith("::")) {
                name = name.substring(2);
            }
            if (name.startsWith("main::")) {
                name = name.substring(6);
            }
            emit(TokenKind.VARIABLE, sigil + name, null, o, start);
        } else if (sigil == '$' && c == '#' && (Character.isLetter(peek(1)) || peek(1) == '_')) {
            throw new ConfigException(o, "unsupported construct '$#array'");
        } else if (sigil == '$' && (Character.isDigit(c) || "!@_&0".indexOf(c) >= 0) && c != '\0') {
            // punctuation variables only show up inside code we keep opaque
            pos++;
            emit(TokenKind.VARIABLE, "$" + c, null, o, start);
        } else if (c == '$' || c == '{') {
            emit(TokenKind.CAST, String.valueOf(sigil), null, o, start);
        } else if (sigil == '%' || sigil == '&') {
            pos = start;
            lexOperator(o, start);
        } else {
            throw new ConfigException(o, "unexpected character '" + sigil + "'");
        }
    }

    private void lexHeredoc(Origin o, int start) throws ConfigException {
        pos += 2;
        boolean indent = false;
        if (peek(0) == '~') {
            indent = true;
            pos++;
        }
        char q = peek(0);
        String tag;
        boolean interpolate = q != '\'';
        if (q == '\'' || q == '"') {
            pos++;
            int e = src.indexOf(q, pos);
            if (e < 0 || src.substring(pos, e).contains("\n")) {
                throw new ConfigException(o, "unterminated here-document tag");
            }
            tag = src.substring(pos, e);
            pos = e + 1;
        } else {
            int ts = pos;
            while (pos < src.length() && isWordChar(src.charAt(pos))) {
                pos++;
            }
            tag = src.substring(ts, pos);
        }
        int bodyStart = heredocBodyStart >= 0 ? heredocBodyStart : src.indexOf('\n', pos) + 1;
        if (bodyStart <= 0) {
            throw new ConfigException(o, "here-document <<" + tag + " has no body");
        }
        int bodyLine = heredocBodyStart >= 0 ? heredocResumeLine : line + 1;
        HereDoc doc = HereDoc.read(src, bodyStart, tag, indent);
        if (doc == null) {
            throw new ConfigException(o, "can't find here-document terminator \"" + tag + "\"");
        }
        // several here-docs on one line follow each other; scanning resumes after the last one
        heredocBodyStart = doc.end();
        heredocResume = doc.end();
        heredocResumeLine = bodyLine + doc.lines();
        emit(
                interpolate ? TokenKind.INTERP_STRING : TokenKind.STRING,
                doc.body(),
                null,
                o,
                start,
                new Origin(file, bodyLine, 1));
    }

    private static final String[] OPERATORS = {
        "<=>", "**=", "||=", "//=", "&&=", "...", "=>", "->", "==", "!=", "<=", ">=", "=~", "!~", "..", "||", "&&",
        "//", "++", "--", "+=", "-=", "*=", "/=", ".=", "%=", "**", "::", "<<", ">>", "=", ",", ";", "(", ")", "[", "]",
        "{", "}", "+", "-", "*", "/", "%", ".", "\\", "!", "?", ":", "<", ">", "&", "|", "^", "~"
    };

    private void lexOperator(Origin o, int start) throws ConfigException {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                emit(TokenKind.OP, op, null, o, start);
                return;
            }
        }
        throw new ConfigException(o, "unexpected character '" + src.charAt(pos) + "'");
    }
}
