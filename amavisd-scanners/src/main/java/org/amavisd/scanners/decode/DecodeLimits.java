package org.amavisd.scanners.decode;

import java.time.Duration;
import java.util.Objects;

/**
 * How far decoding may go, after amavisd-new's settings.
 *
 * @param maxLevels $MAXLEVELS: decoding tiers, counted as amavisd-new does (the mail itself is
 *     level 1, its MIME parts level 2, members of an archive found in a MIME part level 3, ...);
 *     0 means no limit
 * @param maxFiles $MAXFILES: parts created (containers, leaves and archive members); 0 means no limit
 * @param minQuota $MIN_EXPANSION_QUOTA in bytes, or 0 when not set
 * @param maxQuota $MAX_EXPANSION_QUOTA in bytes, or 0 when not set
 * @param minFactor $MIN_EXPANSION_FACTOR, times the message size
 * @param maxFactor $MAX_EXPANSION_FACTOR, times the message size
 * @param maxMimeDepth MIME nesting depth (multiparts inside each other) within one message; the
 *     MIME walk of a message is one amavisd-new tier, so this bounds it separately (an embedded
 *     message is walked as the next tier, as amavisd-new decodes a part of type "mail"); 0 means
 *     no limit
 * @param timeBudget wall-clock time for the whole decode
 */
public record DecodeLimits(
        int maxLevels,
        int maxFiles,
        long minQuota,
        long maxQuota,
        long minFactor,
        long maxFactor,
        int maxMimeDepth,
        Duration timeBudget) {

    /** Debian's amavisd-new defaults (20-debian_defaults), Conf.pm's factors, a 60 s budget. */
    public static final DecodeLimits DEFAULTS =
            new DecodeLimits(14, 1500, 100 * 1024L, 300 * 1024 * 1024L, Duration.ofSeconds(60));

    public DecodeLimits {
        Objects.requireNonNull(timeBudget, "timeBudget");
        if (maxLevels < 0
                || maxFiles < 0
                || minQuota < 0
                || maxQuota < 0
                || minFactor < 0
                || maxFactor < 0
                || maxMimeDepth < 0) {
            throw new IllegalArgumentException("negative decode limit");
        }
    }

    /** The five amavisd-new settings; factors 5 and 500 as in Conf.pm, MIME depth 40. */
    public DecodeLimits(int maxLevels, int maxFiles, long minQuota, long maxQuota, Duration timeBudget) {
        this(maxLevels, maxFiles, minQuota, maxQuota, 5, 500, 40, timeBudget);
    }

    /**
     * Bytes that decoding may write for a message of this size, as amavisd-new computes it:
     * max(minQuota, size*minFactor, min(maxQuota, size*maxFactor)), an unset maxQuota not capping.
     */
    public long quotaFor(long messageSize) {
        long byMaxFactor = satMul(messageSize, maxFactor);
        long upper = maxQuota > 0 ? Math.min(maxQuota, byMaxFactor) : byMaxFactor;
        return Math.max(minQuota, Math.max(satMul(messageSize, minFactor), upper));
    }

    private static long satMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
