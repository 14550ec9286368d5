package org.amavisd.scanners.av;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line scanner: an argument list (never a shell), stdin from nothing, stderr merged
 * into stdout as amavisd-new does, the output kept up to 200 KiB, a time limit after which the
 * program and its children are killed.
 */
final class CommandRunner {
    static final int OUTPUT_LIMIT = 200 * 1024;

    /** Exit status and output of a program that ended by itself. */
    record Result(int exitStatus, String output) {}

    private CommandRunner() {}

    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "av-output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        boolean ended;
        try {
            ended = p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        if (!ended) {
            kill(p);
            reader.join(2000);
            throw new IOException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s; killed");
        }
        reader.join(5000);
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        return new Result(p.exitValue(), text);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int keep = Math.min(n, OUTPUT_LIMIT - out.size());
                    if (keep > 0) out.write(buf, 0, keep);
                }
            }
        } catch (IOException ignored) {
            // the program was killed or closed its output: what was read is kept
        }
    }
}
