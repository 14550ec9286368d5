package org.amavisd.smtp.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What earlier runs left under $TEMPBASE, looked at once when the daemon starts. A message
 * directory ({@code amavis-YYYYMMDDTHHMMSS-PID-...}) of a process that is gone holds a message
 * that was never answered with 250 (the front MTA still has it and will send it again) or one
 * that was answered and not yet cleaned up: either way nobody needs it, so it is removed and the
 * log says so. A directory kept on purpose ({@link SpoolDirectory#PRESERVED_MARK}, written when
 * $allow_preserving_evidence keeps one) stays, and the log names it with its size and age, so a
 * sysadmin hears about it at every start until it is dealt with. Directories of a process that
 * still runs (another daemon sharing $TEMPBASE) are left alone.
 */
public final class SpoolLeftovers {
    private static final Logger log = LoggerFactory.getLogger(SpoolLeftovers.class);
    private static final Pattern NAME = Pattern.compile("amavis-\\d{8}T\\d{6}-(\\d+)-.+");

    private SpoolLeftovers() {}

    /** What was found: removed and kept directories, and those of a process still running. */
    public record Report(List<Leftover> removed, List<Leftover> preserved, List<Leftover> running) {}

    /** One directory with its size in bytes and age. */
    public record Leftover(Path directory, long bytes, Duration age) {
        @Override
        public String toString() {
            return directory + " (" + bytes + " bytes, " + SpoolLeftovers.age(age) + " old)";
        }
    }

    /** Looks at {@code tempBase}; removes what no running process needs and logs every finding. */
    public static Report sweep(Path tempBase) {
        List<Leftover> removed = new ArrayList<>(), preserved = new ArrayList<>(), running = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        Instant now = Instant.now();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempBase, "amavis-*")) {
            for (Path dir : entries) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                Leftover found = measure(dir, now);
                if (Files.exists(dir.resolve(SpoolDirectory.PRESERVED_MARK))) {
                    preserved.add(found);
                    log.warn("preserved directory from an earlier run, kept: {}", found);
                    continue;
                }
                long pid = parsePid(m.group(1));
                if (pid != self
                        && pid > 0
                        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    running.add(found);
                    log.info("leaving {}: it belongs to process {}, which is running", dir, pid);
                    continue;
                }
                SpoolDirectory.at(dir).delete();
                removed.add(found);
                log.warn("removed a message directory an earlier run left (never finished): {}", found);
            }
        } catch (IOException e) {
            log.warn("cannot look for leftovers of earlier runs in {}: {}", tempBase, e.toString());
        }
        return new Report(List.copyOf(removed), List.copyOf(preserved), List.copyOf(running));
    }

    private static long parsePid(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Leftover measure(Path dir, Instant now) {
        long[] bytes = {0};
        Instant[] newest = {Instant.EPOCH};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    bytes[0] += a.size();
                    newest(a);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    newest(a);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                private void newest(BasicFileAttributes a) {
                    Instant t = a.lastModifiedTime().toInstant();
                    if (t.isAfter(newest[0])) newest[0] = t;
                }
            });
        } catch (IOException e) {
            // measured as far as readable
        }
        Duration age = newest[0].equals(Instant.EPOCH) ? Duration.ZERO : Duration.between(newest[0], now);
        return new Leftover(dir, bytes[0], age.isNegative() ? Duration.ZERO : age);
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 120) return s + " s";
        if (s < 7200) return s / 60 + " min";
        if (s < 2 * 86400) return s / 3600 + " h";
        return s / 86400 + " days";
    }
}
