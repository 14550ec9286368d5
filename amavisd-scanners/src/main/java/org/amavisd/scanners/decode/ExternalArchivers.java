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
        RAR("rar", "unrar-free"),
        ARJ("arj", "arj"),
        CAB("cab", "cabextract"),
        LHA("lha", "lha", "lhasa");

        final String shortType;
        final List<String> programs;

        Format(String shortType, String... programs) {
            this.shortType = shortType;
            this.programs = List.of(programs);
        }

        static Optional<Format> of(String shortType) {
            for (Format f : values()) if (f.shortType.equals(shortType)) return Optional.of(f);
            return Optional.empty();
        }
    }

    private static final List<Path> FALLBACK_DIRS =
            List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin"), Path.of("/bin"));

    private final List<Path> dirs;

    private ExternalArchivers(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    /** Programs on {@code $PATH}, then in /usr/local/bin, /usr/bin and /bin. */
    public static ExternalArchivers system() {
        Set<Path> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) if (!d.isEmpty() && d.startsWith("/")) dirs.add(Path.of(d));
        }
        dirs.addAll(FALLBACK_DIRS);
        return new ExternalArchivers(new ArrayList<>(dirs));
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
