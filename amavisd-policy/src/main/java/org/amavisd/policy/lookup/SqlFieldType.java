package org.amavisd.policy.lookup;

/**
 * How a column of the policy row is read (amavisd-new's field types). NULL is always "no
 * opinion": the next, less specific matching row is asked, then the next map of the list.
 */
public enum SqlFieldType {
    /** B-: a boolean; N, n, F, f, 0, NUL and space (with trailing blanks) are false, anything else true. */
    BOOLEAN,
    /** N-: a number, in Perl's canonical form (7.0 is "7"). */
    NUMERIC,
    /** S-: a string (trailing spaces trimmed only with $trim_trailing_space_in_lookup_result_fields). */
    STRING,
    /** B1: a boolean, where a row without that column at all counts as true (only users.local). */
    BOOLEAN_ABSENT_TRUE,
    /** L-: a list (only LDAP: multi-valued attributes), answered as an array. */
    LIST;

    public boolean isBoolean() {
        return this == BOOLEAN || this == BOOLEAN_ABSENT_TRUE;
    }

    /** amavisd-new's letter code: B-, N-, S-, B1, L-. */
    public String code() {
        return switch (this) {
            case BOOLEAN -> "B-";
            case NUMERIC -> "N-";
            case STRING -> "S-";
            case BOOLEAN_ABSENT_TRUE -> "B1";
            case LIST -> "L-";
        };
    }
}
