package org.amavisd.core.ccat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content categories found for one recipient (or for the message), kept as amavisd-new's
 * contents_category list: sorted most important first, without duplicates; adding "major,minor"
 * with a minor above 0 also adds "major" (so "4,2" comes with "4"). The first entry is the main
 * category. The blocking category, the one that decided a non-pass destiny, is set by whoever
 * evaluates destinies and may differ from the main one (e.g. spam lovers let a spam pass but a
 * bad header blocks).
 *
 * <p>Not thread-safe; one instance per recipient.
 */
public final class CcatList {
    private final List<Ccat> entries = new ArrayList<>();
    private Ccat blocking;

    /** Adds a finding; "major,minor" with minor greater than 0 also adds "major". */
    public void add(Ccat c) {
        if (c.minor() > 0) {
            insert(c);
        }
        insert(c.majorOnly());
    }

    public void add(ContentCategory major, int minor) {
        add(new Ccat(major, minor));
    }

    public void add(ContentCategory major) {
        add(new Ccat(major, 0));
    }

    private void insert(Ccat c) {
        int j = 0;
        while (j < entries.size() && entries.get(j).compareTo(c) > 0) {
            j++;
        }
        if (j == entries.size() || entries.get(j).compareTo(c) != 0) {
            entries.add(j, c);
        }
    }

    /** The list, most important first. */
    public List<Ccat> entries() {
        return Collections.unmodifiableList(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The most important category found; empty when nothing was added. */
    public Optional<Ccat> main() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    /** Main category, or CLEAN when nothing was added (amavisd-new adds CC_CLEAN to every message). */
    public Ccat mainOrClean() {
        return main().orElse(Ccat.of(ContentCategory.CLEAN));
    }

    /** is_in_contents_category: whether exactly this "major,minor" (minor 0: "major") is listed. */
    public boolean contains(Ccat c) {
        return entries.contains(c);
    }

    /** Whether any entry has this major. */
    public boolean contains(ContentCategory major) {
        return entries.contains(Ccat.of(major));
    }

    /** The highest minor recorded for a major (0 when only the major or nothing is listed). */
    public int highestMinor(ContentCategory major) {
        for (Ccat c : entries) {
            if (c.major() == major) {
                return c.minor();
            }
        }
        return 0;
    }

    public Optional<Ccat> blocking() {
        return Optional.ofNullable(blocking);
    }

    /** Records the blocking category, which should be one of the entries. */
    public void setBlocking(Ccat c) {
        if (!entries.contains(c)) {
            throw new IllegalArgumentException("blocking category " + c + " is not among " + entries);
        }
        this.blocking = c;
    }

    /** The blocking category if set, otherwise the main one: whose settings apply to this recipient. */
    public Ccat effective() {
        return blocking != null ? blocking : mainOrClean();
    }

    /**
     * setting_by_given_contents_category: the setting of the first listed category (most
     * important first, then CATCHALL) that the map has. For the map keys "4" and "4,0" are the same.
     */
    public <T> Optional<T> settingByMain(Map<Ccat, T> byCcat) {
        for (Ccat c : entries) {
            if (byCcat.containsKey(c)) {
                return Optional.ofNullable(byCcat.get(c));
            }
        }
        return Optional.ofNullable(byCcat.get(Ccat.of(ContentCategory.CATCHALL)));
    }

    /** All settings for the listed categories, most important first, then CATCHALL's. */
    public <T> List<Map.Entry<Ccat, T>> settingsByMainAll(Map<Ccat, T> byCcat) {
        List<Map.Entry<Ccat, T>> out = new ArrayList<>();
        for (Ccat c : entries) {
            if (byCcat.containsKey(c)) {
                out.add(Map.entry(c, byCcat.get(c)));
            }
        }
        Ccat all = Ccat.of(ContentCategory.CATCHALL);
        if (byCcat.containsKey(all)) {
            out.add(Map.entry(all, byCcat.get(all)));
        }
        return out;
    }

    /**
     * setting_by_contents_category: by the blocking category when one is set, else by the main
     * list. With a blocking category only it and then CATCHALL are consulted, as in amavisd-new.
     */
    public <T> Optional<T> setting(Map<Ccat, T> byCcat) {
        if (blocking == null) {
            return settingByMain(byCcat);
        }
        if (byCcat.containsKey(blocking)) {
            return Optional.ofNullable(byCcat.get(blocking));
        }
        return Optional.ofNullable(byCcat.get(Ccat.of(ContentCategory.CATCHALL)));
    }

    @Override
    public String toString() {
        return entries.toString() + (blocking == null ? "" : " blocking " + blocking);
    }
}
