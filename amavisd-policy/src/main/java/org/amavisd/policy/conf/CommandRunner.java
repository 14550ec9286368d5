package org.amavisd.policy.conf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Backticks, as Perl runs them: the command through /bin/sh, its standard output as the value.
 * Debian's conf.d learns the host and mail domain names this way
 * (`hostname --fqdn`, `head -n 1 /etc/mailname`). Bounded as configuration reading must be: a
 * time limit, a limit on the output kept, no input. A command that cannot run, fails, or runs
 * too long gives what it printed (often nothing) and a warning, and reading goes on, as in Perl.
 */
final class CommandRunner {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_OUTPUT = 64 * 1024;

    private CommandRunner() {}

    static String output(String command, Origin at, List<ConfigWarning> warnings) {
        return output(command, at, warnings, TIMEOUT);
    }

    static String output(String command, Origin at, List<ConfigWarning> warnings, Duration timeout) {
        String cmd = command.trim();
        if (Boolean.getBoolean("amavisd.conf.noCommands")) { // for tests that feed the reader mangled text
            warnings.add(new ConfigWarning(at, "`" + cmd + "` not run (amavisd.conf.noCommands)"));
            return "";
        }
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            warnings.add(new ConfigWarning(at, "`" + cmd + "` could not be run: " + e.getMessage()));
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copyBounded(p.getInputStream(), out), "config-backticks");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                warnings.add(new ConfigWarning(at, "`" + cmd + "` killed after " + timeout.toSeconds() + " s"));
            } else if (p.exitValue() != 0) {
                warnings.add(new ConfigWarning(at, "`" + cmd + "` exited with status " + p.exitValue()));
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                }
            }
        } catch (IOException e) {
            // the process went away; what was read is the result
        }
    }
}
