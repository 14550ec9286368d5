package org.amavisd.scanners;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real clamd, spamd or rspamd on a loopback port, started and stopped by the project's own
 * testenv/start-services.sh and stop-services.sh in a private state directory under /tmp. Gated by
 * the system property amavisd.e2e like the other end-to-end tests: "off" skips, "required" fails
 * when a prerequisite is missing, anything else skips with the reason.
 */
public final class LoopbackService {
    private final String service;
    private final int port;
    private final Path state;
    private final Path projectDir;

    private LoopbackService(String service, int port, Path state, Path projectDir) {
        this.service = service;
        this.port = port;
        this.state = state;
        this.projectDir = projectDir;
    }

    /**
     * Skips or fails (amavisd.e2e) unless {@code present}; {@code what} names the missing piece and
     * its Debian package.
     */
    public static void require(boolean present, String what) {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        if (present) return;
        String why = "test needs " + what + "; scripts/test as root installs it (testenv/ensure-packages.sh)";
        if (mode.equals("required")) fail(why);
        Assumptions.abort(why);
    }

    /**
     * Checks that the daemon's program is there, then starts {@code service} on the first free port
     * from {@code firstPort} on, passed to the script as {@code portVariable}.
     */
    public static LoopbackService start(
            String service, String program, String debianPackage, String portVariable, int firstPort)
            throws IOException, InterruptedException {
        require(Files.isExecutable(Path.of(program)), program + " (Debian package " + debianPackage + ")");
        Path state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-" + service + "-");
        state.toFile().setExecutable(true, false); // the service user must traverse it
        state.toFile().setReadable(true, false);
        int port = freePort(firstPort);
        LoopbackService s = new LoopbackService(service, port, state, projectDir());
        s.run("start-services.sh", "SERVICES", service, portVariable, Integer.toString(port));
        return s;
    }

    public int port() {
        return port;
    }

    public Path state() {
        return state;
    }

    /** A sample message start-services.sh left in the state directory. */
    public Path sample(String name) {
        return state.resolve("samples").resolve(name);
    }

    /** Stops the daemon, then removes the state directory, logs included (idempotent). */
    public void stop() throws IOException, InterruptedException {
        if (!Files.isDirectory(state)) return;
        run("stop-services.sh", "ONLY", service);
        try (java.util.stream.Stream<Path> files = Files.walk(state)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    /** The first port from {@code first} on that nothing listens on (loopback). */
    public static int freePort(int first) throws IOException {
        for (int p = first; p < first + 200; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // next
            }
        }
        throw new IOException("no free port in " + first + ".." + (first + 199));
    }

    private void run(String script, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", projectDir.resolve("testenv").resolve(script).toString(), state.toString())
                .redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) fail(script + " failed:\n" + out);
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
