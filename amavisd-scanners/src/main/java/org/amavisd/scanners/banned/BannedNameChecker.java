package org.amavisd.scanners.banned;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;

/**
 * Applies banned-name rules to a part tree, as amavisd-new's check_for_banned_names does for one
 * recipient (recipients with the same tables share the outcome; the caller picks the tables per
 * recipient from @banned_filename_maps and %banned_rules).
 *
 * <p>Only leaf parts are judged, each by its whole path from the top of the message: the
 * banned_filename tables are asked in order with the values of every part on the path (a rule
 * matching an archive's name therefore decides for all its members; this is how an allow rule
 * such as {@code [qr'^\.zip$' => 0]} placed first exempts archive contents). Where the tables
 * have no opinion, $banned_namepath_re is matched against the path string.
 */
public final class BannedNameChecker {
    private final List<BannedTable> tables;
    private final Optional<BannedTable> namepathRe;

    public BannedNameChecker(List<BannedTable> filenameTables, Optional<BannedTable> namepathRe) {
        this.tables = List.copyOf(filenameTables);
        this.namepathRe = Objects.requireNonNull(namepathRe);
    }

    /** The common case: one new_RE table ($banned_filename_re) and optionally $banned_namepath_re. */
    public static BannedNameChecker of(RegexTable bannedFilenameRe, RegexTable bannedNamepathRe) {
        List<BannedTable> t =
                bannedFilenameRe == null ? List.of() : List.of(BannedTable.of("banned_filename_re", bannedFilenameRe));
        return new BannedNameChecker(
                t, Optional.ofNullable(bannedNamepathRe).map(r -> BannedTable.of("banned_namepath_re", r)));
    }

    /** Whether any rule is configured at all (amavisd-new skips the walk otherwise). */
    public boolean hasRules() {
        return !tables.isEmpty() || namepathRe.isPresent();
    }

    /** Checks a message whose top-level part is {@code top}. */
    public BannedVerdict check(PartInfo top) {
        return check(List.of(top));
    }

    /**
     * Checks a message given its top-level parts (the children of amavisd-new's place-holder
     * root, normally just the message itself). Leaves are visited breadth first.
     */
    public BannedVerdict check(List<? extends PartInfo> topLevel) {
        if (!hasRules()) {
            return BannedVerdict.NONE;
        }
        List<BannedPart> decided = new ArrayList<>();
        Deque<List<PartInfo>> queue = new ArrayDeque<>();
        for (PartInfo p : topLevel) {
            queue.add(List.of(p));
        }
        while (!queue.isEmpty()) {
            List<PartInfo> path = queue.poll();
            PartInfo part = path.get(path.size() - 1);
            if (!part.children().isEmpty()) {
                for (PartInfo c : part.children()) {
                    List<PartInfo> next = new ArrayList<>(path);
                    next.add(c);
                    queue.add(next);
                }
                continue;
            }
            judge(PartPath.of(path)).ifPresent(decided::add);
        }
        return new BannedVerdict(decided);
    }

    /** The decision for one leaf described by its path, if any rule decides. */
    public Optional<BannedPart> judge(PartPath path) {
        List<String> keys = path.keys();
        for (BannedTable t : tables) {
            Optional<BannedTable.Match> m = t.lookup(keys);
            if (m.isPresent()) {
                return Optional.of(part(path, BannedPart.Source.FILENAME_TABLES, m.get()));
            }
        }
        if (namepathRe.isPresent()) {
            Optional<BannedTable.Match> m = namepathRe.get().lookup(List.of(path.namepathString()));
            if (m.isPresent()) {
                return Optional.of(part(path, BannedPart.Source.NAMEPATH_RE, m.get()));
            }
        }
        return Optional.empty();
    }

    private static BannedPart part(PartPath path, BannedPart.Source source, BannedTable.Match m) {
        PerlValue r = m.result();
        return new BannedPart(path, source, r, m.matchingKey());
    }
}
