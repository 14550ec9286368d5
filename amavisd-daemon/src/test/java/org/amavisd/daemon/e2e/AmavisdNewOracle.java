package org.amavisd.daemon.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's amavisd-new 2.13 as an oracle, in the foreground on loopback, as
 * ../shared/amavisd-new-oracle.md describes: run as root with $daemon_user amavis, its state
 * (home, temp, db, quarantine, log) owned by amavis, its configuration files root's in a
 * directory amavis cannot write (it re-reads them after dropping privileges). The configuration
 * files are the caller's: no Debian conf.d is loaded, so amavisd-new's own defaults apply.
 */
final class AmavisdNewOracle implements AutoCloseable {
    static final Path AMAVISD = Path.of("/usr/sbin/amavisd");

    final Path home;
    final Path logFile;
    private final Path out;
    private final Process process;

    private AmavisdNewOracle(Path home, Path logFile, Path out, Process process) {
        this.home = home;
        this.logFile = logFile;
        this.out = out;
        this.process = process;
    }

    /**
     * The gate of the end-to-end tests (system property amavisd.e2e): "off" skips, "required" fails
     * when root or amavisd-new is missing, anything else skips then.
     */
    static void checkPrerequisites() {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root (amavisd-new starts as root)");
        if (!Files.isExecutable(AMAVISD)) missing.add(AMAVISD + " (Debian package amavisd-new)");
        if (!missing.isEmpty()) {
            String why = "the comparison with amavisd-new needs " + String.join(", ", missing)
                    + "; scripts/test as root installs what is missing";
            if (mode.equals("required")) Assertions.fail(why);
            Assumptions.abort(why);
        }
    }

    /** A state directory under /tmp that amavis can enter but not write; its home/ is amavis's. */
    static Path newStateDirectory() throws IOException {
        Path state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-daemon-oracle-");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectories(state.resolve("home"));
        for (String d : List.of("tmp", "db", "quarantine")) Files.createDirectories(home.resolve(d));
        chownToAmavis(home);
        return state;
    }

    /**
     * The settings amavisd-new needs to run here and that are none of the policy compared: user,
     * directories, log file, two child processes, no virus or spam scanning, no DKIM, and $path
     * (undefined by default: without it amavisd-new finds neither file(1) nor any archiver, which
     * Debian's 01-debian sets as here).
     */
    static String runtimeSettings(Path home) {
        return """
            $daemon_user = 'amavis'; $daemon_group = 'amavis';
            $ENV{PATH} = $path = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/sbin:/usr/bin:/bin';
            $MYHOME = '%1$s';
            $TEMPBASE = '%1$s/tmp';
            $db_home = '%1$s/db';
            $helpers_home = '%1$s';
            $pid_file = '%1$s/amavisd.pid';
            $lock_file = '%1$s/amavisd.lock';
            $enable_db = 0; $enable_global_cache = 0;
            $unix_socketname = undef;
            $max_servers = 2;
            @av_scanners = (); @av_scanners_backup = ();
            @bypass_virus_checks_maps = (1);
            @bypass_spam_checks_maps = (1);
            $enable_dkim_verification = 0;
            1;
            """.formatted(home);
    }

    /**
     * The runtime settings without switching the virus and spam checks off (the policy then names
     * the scanners), and with the module Debian's 2.13 package needs for gzipped quarantine files.
     */
    static String runtimeSettingsWithScanners(Path home) {
        String lines = """
            @av_scanners = (); @av_scanners_backup = ();
            @bypass_virus_checks_maps = (1);
            @bypass_spam_checks_maps = (1);
            """;
        String all = runtimeSettings(home);
        if (!all.contains(lines)) throw new IllegalStateException("runtime settings changed:\n" + all);
        return all.replace(lines, "require Amavis::IO::Zlib;\n");
    }

    /** Starts amavisd-new with these configuration files (in this order) and waits until it listens on port. */
    static AmavisdNewOracle start(Path state, List<Path> confFiles, Path logFile, int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(AMAVISD.toString()));
        for (Path f : confFiles) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            cmd.add("-c");
            cmd.add(f.toString());
        }
        cmd.add("foreground");
        Path out = state.resolve("amavisd-new.out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        AmavisdNewOracle o = new AmavisdNewOracle(state.resolve("home"), logFile, out, p);
        o.waitUntilReady(port);
        return o;
    }

    private void waitUntilReady(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) Assertions.fail("amavisd-new exited at startup:\n" + diagnostics());
            if (Files.exists(logFile)
                    && Files.readString(logFile, StandardCharsets.UTF_8).contains("Starting child process")) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    return;
                } catch (IOException notYet) {
                    // keep waiting
                }
            }
            Thread.sleep(200);
        }
        Assertions.fail("amavisd-new did not become ready:\n" + diagnostics());
    }

    /** Its console output and the end of its log, for a failure message. */
    String diagnostics() throws IOException {
        StringBuilder sb = new StringBuilder();
        if (Files.exists(out)) sb.append(Files.readString(out, StandardCharsets.UTF_8));
        if (Files.exists(logFile)) {
            List<String> l = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            sb.append(String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size())));
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy(); // SIGTERM: Net::Server stops its children
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        for (ProcessHandle c : children) {
            if (c.isAlive()) c.destroyForcibly();
        }
    }

    static void chownToAmavis(Path top) throws IOException {
        UserPrincipalLookupService lookup = top.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName("amavis");
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("amavis");
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.toList()) {
                PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                v.setOwner(user);
                v.setGroup(group);
            }
        }
    }
}
