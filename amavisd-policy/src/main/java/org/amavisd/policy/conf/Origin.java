package org.amavisd.policy.conf;

/** A position in a configuration source; {@link #DEFAULT} marks values that come from the catalogue. */
public record Origin(String file, int line, int column) {
    public static final Origin DEFAULT = new Origin("<default>", 0, 0);

    public boolean isDefault() {
        return this.equals(DEFAULT);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
