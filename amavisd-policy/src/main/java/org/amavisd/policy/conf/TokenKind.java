package org.amavisd.policy.conf;

/** Lexical categories of the Perl configuration subset. */
enum TokenKind {
    NUMBER,
    /** A string whose value is final (single quotes, q(), qw elements, here-doc with quoted 'EOD'). */
    STRING,
    /** A string still to be interpolated (double quotes, qq(), here-doc with "EOD" or bare EOD). */
    INTERP_STRING,
    /** qw(...): text holds the raw body, split by the parser. */
    QW,
    /** qr/.../flags: text holds the pattern source, extra the opening delimiter followed by the flags. */
    REGEX,
    BACKTICK,
    /** $name, @name, %name, &name: text is the sigil followed by the name. */
    VARIABLE,
    /** A lone sigil used as a dereference ("$$ref", "@$ref", "%{...}"). */
    CAST,
    IDENT,
    OP,
    EOF
}
