package org.amavisd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** $pid_file: written once the daemon listens, removed when it stops; read by stop, reload, status. */
final class PidFile {
    private PidFile() {}

    static OptionalLong read(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return s.matches("\\d+") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The live process the pid file names, if any. */
    static Optional<ProcessHandle> running(Path file) {
        OptionalLong pid = read(file);
        if (pid.isEmpty()) return Optional.empty();
        return ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    }

    static void write(Path file, long pid) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void remove(Path file, long pid) {
        OptionalLong current = read(file);
        if (current.isPresent() && current.getAsLong() == pid) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stale pid file is harmless: start checks whether its process lives
            }
        }
    }
}
