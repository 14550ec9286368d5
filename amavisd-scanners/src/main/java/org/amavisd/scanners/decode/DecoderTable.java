package org.amavisd.scanners.decode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;

/**
 * Which archive and compressed types are unpacked, and with which external program, as
 * amavisd-new's {@code @decoders} says: a list of {@code [short type(s), \&code, program...]}
 * entries, each program a name, a list of alternatives (the first one found wins) or a reference
 * to a setting such as {@code \$unrar}. An entry is in use when it names no program (an internal
 * decoder) or when one of its programs is there; a type with no entry in use has no decoder
 * ("No decoder for .lha") and its files stay packed, as leaves.
 *
 * <p>What differs, because most types are read here by Java code rather than by the program:
 *
 * <ul>
 *   <li>For a type read in Java (zip, gz, bz2, tar, cpio, deb, rpm, doc, tnef, ...), a program
 *       setting only says on or off: undef or '' is off, a name is on whether or not that program
 *       is installed. The {@code do_7zip} entries are alternatives that count, as for
 *       amavisd-new, only when 7z is installed (except for .7z itself, read in Java).
 *   <li>rar, cab and lha need their program (unrar-free, rar or unrar; cabextract; lha or lhasa):
 *       a 7z entry in use cannot stand in for them. arj is read with its program when arj is
 *       there, else in Java.
 *   <li>The embedded message ('mail') and uuencoded text are always decoded.
 * </ul>
 */
public final class DecoderTable {
    /** The types this decoder can unpack, each either in Java or with an external program. */
    static final List<String> TYPES = List.of(
            "zip", "7z", "gz", "bz2", "xz", "lzma", "zst", "Z", "tar", "cpio", "a", "deb", "arj", "rpm", "tnef", "doc",
            "rar", "cab", "lha");

    private final Set<String> on;
    private final Map<String, Path> programs;
    private final List<String> report;

    private DecoderTable(Set<String> on, Map<String, Path> programs, List<String> report) {
        this.on = Set.copyOf(on);
        this.programs = Map.copyOf(programs);
        this.report = List.copyOf(report);
    }

    /** Every type on; rar, arj, cab and lha with the programs {@code programs} finds (no settings read). */
    public static DecoderTable all(ExternalArchivers programs) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (ExternalArchivers.Format f : ExternalArchivers.Format.values())
            programs.find(f).ifPresent(p -> found.put(f.shortType, p));
        Set<String> on = new LinkedHashSet<>(TYPES);
        for (String t : ExternalArchivers.EXTERNAL_ONLY) if (!found.containsKey(t)) on.remove(t);
        return new DecoderTable(on, found, List.of());
    }

    /**
     * {@code @decoders} of a loaded configuration, programs looked for in {@code $path} when it is
     * set (only there, as amavisd-new), else on the daemon's PATH, /usr/local/bin, /usr/bin, /bin.
     */
    public static DecoderTable fromConfig(AmavisConf conf) {
        ExternalArchivers dirs = conf.scalar("$path")
                .filter(s -> !s.isEmpty())
                .map(ExternalArchivers::searchPath)
                .orElseGet(ExternalArchivers::system);
        return fromValue(conf.get("@decoders").orElse(PerlValue.UNDEF), dirs);
    }

    /** The same from the value of {@code @decoders}, programs found by {@code dirs}. */
    public static DecoderTable fromValue(PerlValue decoders, ExternalArchivers dirs) {
        Set<String> on = new LinkedHashSet<>();
        Map<String, Path> programs = new LinkedHashMap<>();
        Map<String, String> why = new LinkedHashMap<>(); // type -> how it is decoded
        Set<String> mentioned = new LinkedHashSet<>();
        List<PerlValue> entries = decoders instanceof PerlValue.ArrayRef a ? a.elements() : List.of();
        for (PerlValue entry : entries) {
            if (!(entry instanceof PerlValue.ArrayRef e) || e.elements().isEmpty()) continue;
            List<PerlValue> el = e.elements();
            List<String> types = types(el.get(0));
            boolean sevenZip = el.size() > 1
                    && el.get(1) instanceof PerlValue.CodeRef c
                    && c.name() != null
                    && c.name().endsWith("7zip");
            List<String> named = new ArrayList<>(); // programs the entry names (undef and '' are none)
            for (PerlValue p : el.subList(Math.min(2, el.size()), el.size())) named.addAll(candidates(p));
            Path found = null;
            for (String n : named) {
                found = dirs.resolve(n).orElse(null);
                if (found != null) break;
            }
            boolean internal = el.size() <= 2;
            for (String t : types) {
                mentioned.add(t);
                if (on.contains(t) || !TYPES.contains(t)) continue; // first entry in use wins; others not ours
                var format = ExternalArchivers.Format.of(t);
                if (format.isPresent() && ExternalArchivers.EXTERNAL_ONLY.contains(t)) {
                    // rar, cab, lha: only a program we know how to run will do
                    if (found != null && format.get().canRun(found)) {
                        on.add(t);
                        programs.put(t, found);
                        why.put(t, "at " + found);
                    }
                    continue;
                }
                boolean inUse = internal || (!named.isEmpty() && (!sevenZip || found != null || t.equals("7z")));
                if (!inUse) continue;
                on.add(t);
                if (format.isPresent() && found != null && format.get().canRun(found)) {
                    programs.put(t, found); // arj with arj
                    why.put(t, "at " + found);
                } else {
                    why.put(t, "(read in Java)");
                }
            }
        }
        List<String> report = new ArrayList<>();
        for (String t : TYPES) {
            if (on.contains(t)) report.add(String.format("Found decoder for    .%-4s %s", t, why.get(t)));
        }
        for (String t : TYPES) {
            if (!on.contains(t)) {
                String note = mentioned.contains(t) ? "" : " (not in @decoders)";
                report.add(String.format("No decoder for       .%-4s%s", t, note));
            }
        }
        return new DecoderTable(on, programs, report);
    }

    private static List<String> types(PerlValue v) {
        if (v instanceof PerlValue.ArrayRef a) {
            List<String> out = new ArrayList<>();
            for (PerlValue t : a.elements()) if (t.isDefined()) out.add(t.asString());
            return out;
        }
        return v.isDefined() && !v.asString().isEmpty() ? List.of(v.asString()) : List.of();
    }

    /** The program names of one program element: a name, a list of them, or a reference to either. */
    private static List<String> candidates(PerlValue v) {
        if (v instanceof PerlValue.ScalarRef r) v = r.target();
        if (v instanceof PerlValue.ArrayRef a) {
            List<String> out = new ArrayList<>();
            for (PerlValue p : a.elements()) if (p.isDefined() && !p.asString().isBlank()) out.add(p.asString());
            return out;
        }
        return v.isDefined() && !v.asString().isBlank() ? List.of(v.asString()) : List.of();
    }

    /** Whether files of this short type are unpacked. */
    public boolean decodes(String shortType) {
        return on.contains(shortType);
    }

    /** The external program for this short type (rar, arj, cab, lha), when it is unpacked by one. */
    public Optional<Path> programFor(String shortType) {
        return Optional.ofNullable(programs.get(shortType));
    }

    /**
     * What was found, one line per type, in amavisd-new's words ("Found decoder for .rar at
     * /usr/bin/unrar-free", "No decoder for .lha"), for the log at start and reload.
     */
    public List<String> report() {
        return report;
    }
}
