package org.amavisd.core.ccat;

/**
 * What happens to a message for one recipient, amavisd-new's D_* values: pass it on, discard
 * it (accepted and dropped, after quarantine), bounce it (a DSN to the sender), reject it (a 5xx
 * to the front MTA), or tempfail it.
 */
public enum Destiny {
    PASS(1, "Ok"),
    DISCARD(0, "Ok, discarded"),
    BOUNCE(-2, "Bounce"),
    REJECT(-3, "Reject"),
    TEMPFAIL(-4, "Temporary failure");

    private final int value;
    private final String word;

    Destiny(int value, String word) {
        this.value = value;
        this.word = word;
    }

    /** The number amavisd.conf uses (D_PASS is 1, D_DISCARD 0, D_BOUNCE -2, D_REJECT -3, D_TEMPFAIL -4). */
    public int value() {
        return value;
    }

    /** The word that starts the reply text: "Ok, discarded", "Reject", ... */
    public String word() {
        return word;
    }

    /** The destiny a config value names; IllegalArgumentException for any other number. */
    public static Destiny of(int value) {
        for (Destiny d : values()) {
            if (d.value == value) return d;
        }
        throw new IllegalArgumentException(
                "not a destiny (D_PASS, D_DISCARD, D_BOUNCE, D_REJECT, D_TEMPFAIL): " + value);
    }
}
