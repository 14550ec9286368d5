package org.amavisd.core.ccat;

import java.util.Map;
import java.util.Optional;

/**
 * amavisd-new's major content categories (the CC_* constants), most important first. The number
 * is what amavisd-new uses in "major,minor" keys and compares: a higher number is more serious.
 */
public enum ContentCategory {
    VIRUS(9, "Virus", "INFECTED"),
    BANNED(8, "Banned", "BANNED"),
    UNCHECKED(7, "Unchecked", "UNCHECKED"),
    SPAM(6, "Spam", "SPAM"),
    SPAMMY(5, "Spammy", "SPAMMY"),
    BAD_HEADER(4, "BadHdr", "BAD-HEADER"),
    OVERSIZED(3, "Oversized", "OVERSIZED"),
    MTA(2, "MtaFailed", "MTA-BLOCKED"),
    CLEAN(1, "Clean", "CLEAN"),
    CATCHALL(0, "CatchAll", "OTHER");

    /** CC_UNCHECKED minor: an encrypted part. */
    public static final int UNCHECKED_ENCRYPTED = 1;
    /** CC_UNCHECKED minor: decoding stopped at a limit (depth, parts, size). */
    public static final int UNCHECKED_OVER_LIMITS = 2;
    /** CC_UNCHECKED minor: ambiguous content (e.g. a part that decodes in more than one way). */
    public static final int UNCHECKED_AMBIGUOUS = 3;
    /** CC_SPAMMY minor: at or above tag3_level. */
    public static final int SPAMMY_TAG3 = 1;
    /** CC_CLEAN minor: at or above tag_level. */
    public static final int CLEAN_TAGGED = 1;
    /** CC_MTA minor: the next hop answered 4xx. */
    public static final int MTA_TEMPFAIL = 1;
    /** CC_MTA minor: the next hop answered 5xx. */
    public static final int MTA_REJECTED = 2;
    /** CC_BADH minors, in amavisd-new's order (a higher one wins when several apply). */
    public static final int BADH_MIME = 1;

    public static final int BADH_8BIT = 2;
    public static final int BADH_CONTROL = 3;
    public static final int BADH_EMPTY_LINE = 4;
    public static final int BADH_LONG_LINE = 5;
    public static final int BADH_SYNTAX = 6;
    public static final int BADH_MISSING = 7;
    public static final int BADH_DUPLICATE = 8;

    /** %ccat_display_names entries with a minor code; the major alone uses {@link #displayName()}. */
    private static final Map<String, String> MINOR_DISPLAY_NAMES = Map.ofEntries(
            Map.entry("1,1", "CleanTag"),
            Map.entry("2,1", "MtaTempFailed"),
            Map.entry("2,2", "MtaRejected"),
            Map.entry("4,1", "BadHdrMime"),
            Map.entry("4,2", "BadHdr8bit"),
            Map.entry("4,3", "BadHdrChar"),
            Map.entry("4,4", "BadHdrSpace"),
            Map.entry("4,5", "BadHdrLong"),
            Map.entry("4,6", "BadHdrSyntax"),
            Map.entry("4,7", "BadHdrMissing"),
            Map.entry("4,8", "BadHdrDupl"),
            Map.entry("5,1", "Spammy3"),
            Map.entry("7,1", "UncheckedEncrypted"),
            Map.entry("7,2", "UncheckedOverLimits"),
            Map.entry("7,3", "UncheckedAmbiguousContent"));

    private static final ContentCategory[] BY_NUMBER = new ContentCategory[10];

    static {
        for (ContentCategory c : values()) {
            BY_NUMBER[c.number] = c;
        }
    }

    private final int number;
    private final String displayName;
    private final String logName;

    ContentCategory(int number, String displayName, String logName) {
        this.number = number;
        this.displayName = displayName;
        this.logName = logName;
    }

    /** The CC_* number (0..9). */
    public int number() {
        return number;
    }

    /** The major's name in %ccat_display_names_major (SNMP counters, logging). */
    public String displayName() {
        return displayName;
    }

    /** The word the main log line and the SMTP reply use for the major alone (CLEAN, SPAM, ...). */
    public String logName() {
        return logName;
    }

    public static Optional<ContentCategory> byNumber(int number) {
        return number >= 0 && number < BY_NUMBER.length ? Optional.of(BY_NUMBER[number]) : Optional.empty();
    }

    /** Like {@link #byNumber} for numbers known to be valid. */
    public static ContentCategory of(int number) {
        return byNumber(number).orElseThrow(() -> new IllegalArgumentException("no content category " + number));
    }

    /** The %ccat_display_names entry for this major and minor, if amavisd-new has a specific one. */
    static Optional<String> minorDisplayName(int major, int minor) {
        return Optional.ofNullable(MINOR_DISPLAY_NAMES.get(major + "," + minor));
    }
}
