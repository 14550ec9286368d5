package org.amavisd.scanners.decode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the decoder finds the external archive programs it runs for formats that no Java library
 * reads: rar (Debian's unrar-free), arj (arj), cab (cabextract), lha (lhasa's {@code lha}). A
 * program that is not installed leaves archives of its format unopened, as amavisd-new does when a
 * decoder is missing.
 */
public final class ExternalArchivers {
    /** The formats, each with the program names looked for, first found wins. */
    enum Format {
        RAR("rar", List.of("rar", "unrar-free"), "unrar"),
        ARJ("arj", List.of("arj")),
        CAB("cab", List.of("cabextract")),
        LHA("lha", List.of("lha", "lhasa"));

        final String shortType;
        final List<String> programs;
        /** The program names whose command line we know (see ExternalExpander#command). */
        final Set<String> runnable;

        Format(String shortType, List<String> programs, String... others) {
            this.shortType = shortType;
            this.programs = programs;
            Set<String> r = new LinkedHashSet<>(programs);
            r.addAll(List.of(others));
            this.runnable = Set.copyOf(r);
        }

        /** Whether we know how to run this program for this format (by its file name). */
        boolean canRun(Path program) {
            return runnable.contains(program.getFileName().toString());
        }

        static Optional<Format> of(String shortType) {
            for (Format f : values()) if (f.shortType.equals(shortType)) return Optional.of(f);
            return Optional.empty();
        }
    }

    /** The types only a program unpacks (arj has the Java library too). */
    static final Set<String> EXTERNAL_ONLY = Set.of("rar", "cab", "lha");

    private static final List<Path> FALLBACK_DIRS =
            List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"), Path.of("/bin"));

    private final List<Path> dirs;

    private ExternalArchivers(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** Programs on {@code $PATH}, then in /usr/local/bin, /usr/bin and /bin. */
    public static ExternalArchivers system() {
        Set<Path> dirs = new LinkedHashSet<>(dirs(System.getenv("PATH")));
        dirs.addAll(FALLBACK_DIRS);
        return new ExternalArchivers(new ArrayList<>(dirs));
    }

    /**
     * Programs in the directories of this colon-separated list only, as amavisd-new searches its
     * {@code $path}; relative directories are skipped.
     */
    public static ExternalArchivers searchPath(String path) {
        return new ExternalArchivers(dirs(path));
    }

    private static List<Path> dirs(String path) {
        Set<Path> dirs = new LinkedHashSet<>();
        if (path != null) {
            for (String d : path.split(":")) if (!d.isEmpty() && d.startsWith("/")) dirs.add(Path.of(d));
        }
        return new ArrayList<>(dirs);
    }

    /** Programs in these directories only. */
    public static ExternalArchivers in(List<Path> dirs) {
        return new ExternalArchivers(dirs);
    }

    /** No external program: rar, cab and lha stay packed; arj is read by the Java library. */
    public static ExternalArchivers none() {
        return new ExternalArchivers(List.of());
    }

    /** The program for this short type (rar, arj, cab, lha), if one is installed. */
    public Optional<Path> programFor(String shortType) {
        return Format.of(shortType).flatMap(this::find);
    }

    /**
     * A program named as amavisd-new names one ({@code "gzip -d"}: the first word is the
     * program, the rest its arguments): an absolute path if it is an executable file, else the
     * first executable of that name in the directories.
     */
    public Optional<Path> resolve(String command) {
        String name = command.trim().split("\\s+", 2)[0];
        if (name.isEmpty()) return Optional.empty();
        if (name.startsWith("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (name.contains("/")) return Optional.empty(); // amavisd-new: relative paths not supported
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    Optional<Path> find(Format format) {
        for (String name : format.programs) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
