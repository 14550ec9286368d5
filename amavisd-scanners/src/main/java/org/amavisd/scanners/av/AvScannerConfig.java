package org.amavisd.scanners.av;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.regex.PerlRegex;
import org.amavisd.policy.regex.PerlRegexException;

/**
 * Reads @av_scanners and @av_scanners_backup as amavisd-new defines their entries:
 *
 * <pre>
 * [name, method, args, clean, infected, virus-name regex, pre-sub, post-sub]
 * </pre>
 *
 * <ul>
 *   <li>method {@code \&ask_daemon} (or the old {@code \&ask_av}) with args {@code [query, socket]}
 *       or {@code [query, [socket, ...]]}: a socket without a protocol prefix (or {@code simple:})
 *       gets the query text as written ({@code "CONTSCAN {}\n"}); a {@code clamd:} socket gets
 *       clamd's INSTREAM of each file;
 *   <li>method a program name or a list of alternatives (names are looked up in {@code $path}),
 *       args a string of arguments split at white space;
 *   <li>clean and infected: a list of exit codes or a regex; an undef clean means "inconclusive".
 * </ul>
 *
 * <p>An entry that is malformed (not a list, no name, a socket that is no socket, a field of the
 * wrong kind) is a {@link ConfigException}. An entry we cannot run (a protocol other than simple
 * and clamd, {@code \&ask_clamav} and other subs) is left out with a warning, as amavisd-new
 * leaves out a scanner whose program is not installed; such a program-less entry is listed in
 * {@link Scanners#disabled()} without a warning, since Debian's stock list names thirty of them.
 */
public final class AvScannerConfig {
    /** amavisd-new's default $path. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/usr/bin:/bin";

    private static final Set<String> DAEMON_SUBS = Set.of("ask_daemon", "ask_av");
    private static final Set<String> SIMPLE_PROTOCOLS = Set.of("simple", "sophie", "trophie");

    /**
     * The scanners to use.
     *
     * @param primary the usable entries of @av_scanners, in order
     * @param backup the usable entries of @av_scanners_backup, in order
     * @param disabled "name: why" of each entry left out
     * @param warnings what a sysadmin should know (unsupported entries, ignored subs)
     */
    public record Scanners(
            List<AvScanner> primary, List<AvScanner> backup, List<String> disabled, List<String> warnings) {
        public Scanners {
            primary = List.copyOf(primary);
            backup = List.copyOf(backup);
            disabled = List.copyOf(disabled);
            warnings = List.copyOf(warnings);
        }

        public boolean isEmpty() {
            return primary.isEmpty() && backup.isEmpty();
        }
    }

    private final Function<String, Optional<Path>> findProgram;
    private final List<String> disabled = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private AvScannerConfig(Function<String, Optional<Path>> findProgram) {
        this.findProgram = findProgram;
    }

    /** From a loaded configuration, programs looked up in its $path. */
    public static Scanners from(AmavisConf conf) throws ConfigException {
        String path = conf.scalar("path").orElse(DEFAULT_PATH);
        return from(
                conf.get("@av_scanners").orElse(PerlValue.UNDEF),
                conf.origin("@av_scanners"),
                conf.get("@av_scanners_backup").orElse(PerlValue.UNDEF),
                conf.origin("@av_scanners_backup"),
                name -> findInPath(name, path));
    }

    /** From the two values, with a program finder of the caller's choosing. */
    public static Scanners from(
            PerlValue primary,
            Origin primaryOrigin,
            PerlValue backup,
            Origin backupOrigin,
            Function<String, Optional<Path>> findProgram)
            throws ConfigException {
        AvScannerConfig c = new AvScannerConfig(findProgram);
        List<AvScanner> p = c.list(primary, primaryOrigin, "@av_scanners");
        List<AvScanner> b = c.list(backup, backupOrigin, "@av_scanners_backup");
        return new Scanners(p, b, c.disabled, c.warnings);
    }

    /** A program: a path with a '/' must be executable; a bare name is looked up in {@code path}. */
    public static Optional<Path> findInPath(String name, String path) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    private List<AvScanner> list(PerlValue value, Origin origin, String var) throws ConfigException {
        List<AvScanner> out = new ArrayList<>();
        if (!value.isDefined()) return out;
        if (!(value instanceof PerlValue.ArrayRef a))
            throw new ConfigException(origin, var + " must be a list of scanner entries");
        int i = 0;
        for (PerlValue e : a.elements()) {
            i++;
            if (!e.isDefined()) continue; // amavisd-new skips undef entries
            String where = var + " entry " + i;
            if (!(e instanceof PerlValue.ArrayRef entry))
                throw new ConfigException(
                        origin, where + " must be a list [name, method, args, ...], got " + e.asString());
            AvScanner s = entry(entry.elements(), origin, where);
            if (s != null) out.add(s);
        }
        return out;
    }

    private AvScanner entry(List<PerlValue> f, Origin origin, String where) throws ConfigException {
        if (f.isEmpty() || !(f.get(0) instanceof PerlValue.Str nameValue))
            throw new ConfigException(origin, where + ": the first field must be the scanner's name");
        String name = nameValue.value();
        where = where + " ('" + name + "')";
        PerlValue method = field(f, 1);
        if (!method.isDefined()) {
            disabled.add(name + ": no method");
            return null;
        }
        StatusTest clean = status(field(f, 3), origin, where, "clean", null);
        StatusTest infected = status(field(f, 4), origin, where, "infected", StatusTest.NEVER);
        PerlRegex names = null;
        PerlValue n = field(f, 5);
        if (n instanceof PerlValue.CodeRef) {
            warnings.add(
                    where + ": a sub as the virus-name field is not supported; infections are reported without names");
        } else if (n.isDefined()) {
            names = regex(n, origin, where, "virus-name");
        }
        for (int k = 6; k < f.size(); k++) {
            if (f.get(k).isDefined())
                warnings.add(where + ": field " + (k + 1) + " (a sub run before or after the scanner) is ignored");
        }
        PerlValue args = field(f, 2);
        if (method instanceof PerlValue.CodeRef code) {
            String sub = code.name() == null ? "__ANON__" : code.name().replaceFirst("^(?:main|Amavis::AV)::", "");
            if (!DAEMON_SUBS.contains(sub)) {
                String what = sub.equals("__ANON__") ? "an anonymous sub" : "\\&" + sub;
                warnings.add(where + ": method " + what
                        + " is not supported (only \\&ask_daemon and programs); entry left out");
                disabled.add(name + ": method " + what + " not supported");
                return null;
            }
            return daemon(name, args, clean, infected, names, origin, where);
        }
        List<String> programs = new ArrayList<>();
        if (method instanceof PerlValue.Str s) {
            programs.add(s.value());
        } else if (method instanceof PerlValue.ArrayRef alts) {
            for (PerlValue p : alts.elements()) {
                if (!(p instanceof PerlValue.Str ps))
                    throw new ConfigException(origin, where + ": program alternatives must be strings");
                programs.add(ps.value());
            }
        } else {
            throw new ConfigException(
                    origin, where + ": method must be \\&ask_daemon, a program or a list of programs");
        }
        if (!(args instanceof PerlValue.Str template))
            throw new ConfigException(origin, where + ": the arguments of a program must be a string");
        for (String p : programs) {
            Optional<Path> found = findProgram.apply(p);
            if (found.isPresent()) {
                return new AvScanner(
                        name, AvScanner.Kind.COMMAND, found.get(), template.value(), List.of(), clean, infected, names);
            }
        }
        disabled.add(name + ": no program found (" + String.join(", ", programs) + ")");
        return null;
    }

    private AvScanner daemon(
            String name,
            PerlValue args,
            StatusTest clean,
            StatusTest infected,
            PerlRegex names,
            Origin origin,
            String where)
            throws ConfigException {
        if (!(args instanceof PerlValue.ArrayRef a)
                || a.elements().size() < 2
                || !(a.elements().get(0) instanceof PerlValue.Str q))
            throw new ConfigException(origin, where + ": \\&ask_daemon needs [query, socket] as its arguments");
        PerlValue sock = a.elements().get(1);
        List<PerlValue> socketValues = sock instanceof PerlValue.ArrayRef sl ? sl.elements() : List.of(sock);
        if (socketValues.isEmpty()) throw new ConfigException(origin, where + ": no socket given");
        List<SocketSpec> sockets = new ArrayList<>();
        for (PerlValue v : socketValues) {
            if (!(v instanceof PerlValue.Str s))
                throw new ConfigException(origin, where + ": a socket must be a string");
            try {
                sockets.add(SocketSpec.parse(s.value()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin, where + ": " + e.getMessage());
            }
        }
        String protocol = sockets.get(0).protocol();
        AvScanner.Kind kind;
        if (protocol == null || SIMPLE_PROTOCOLS.contains(protocol)) {
            kind = AvScanner.Kind.DAEMON_SIMPLE;
        } else if (protocol.equals("clamd")) {
            kind = AvScanner.Kind.DAEMON_CLAMD;
        } else {
            warnings.add(where + ": protocol '" + protocol
                    + ":' is not supported (only clamd: and the simple one); entry left out");
            disabled.add(name + ": protocol " + protocol + " not supported");
            return null;
        }
        return new AvScanner(name, kind, null, q.value(), sockets, clean, infected, names);
    }

    private static PerlValue field(List<PerlValue> f, int i) {
        return i < f.size() ? f.get(i) : PerlValue.UNDEF;
    }

    private static StatusTest status(PerlValue v, Origin origin, String where, String what, StatusTest ifUndef)
            throws ConfigException {
        if (!v.isDefined()) return ifUndef;
        if (v instanceof PerlValue.ArrayRef a) {
            List<Integer> codes = new ArrayList<>();
            for (PerlValue c : a.elements()) {
                if (!(c instanceof PerlValue.Str s) || !s.isInteger())
                    throw new ConfigException(
                            origin, where + ": the " + what + " exit codes must be numbers, got " + c.asString());
                codes.add(s.asLong().orElseThrow().intValue());
            }
            return StatusTest.codes(codes);
        }
        return StatusTest.regex(regex(v, origin, where, what));
    }

    private static PerlRegex regex(PerlValue v, Origin origin, String where, String what) throws ConfigException {
        if (v instanceof PerlValue.RegexValue r) return r.compiled();
        if (v instanceof PerlValue.Str s) {
            try {
                return PerlRegex.compile(s.value(), "m");
            } catch (PerlRegexException e) {
                throw new ConfigException(
                        origin, where + ": the " + what + " regex does not compile: " + e.getMessage());
            }
        }
        throw new ConfigException(
                origin,
                where + ": the " + what + " field must be a list of exit codes or a regex, got " + v.asString());
    }
}
