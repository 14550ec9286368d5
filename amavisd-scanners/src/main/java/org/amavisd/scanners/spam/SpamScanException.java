package org.amavisd.scanners.spam;

/**
 * A spam scanner gave no verdict. The pipeline turns it into a tempfail (the default, so nothing
 * is lost) or lets the message pass unscored, per policy; it never reads as "not spam".
 */
public final class SpamScanException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why no verdict came. */
    public enum Kind {
        /** Nothing listens, or the connection was refused or not set up in time. */
        CONNECT,
        /** Connected, but the whole exchange did not finish within the timeout. */
        TIMEOUT,
        /** The daemon answered, but not in its protocol (garbage, truncated, bad JSON). */
        PROTOCOL,
        /** The daemon answered with an error of its own (spamd's non-zero code, an HTTP error). */
        DAEMON_ERROR,
        /** Reading the message or another local I/O failure. */
        IO
    }

    private final String scannerName;
    private final Kind kind;

    public SpamScanException(String scannerName, Kind kind, String detail, Throwable cause) {
        super(scannerName + " failed (" + kind.name().toLowerCase(java.util.Locale.ROOT) + "): " + detail, cause);
        this.scannerName = scannerName;
        this.kind = kind;
    }

    public SpamScanException(String scannerName, Kind kind, String detail) {
        this(scannerName, kind, detail, null);
    }

    public String scannerName() {
        return scannerName;
    }

    public Kind kind() {
        return kind;
    }
}
