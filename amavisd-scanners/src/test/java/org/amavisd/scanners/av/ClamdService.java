package org.amavisd.scanners.av;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real clamd on loopback, started and stopped by the project's testenv/start-services.sh
 * (SERVICES=clamd) with its own state directory under /tmp and the test signature database that
 * script builds (EICAR, clamav-testfiles' clam.exe). Gated by amavisd.e2e: "required" fails
 * when clamd is missing, "off" skips, otherwise the tests are skipped with the reason.
 */
final class ClamdService {
    final Path state;
    final int port;
    private final Path projectDir;

    private ClamdService(Path projectDir, Path state, int port) {
        this.projectDir = projectDir;
        this.state = state;
        this.port = port;
    }

    static void require(boolean present, String what) {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        if (present) return;
        String why = "test needs " + what + "; scripts/test as root installs it (testenv/ensure-packages.sh)";
        if (mode.equals("required")) fail(why);
        Assumptions.abort(why);
    }

    static ClamdService start() throws IOException, InterruptedException {
        require(Files.isExecutable(Path.of("/usr/sbin/clamd")), "/usr/sbin/clamd (Debian package clamav-daemon)");
        Path state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-av-");
        state.toFile().setExecutable(true, false);
        state.toFile().setReadable(true, false);
        ClamdService c = new ClamdService(projectDir(), state, freePort());
        c.run("start-services.sh");
        return c;
    }

    /** Stops clamd and removes the state directory (idempotent). */
    void stop() throws IOException, InterruptedException {
        if (!Files.isDirectory(state)) return;
        run("stop-services.sh");
        try (var files = Files.walk(state)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    Path unixSocket() {
        return state.resolve("clamd/clamd.sock");
    }

    SocketSpec tcp() {
        return new SocketSpec(null, null, "127.0.0.1", port);
    }

    SocketSpec unix() {
        return new SocketSpec(null, unixSocket(), null, 0);
    }

    Path database() {
        return state.resolve("clamd/db");
    }

    private void run(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", projectDir.resolve("testenv").resolve(script).toString(), state.toString())
                .redirectErrorStream(true);
        pb.environment().put("SERVICES", "clamd");
        pb.environment().put("CLAMD_PORT", Integer.toString(port));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) fail(script + " failed:\n" + out);
    }

    /** A port nobody listens on now, in 23310..23399 (the others' tests use 3310 and 2xxxx ports). */
    static int freePort() throws IOException {
        for (int p = 23310 + (int) (ProcessHandle.current().pid() % 40); p < 23400; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // next
            }
        }
        throw new IOException("no free port in 23310..23399");
    }

    private static Path projectDir() {
        String p = System.getProperty("amavisd.projectDir");
        Path dir = p != null ? Path.of(p) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testenv/start-services.sh"))) dir = dir.getParent();
        if (dir == null)
            fail("cannot find testenv/start-services.sh above " + Path.of("").toAbsolutePath());
        return dir;
    }
}
