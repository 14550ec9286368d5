package org.amavisd.policy.lookup;

/**
 * An SQL lookup could not be answered: no database of @lookup_sql_dsn could be reached, a query
 * failed or timed out, or the configuration names a database we cannot use. Never "no opinion":
 * the caller is expected to tempfail the message, as amavisd-new does when a lookup dies.
 */
public class SqlLookupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SqlLookupException(String message) {
        super(message);
    }

    public SqlLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
