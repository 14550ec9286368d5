package org.amavisd.scanners.spam;

/** One entry of {@code @spam_scanners}: a client of one spam-scanning daemon. Thread-safe. */
public interface SpamScanner {
    /** The entry's first element, e.g. "SpamdClient" or "Local Rspamd"; used in logs and results. */
    String name();

    /** The amavisd-new class the entry names, e.g. "Amavis::SpamControl::SpamdClient". */
    String className();

    /**
     * Scans one message. Blocks for at most the scanner's configured timeouts.
     *
     * @throws SpamScanException when the daemon cannot be reached, does not answer in time or
     *     answers something that is not a verdict; the caller tempfails or passes per policy
     */
    SpamCheck check(SpamRequest request) throws SpamScanException;
}
