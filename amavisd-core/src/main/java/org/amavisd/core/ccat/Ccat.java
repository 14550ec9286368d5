package org.amavisd.core.ccat;

import java.util.Objects;

/**
 * One content category: a major ({@link ContentCategory}) and a minor code (0 when none). Ordered
 * as amavisd-new's cmp_ccat: by major, then by minor; the natural order is ascending, so the
 * most important category is the greatest.
 */
public record Ccat(ContentCategory major, int minor) implements Comparable<Ccat> {
    public Ccat {
        Objects.requireNonNull(major, "major");
        if (minor < 0) {
            throw new IllegalArgumentException("negative minor content category " + minor);
        }
    }

    public static Ccat of(ContentCategory major) {
        return new Ccat(major, 0);
    }

    public static Ccat of(ContentCategory major, int minor) {
        return new Ccat(major, minor);
    }

    /**
     * Parses amavisd-new's key form, "major" or "major,minor" (as in the *_by_ccat hashes and the
     * contents_category list); surrounding spaces are allowed, as Perl's numeric conversion would.
     */
    public static Ccat parse(String key) {
        String s = key.strip();
        int comma = s.indexOf(',');
        try {
            int maj = Integer.parseInt((comma < 0 ? s : s.substring(0, comma)).strip());
            int min = comma < 0 ? 0 : Integer.parseInt(s.substring(comma + 1).strip());
            return new Ccat(ContentCategory.of(maj), min);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a content category key: '" + key + "'", e);
        }
    }

    /** Just the major (minor 0), which amavisd-new treats as the same as "major". */
    public Ccat majorOnly() {
        return minor == 0 ? this : new Ccat(major, 0);
    }

    /** The key form: "major" when the minor is 0, otherwise "major,minor". */
    public String key() {
        return minor == 0 ? Integer.toString(major.number()) : major.number() + "," + minor;
    }

    /** The %ccat_display_names name: the minor's own name when there is one, else the major's. */
    public String displayName() {
        return ContentCategory.minorDisplayName(major.number(), minor).orElse(major.displayName());
    }

    /**
     * The word of the main log line / reply text: the major's word, except BAD-HEADER-n (the
     * minor appended) and UNCHECKED-ENCRYPTED for minor 1.
     */
    public String logName() {
        return switch (major) {
            case BAD_HEADER -> "BAD-HEADER-" + minor;
            case UNCHECKED -> minor == ContentCategory.UNCHECKED_ENCRYPTED ? "UNCHECKED-ENCRYPTED" : "UNCHECKED";
            default -> major.logName();
        };
    }

    @Override
    public int compareTo(Ccat o) {
        int c = Integer.compare(major.number(), o.major.number());
        return c != 0 ? c : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return key();
    }
}
