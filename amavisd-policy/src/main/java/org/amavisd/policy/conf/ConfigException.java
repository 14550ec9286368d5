package org.amavisd.policy.conf;

/** A configuration error; the message always starts with {@code FILE:LINE:COLUMN: }. */
public final class ConfigException extends Exception {
    private final Origin origin;
    private final String detail;

    public ConfigException(Origin origin, String detail) {
        super(origin + ": " + detail);
        this.origin = origin;
        this.detail = detail;
    }

    public ConfigException(Origin origin, String detail, Throwable cause) {
        super(origin + ": " + detail, cause);
        this.origin = origin;
        this.detail = detail;
    }

    public Origin origin() {
        return origin;
    }

    /** The message without the position prefix. */
    public String detail() {
        return detail;
    }
}
