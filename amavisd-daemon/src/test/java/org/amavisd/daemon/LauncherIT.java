package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bin/amavisd as shipped (the distribution's lib/) and as the README runs it (the source tree's build). */
class LauncherIT {
    @TempDir
    Path dir;

    private String run(Path launcher, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + " " + out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"amavisd.dist", "amavisd.projectDir"})
    void launcherStartsRelaysAndStops(String where) throws Exception {
        Path launcher = Path.of(System.getProperty(where)).resolve("bin/amavisd");
        assertThat(launcher).isExecutable();
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            Path conf = dir.resolve("amavisd.conf");
            Files.writeString(
                    conf,
                    "$MYHOME = '" + dir + "';\n$inet_socket_bind = '127.0.0.1';\n$inet_socket_port = " + port
                            + ";\n$forward_method = 'smtp:[127.0.0.1]:" + mta.port() + "';\n1;\n");
            assertThat(run(launcher, "-c", conf.toString(), "start")).startsWith("0 amavisd started");
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(
                                c.sendMail(
                                        "EHLO",
                                        "a@x.test",
                                        List.of("b@y.test"),
                                        "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nFrom: a@x.test\r\nSubject: launcher\r\n\r\nx\r\n"))
                        .startsWith("250 2.0.0");
            } finally {
                assertThat(run(launcher, "-c", conf.toString(), "stop")).startsWith("0 amavisd stopped");
            }
            assertThat(mta.messages()).hasSize(1);
        }
        assertThat(run(launcher, "--version")).startsWith("0 amavisd (Java)");
    }
}
