package org.amavisd.scanners.spam;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What one spam scanner said about one message.
 *
 * @param scannerName the {@code @spam_scanners} entry's name
 * @param score the score with the entry's {@code score_factor} applied (what amavisd-new adds to
 *     each recipient's spam level)
 * @param requiredScore the daemon's own threshold (spamd's "/ 5.0", rspamd's required_score, the
 *     latter scaled by score_factor as amavisd-new does), or null when not reported
 * @param verdict the daemon's own opinion, as amavisd-new maps it; amavisd's decision uses the
 *     score against the tag/kill levels, not this
 * @param action rspamd's action ("reject", "add header", "no action", ...), null for spamd
 * @param tests the rules that hit, in the daemon's order
 * @param report spamd's report text when the REPORT request was used, else null
 * @param skipped rspamd's is_skipped (e.g. its GTUBE shortcut), false for spamd
 * @param truncated whether only the first part of the message was sent (the size limit)
 * @param bytesSent how many bytes of message (with any prepended header lines) were sent
 * @param elapsed time from connecting to the parsed answer
 */
public record SpamCheck(
        String scannerName,
        double score,
        Double requiredScore,
        Verdict verdict,
        String action,
        List<Test> tests,
        String report,
        boolean skipped,
        boolean truncated,
        long bytesSent,
        Duration elapsed) {

    /** The daemon's own classification. */
    public enum Verdict {
        SPAM,
        HAM,
        UNKNOWN
    }

    /** A rule that hit; its score is null when the daemon does not report one (spamd's SYMBOLS). */
    public record Test(String name, Double score) {
        public Test {
            Objects.requireNonNull(name);
        }

        /** "NAME=score" as in amavisd-new's tests=[...], or just "NAME" without a score. */
        @Override
        public String toString() {
            return score == null ? name : name + "=" + formatNumber(score);
        }
    }

    public SpamCheck {
        Objects.requireNonNull(scannerName);
        Objects.requireNonNull(verdict);
        tests = List.copyOf(tests);
        Objects.requireNonNull(elapsed);
    }

    /** The tests joined by commas, as in the log's and X-Spam-Status's tests=[...]. */
    public String testsString() {
        return tests.stream().map(Test::toString).collect(Collectors.joining(","));
    }

    /** Whether a rule of that name hit. */
    public boolean hasTest(String name) {
        return tests.stream().anyMatch(t -> t.name().equals(name));
    }

    /** A number as Perl prints it: no trailing zeros, no exponent for the usual range. */
    static String formatNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        return b.toPlainString();
    }
}
