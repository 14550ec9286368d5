package org.amavisd.daemon.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real mail services of the end-to-end tests, started and stopped through the project's own
 * testenv/start-services.sh and stop-services.sh. Whether missing prerequisites skip or fail the
 * tests is the system property amavisd.e2e: "required" (scripts/test as root) fails, "auto" skips.
 */
final class MailServices {
    final int smtpPort;
    final int submitPort;
    final int filterPort;
    final int origFilterPort;
    final int reinjectPort;
    final Path state;
    final Path projectDir;
    private final Map<String, String> env = new LinkedHashMap<>();

    /** Ports base+525 (front door), base+587 (submission), base+24 and base+26 (filter), base+25 (re-injection). */
    private MailServices(Path projectDir, Path state, int base) {
        this.projectDir = projectDir;
        this.state = state;
        smtpPort = base + 525;
        submitPort = base + 587;
        filterPort = base + 24;
        origFilterPort = base + 26;
        reinjectPort = base + 25;
        env.put("SERVICES", "postfix");
        env.put("SMTP_PORT", Integer.toString(smtpPort));
        env.put("SUBMIT_PORT", Integer.toString(submitPort));
        env.put("FILTER_PORT", Integer.toString(filterPort));
        env.put("ORIG_FILTER_PORT", Integer.toString(origFilterPort));
        env.put("REINJECT_PORT", Integer.toString(reinjectPort));
    }

    /** Checks the prerequisites, then skips (auto) or fails (required) the test when they are missing. */
    static MailServices forPostfix(int portBase) throws IOException {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        List<String> missing = new ArrayList<>();
        if (!isRoot()) missing.add("root (the private Postfix instance must be started as root)");
        for (String bin : List.of("/usr/sbin/postfix", "/usr/sbin/postconf", "/usr/sbin/postqueue")) {
            if (!Files.isExecutable(Path.of(bin))) missing.add(bin + " (Debian package postfix)");
        }
        Path project = projectDir();
        if (!missing.isEmpty()) {
            String why = "end-to-end test needs " + String.join(", ", missing)
                    + "; scripts/test as root installs what is missing";
            if (mode.equals("required")) fail(why);
            Assumptions.abort(why);
        }
        Path state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-e2e-");
        state.toFile().setExecutable(true, false); // the sink user must traverse it
        state.toFile().setReadable(true, false);
        return new MailServices(project, state, portBase);
    }

    /**
     * clamd and/or spamd only (services "clamd", "spamd" or both), on these ports; skips (auto) or
     * fails (required) like {@link #forPostfix} when not root.
     */
    static MailServices forScanners(String services, int clamdPort, int spamdPort) throws IOException {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        if (!isRoot()) {
            String why = "end-to-end test needs root (clamd must read amavisd-new's temporary files)";
            if (mode.equals("required")) fail(why);
            Assumptions.abort(why);
        }
        Path state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-e2e-scanners-");
        state.toFile().setExecutable(true, false); // spamd's user must traverse it
        state.toFile().setReadable(true, false);
        return new MailServices(projectDir(), state, 0)
                .with("SERVICES", services)
                .with("CLAMD_PORT", Integer.toString(clamdPort))
                .with("SPAMD_PORT", Integer.toString(spamdPort));
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .trim()
                    .equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    private static Path projectDir() {
        String p = System.getProperty("amavisd.projectDir");
        Path dir = p != null ? Path.of(p) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testenv/start-services.sh"))) dir = dir.getParent();
        if (dir == null)
            fail("cannot find testenv/start-services.sh above " + Path.of("").toAbsolutePath());
        return dir;
    }

    MailServices with(String key, String value) {
        env.put(key, value);
        return this;
    }

    void start() throws IOException, InterruptedException {
        run("start-services.sh");
    }

    /** Stops the services and removes their state directory (kept with -Damavisd.e2e.keep=true, for a look). */
    void stop() throws IOException, InterruptedException {
        run("stop-services.sh");
        if (Boolean.getBoolean("amavisd.e2e.keep")) return;
        try (java.util.stream.Stream<Path> all = Files.walk(state)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a file a service still holds: the directory stays, under /tmp
                }
            });
        }
    }

    private void run(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", projectDir.resolve("testenv").resolve(script).toString(), state.toString())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(script + " failed:\n" + out);
        }
    }

    /** postqueue -f: deliver what is deferred now rather than at the next queue run. */
    void flushQueue() throws IOException, InterruptedException {
        new ProcessBuilder("postqueue", "-c", state.resolve("postfix/etc").toString(), "-f")
                .inheritIO()
                .start()
                .waitFor(30, TimeUnit.SECONDS);
    }

    String maillog() throws IOException {
        Path log = state.resolve("postfix/maillog");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /** The delivered messages that contain the marker. */
    List<String> delivered(String marker) throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = state.resolve("mail/sink/new");
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String s = Files.readString(f, StandardCharsets.ISO_8859_1);
                if (s.contains(marker)) out.add(s);
            }
        }
        return out;
    }

    /** amavisd.conf for a daemon on the filter ports, relaying to the re-injection port. */
    Path writeAmavisdConf(String extra) throws IOException {
        Path conf = state.resolve("amavisd.conf");
        Files.writeString(
                conf,
                "use strict;\n$MYHOME = '" + state.resolve("amavis") + "';\n"
                        + "$myhostname = 'amavis.e2e.test';\n$inet_socket_bind = '127.0.0.1';\n"
                        + "$inet_socket_port = [" + filterPort + ", " + origFilterPort + "];\n"
                        + "$forward_method = 'smtp:[127.0.0.1]:" + reinjectPort
                        + "';\n$notify_method = $forward_method;\n"
                        + "$max_servers = 2;\n"
                        + "$LOGFILE = '" + amavisdLog() + "';\n" + extra + "1;\n");
        return conf;
    }

    Path amavisdLog() {
        return state.resolve("amavisd.log");
    }

    /** amavisd's per-message log lines so far. */
    List<String> amavisdMessageLines() throws IOException {
        Path log = amavisdLog();
        if (!Files.exists(log)) return List.of();
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("Passed ") || l.contains("Blocked "))
                .toList();
    }

    static Duration deliveryWait() {
        return Duration.ofSeconds(60);
    }
}
