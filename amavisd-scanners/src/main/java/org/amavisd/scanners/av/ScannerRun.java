package org.amavisd.scanners.av;

import java.time.Duration;
import java.util.List;

/**
 * What one scanner said about one message.
 *
 * @param scanner the entry's name
 * @param backup whether it came from @av_scanners_backup
 * @param status its verdict
 * @param virusNames the names it reported, distinct, in order (empty unless INFECTED)
 * @param output its answer, for logs (paths under the scanned directory shortened)
 * @param error why it FAILED, else null
 * @param elapsed how long it took
 */
public record ScannerRun(
        String scanner,
        boolean backup,
        Status status,
        List<String> virusNames,
        String output,
        String error,
        Duration elapsed) {
    public enum Status {
        CLEAN,
        INFECTED,
        /** The entry's clean field is undef and it found nothing: it vouches for nothing. */
        INCONCLUSIVE,
        FAILED
    }

    public ScannerRun {
        virusNames = List.copyOf(virusNames);
    }

    /** Whether the scanner did its job (amavisd-new's "defined status"). */
    public boolean done() {
        return status == Status.CLEAN || status == Status.INFECTED;
    }
}
