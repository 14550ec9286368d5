package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/amavisd's commands as a sysadmin runs them: real processes, a real pid file, real signals. */
class CommandLineLifecycleTest {
    @TempDir
    Path dir;

    private Path conf;

    private record Result(int exit, String output) {}

    private Result amavisd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "-c",
                conf.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void writeConf(int port, String extra) throws IOException {
        Files.writeString(
                conf,
                "use strict;\n$MYHOME = '" + dir.resolve("home") + "';\n$inet_socket_port = " + port + ";\n"
                        + "$inet_socket_bind = '127.0.0.1';\n$LOGFILE = '" + dir.resolve("amavisd.log") + "';\n" + extra
                        + "1;\n");
    }

    @AfterEach
    void stopLeftovers() throws Exception {
        if (conf != null && Files.exists(dir.resolve("home/amavisd.pid"))) amavisd("stop");
    }

    @Test
    void startStatusReloadStop() throws Exception {
        conf = dir.resolve("amavisd.conf");
        int port = freePort();
        try (RecordingMta first = RecordingMta.smtp();
                RecordingMta second = RecordingMta.smtp()) {
            writeConf(port, "$forward_method = 'smtp:[127.0.0.1]:" + first.port() + "';\n");
            Result start = amavisd("start");
            assertThat(start.exit()).as(start.output()).isZero();
            assertThat(start.output()).contains("amavisd started (pid ");
            assertThat(amavisd("start").output()).contains("already running");

            Result status = amavisd("status");
            assertThat(status.exit()).isZero();
            assertThat(status.output()).contains("amavisd is running (pid ");
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail(
                                "EHLO",
                                "a@x.test",
                                List.of("b@y.test"),
                                "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nFrom: a@x.test\r\nSubject: one\r\n\r\nx\r\n"))
                        .startsWith("250 ");
            }

            Files.writeString(conf, Files.readString(conf) + "$max_servers = 'many';\n");
            Result bad = amavisd("reload");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.output())
                    .contains("configuration error: " + conf + ":8:")
                    .contains("$max_servers");
            Result statusBroken = amavisd("status");
            assertThat(statusBroken.exit()).isEqualTo(1);
            assertThat(statusBroken.output()).contains("-P FILE");
            assertThat(amavisd("-P", dir.resolve("home/amavisd.pid").toString(), "status")
                            .exit())
                    .as("a bad config does not stop the daemon, and -P reaches it without the config")
                    .isZero();

            writeConf(port, "$forward_method = 'smtp:[127.0.0.1]:" + second.port() + "';\n");
            assertThat(amavisd("reload").exit()).isZero();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.readString(dir.resolve("amavisd.log")).contains("configuration reloaded"));
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail(
                                "EHLO",
                                "a@x.test",
                                List.of("b@y.test"),
                                "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nFrom: a@x.test\r\nSubject: two\r\n\r\nx\r\n"))
                        .contains("MTA(smtp:[127.0.0.1]:" + second.port() + ")");
            }

            Result stop = amavisd("stop");
            assertThat(stop.exit()).as(stop.output()).isZero();
            assertThat(stop.output()).contains("amavisd stopped");
            assertThat(amavisd("status").exit()).isEqualTo(3);
            org.junit.jupiter.api.Assertions.assertThrows(
                    ConnectException.class, () -> new ScriptedClient(port).close());
            assertThat(Files.readString(dir.resolve("amavisd.log")))
                    .containsPattern(
                            "Passed CLEAN \\{RelayedOpenRelay\\}, \\[127\\.0\\.0\\.1\\] <a@x\\.test> -> <b@y\\.test>")
                    .contains("stopped");
            assertThat(first.messages()).hasSize(1);
            assertThat(second.messages()).hasSize(1);
        }
    }

    @Test
    void startFailsClearlyWhenThePortIsTaken() throws Exception {
        conf = dir.resolve("amavisd.conf");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            writeConf(taken.getLocalPort(), "");
            Result r = amavisd("start");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.output())
                    .contains("failed to start")
                    .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void showconfigPrintsResolvedSettingsWithWhereTheyCameFrom() throws Exception {
        conf = dir.resolve("amavisd.conf");
        Files.writeString(
                conf,
                "$max_servers = 6;\n$max_serverz = 1;\n$interface_policy{'10026'} = 'ORIG';\n"
                        + "$policy_bank{'ORIG'} = { originating => 1, max_servers => 3 };\n");
        Result base = amavisd("showconfig");
        assertThat(base.exit()).isZero();
        assertThat(base.output())
                .contains("$max_servers = 6;  # " + conf + ":1")
                .contains("$originating = 0;  # default")
                .contains("$forward_method = 'smtp:[127.0.0.1]:10025';  # default")
                .contains("# " + conf + ":2:14: warning: unknown variable $max_serverz; did you mean $max_servers?");
        Result orig = amavisd("showconfig", "ORIG");
        assertThat(orig.output())
                .contains("$originating = 1;  # policy bank ORIG")
                .contains("$max_servers = 3;  # policy bank ORIG");
        assertThat(amavisd("showconfig", "NOPE").exit()).isEqualTo(1);
    }

    @Test
    void aConfigErrorNamesFileLineAndColumn() throws Exception {
        conf = dir.resolve("amavisd.conf");
        Files.writeString(conf, "$max_servers = 2;\n$forward_method = 'smtp:[127.0.0.1]:10025'\n$log_level = 1;\n");
        Result r = amavisd("foreground");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).startsWith("amavisd: configuration error: " + conf + ":3:");
    }

    /**
     * SIGKILL in the middle of a large DATA leaves the partial message under $TEMPBASE; the next
     * start removes it and says so, and names a directory preserved on purpose without touching it.
     */
    @Test
    void aRestartAfterSigkillRemovesThePartialMessageAndNamesPreservedOnes() throws Exception {
        conf = dir.resolve("amavisd.conf");
        int port = freePort();
        writeConf(port, "");
        Path home = dir.resolve("home");
        Files.createDirectories(home);
        Path kept = Files.createDirectory(home.resolve("amavis-20261130T120000-99999999-03-keptit"));
        Files.writeString(kept.resolve("email.txt"), "Subject: evidence\r\n\r\nx\r\n");
        Files.writeString(kept.resolve("PRESERVED"), "preserved after: a scanner failure\n");
        assertThat(amavisd("start").exit()).isZero();
        assertThat(Files.readString(dir.resolve("amavisd.log")))
                .contains("preserved directory from an earlier run, kept: " + kept);
        long pid = Long.parseLong(Files.readString(home.resolve("amavisd.pid")).trim());

        Path partial;
        try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
            var out = s.getOutputStream();
            var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            for (String cmd : List.of("EHLO x.test", "MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA")) {
                out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String reply;
                do reply = in.readLine();
                while (reply.charAt(3) == '-');
            }
            out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3000; i++) out.write(line); // 3 MB, and no end of data
            out.flush();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> partialMessage(home) != null
                            && Files.size(partialMessage(home).resolve("email.txt")) > 2_000_000);
            partial = partialMessage(home);
            ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
            daemon.destroyForcibly(); // SIGKILL
            daemon.onExit().get(30, TimeUnit.SECONDS);
        }
        assertThat(partial).exists();

        Result again = amavisd("start");
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(partial).doesNotExist();
        assertThat(kept.resolve("email.txt")).exists();
        String log = Files.readString(dir.resolve("amavisd.log"));
        assertThat(log)
                .containsPattern("removed a message directory an earlier run left \\(never finished\\): "
                        + java.util.regex.Pattern.quote(partial.toString()) + " \\(\\d{7} bytes, \\d+ s old\\)");
        assertThat(log.split("preserved directory from an earlier run, kept: " + kept, -1))
                .hasSize(3);
    }

    private static Path partialMessage(Path home) throws IOException {
        try (var entries = Files.list(home)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("amavis-2")
                            && !p.getFileName().toString().contains("-99999999-"))
                    .findFirst()
                    .orElse(null);
        }
    }
}
