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
    private final boolean reported;

    public SpamScanException(String scannerName, Kind kind, String detail, Throwable cause) {
        super(scannerName + " failed (" + kind.name().toLowerCase(java.util.Locale.ROOT) + "): " + detail, cause);
        this.scannerName = scannerName;
        this.kind = kind;
        this.reported = false;
    }

    private SpamScanException(SpamScanException e) {
        super(e.getMessage(), e.getCause());
        this.scannerName = e.scannerName;
        this.kind = e.kind;
        this.reported = true;
    }

    /** The same failure, marked as already logged by the scanner (the caller need not warn again). */
    public SpamScanException asReported() {
        return reported ? this : new SpamScanException(this);
    }

    /** Whether the scanner has already logged this failure (a spamd that stays down is warned about once). */
    public boolean reported() {
        return reported;
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
