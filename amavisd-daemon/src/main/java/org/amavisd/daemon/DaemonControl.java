package org.amavisd.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** start, stop, reload and status of a daemon running in the background, found through $pid_file. */
final class DaemonControl {
    private static final long START_WAIT_MS = 60_000;
    private static final long STOP_WAIT_MS = Amavisd.STOP_GRACE.toMillis() + 30_000;

    private DaemonControl() {}

    /** Starts a background copy of this command and waits until it listens (or says why it could not). */
    static int start(Main cmd, DaemonSettings s) {
        Optional<ProcessHandle> running = PidFile.running(s.pidFile());
        if (running.isPresent()) {
            System.err.println("amavisd: already running (pid " + running.get().pid() + ", " + s.pidFile() + ")");
            return 1;
        }
        try {
            Amavisd.prepareDirectories(s);
        } catch (IOException e) {
            System.err.println("amavisd: cannot start: " + e.getMessage());
            return 1;
        }
        Path out = s.myHome().resolve("amavisd.out");
        List<String> argv = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) argv.add("/usr/bin/setsid"); // leave the terminal's session
        argv.add(ProcessHandle.current().info().command().orElse("java"));
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(cmd.detachedArgs());
        Process child;
        try {
            child = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            System.err.println("amavisd: cannot start a background process: " + e.getMessage());
            return 1;
        }
        long deadline = System.currentTimeMillis() + START_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            OptionalLong pid = PidFile.read(s.pidFile());
            if (pid.isPresent() && pid.getAsLong() == child.pid()) {
                System.out.println("amavisd started (pid " + child.pid() + "), listening on " + s.listeners()
                        + (s.logFile() == null && !s.doSyslog() ? "; log in " + out : ""));
                return 0;
            }
            if (!child.isAlive()) {
                System.err.println("amavisd: failed to start (exit " + child.exitValue() + "); " + out + " says:");
                System.err.print(Main.readTail(out, 4000));
                return 1;
            }
            sleep(50);
        }
        System.err.println("amavisd: not listening after " + START_WAIT_MS / 1000 + " s; see " + out);
        return 1;
    }

    static int stop(Path pidFile) {
        Optional<ProcessHandle> p = PidFile.running(pidFile);
        if (p.isEmpty()) {
            System.err.println("amavisd: not running (no live process in " + pidFile + ")");
            return 1;
        }
        ProcessHandle h = p.get();
        h.destroy(); // SIGTERM: graceful stop
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (h.isAlive() && System.currentTimeMillis() < deadline) sleep(50);
        if (h.isAlive()) {
            System.err.println("amavisd: pid " + h.pid() + " still running after " + STOP_WAIT_MS / 1000 + " s");
            return 1;
        }
        System.out.println("amavisd stopped (pid " + h.pid() + ")");
        return 0;
    }

    static int reload(Path pidFile) {
        Optional<ProcessHandle> p = PidFile.running(pidFile);
        if (p.isEmpty()) {
            System.err.println("amavisd: not running (no live process in " + pidFile + ")");
            return 1;
        }
        try {
            int rc = new ProcessBuilder("kill", "-HUP", Long.toString(p.get().pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
            if (rc != 0) return 1;
        } catch (IOException e) {
            System.err.println("amavisd: cannot signal pid " + p.get().pid() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        System.out.println("amavisd: reload requested (pid " + p.get().pid()
                + "); the log says whether the new configuration was taken");
        return 0;
    }

    /** LSB exit codes: 0 running, 3 not running. */
    static int status(Path pidFile) {
        Optional<ProcessHandle> p = PidFile.running(pidFile);
        if (p.isPresent()) {
            System.out.println("amavisd is running (pid " + p.get().pid() + ", " + pidFile + ")");
            return 0;
        }
        System.out.println("amavisd is not running" + (Files.exists(pidFile) ? " (stale " + pidFile + ")" : ""));
        return 3;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
