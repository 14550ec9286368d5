package org.amavisd.policy.regex;

/**
 * A Perl regular expression that cannot be used: Perl itself would reject it, or it uses a
 * construct java.util.regex has no equivalent for. {@link #index()} is the offset in the Perl
 * source where the problem starts (-1 when unknown); {@link #construct()} names the construct.
 */
public final class PerlRegexException extends Exception {
    private final int index;
    private final String construct;

    public PerlRegexException(String construct, String detail, int index) {
        super(detail);
        this.construct = construct;
        this.index = index;
    }

    public int index() {
        return index;
    }

    public String construct() {
        return construct;
    }
}
