package org.amavisd.policy.conf;

/**
 * One known configuration variable.
 *
 * @param name variable name with sigil, e.g. {@code $max_servers}
 * @param defaultExpr the default as an expression of the supported Perl subset, evaluated before
 *     the config files (or after them when {@code afterDefault}); null means undef / empty
 * @param afterDefault true when amavisd-new fills the default in only after all config files were
 *     read and the variable is still undefined (scalars) or empty (arrays), e.g. $TEMPBASE
 * @param mirrored false for names we recognise but whose amavisd-new default is not yet mirrored;
 *     such settings have no value unless a config file assigns one
 * @param shape what kind of value is acceptable
 * @param description a short explanation for humans
 * @param mirrors where the default comes from in amavisd-new
 */
public record Setting(
        String name,
        String defaultExpr,
        boolean afterDefault,
        boolean mirrored,
        Shape shape,
        String description,
        String mirrors) {

    /** Acceptable value shapes, checked on assignment. */
    public enum Shape {
        ANY,
        /** A plain scalar (string or number) or undef, never a reference. */
        PLAIN,
        /** A number or undef. */
        NUMBER,
        /** A plain scalar or a reference to an array of plain scalars (e.g. $inet_socket_port). */
        PLAIN_OR_LIST,
        /** A hash whose values are hash references (e.g. %policy_bank). */
        HASH_OF_HASHES
    }

    public char sigil() {
        return name.charAt(0);
    }
}
