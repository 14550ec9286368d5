package org.amavisd.smtp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.amavisd.smtp.io.SmtpInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message's own directory under $TEMPBASE ("amavis-20261122T053400-4711-01-k3j9x2"), holding
 * the message as received in email.txt and, later, its decoded parts. Removed after the reply;
 * kept after an internal failure when $allow_preserving_evidence says so, and the log says where.
 */
public final class SpoolDirectory {
    private static final Logger log = LoggerFactory.getLogger(SpoolDirectory.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    public static final String MESSAGE_FILE = "email.txt";
    /** The file that marks a directory kept on purpose; it says when and why. */
    public static final String PRESERVED_MARK = "PRESERVED";

    private final Path directory;

    private SpoolDirectory(Path directory) {
        this.directory = directory;
    }

    public static SpoolDirectory create(Path tempBase, String logId) throws IOException {
        String stamp = LocalDateTime.now().format(STAMP);
        for (int attempt = 0; ; attempt++) {
            String rnd = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
            Path dir = tempBase.resolve("amavis-" + stamp + "-" + logId + "-" + rnd);
            try {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
                return new SpoolDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) throw e;
            } catch (UnsupportedOperationException e) {
                Files.createDirectory(dir);
                return new SpoolDirectory(dir);
            }
        }
    }

    /** An existing directory, for removal ({@link SpoolLeftovers}). */
    static SpoolDirectory at(Path directory) {
        return new SpoolDirectory(directory);
    }

    public Path directory() {
        return directory;
    }

    public Path messageFile() {
        return directory.resolve(MESSAGE_FILE);
    }

    /** What DATA gave, and the first error writing it to disk (the data is still read to its end). */
    public record Received(SmtpInput.DataResult data, IOException writeError) {}

    /**
     * Reads DATA into email.txt. An IOException thrown from here is the connection's; a disk
     * error is returned in {@link Received#writeError()} after the data was read to its end.
     */
    public Received receive(SmtpInput in, long limit) throws IOException {
        try (CapturingOutput out = new CapturingOutput(messageFile())) {
            SmtpInput.DataResult data = in.readData(out, limit);
            out.closeQuietly();
            return new Received(data, out.error);
        }
    }

    public void delete() {
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("cannot remove {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", directory, e.toString());
        }
    }

    /** After the reply: removes the directory, or keeps it as evidence of a failure. */
    public void preserveOrDelete(boolean allowPreserving, Throwable failure) {
        if (failure != null && allowPreserving && Files.isDirectory(directory)) {
            log.warn("PRESERVING EVIDENCE in {}", directory);
            try {
                Files.writeString(
                        directory.resolve(PRESERVED_MARK),
                        "preserved " + java.time.OffsetDateTime.now() + " by process "
                                + ProcessHandle.current().pid() + " after: " + failure + "\n");
            } catch (IOException e) {
                log.warn("cannot mark {} as preserved (the next start would remove it): {}", directory, e.toString());
            }
        } else {
            delete();
        }
    }

    /** A file output that remembers its first error instead of throwing, so DATA can be drained. */
    private static final class CapturingOutput extends OutputStream {
        private OutputStream out;
        private IOException error;

        CapturingOutput(Path file) {
            try {
                out = Files.newOutputStream(file);
            } catch (IOException e) {
                error = e;
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (error != null) return;
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                error = e;
            }
        }

        void closeQuietly() {
            if (out == null) return;
            try {
                out.close();
            } catch (IOException e) {
                if (error == null) error = e;
            }
            out = null;
        }

        @Override
        public void close() {
            closeQuietly();
        }
    }
}
