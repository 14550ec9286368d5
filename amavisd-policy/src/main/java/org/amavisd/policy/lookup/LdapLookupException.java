package org.amavisd.policy.lookup;

/**
 * An LDAP lookup could not be answered: the directory is unreachable, a search failed or timed
 * out. Never "no opinion": the caller is expected to tempfail the message.
 */
public class LdapLookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LdapLookupException(String message) {
        super(message);
    }

    public LdapLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
