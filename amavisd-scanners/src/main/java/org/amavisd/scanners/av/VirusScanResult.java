package org.amavisd.scanners.av;

import java.util.List;

/**
 * The outcome of {@link VirusScan#scan}.
 *
 * @param outcome CLEAN, INFECTED, or FAILED (no scanner did its job: the pipeline tempfails the
 *     message, {@code 451 4.5.0 ... virus_scan FAILED}, unless the policy says otherwise)
 * @param virusNames the names reported by the first scanner that found something, distinct, in
 *     order; an infection reported without a name gives the single name "" (as amavisd-new)
 * @param detectingScanners every scanner that found something, in order
 * @param output the answer of the deciding scanner, for logs
 * @param failure why it FAILED ("ALL VIRUS SCANNERS FAILED" or "NO VIRUS SCANNERS AVAILABLE",
 *     then each scanner's error), else null
 * @param runs every scanner called, in order, with its verdict and timing
 */
public record VirusScanResult(
        Outcome outcome,
        List<String> virusNames,
        List<String> detectingScanners,
        String output,
        String failure,
        List<ScannerRun> runs) {
    public enum Outcome {
        CLEAN,
        INFECTED,
        FAILED
    }

    public VirusScanResult {
        virusNames = List.copyOf(virusNames);
        detectingScanners = List.copyOf(detectingScanners);
        runs = List.copyOf(runs);
    }

    public boolean infected() {
        return outcome == Outcome.INFECTED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
