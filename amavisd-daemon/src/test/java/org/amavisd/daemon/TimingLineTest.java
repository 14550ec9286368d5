package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** amavisd-new's TIMING line: at $log_level 2 and above, after the message's line, not below. */
class TimingLineTest {
    private static final String MSG =
            "From: a@example.org\r\nTo: b@example.net\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                    + "Message-ID: <timing@example.org>\r\nSubject: timing\r\n\r\nbody\r\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private String logOfOneMessage(int logLevel) throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            daemon.start(dir, mta.port(), "$log_level = " + logLevel + ";\n");
            try (ScriptedClient c = new ScriptedClient(daemon.port())) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                        .startsWith("250 ");
            }
            Path log = dir.resolve("amavisd.log");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Files.readString(log).contains("Message-ID: <timing@example.org>"));
            daemon.stop();
            return Files.readString(log);
        }
    }

    @Test
    void atLogLevelTwoEachMessageHasItsTimingLineWithTheStages() throws Exception {
        String log = logOfOneMessage(2);
        assertThat(log)
                .containsPattern("size: " + MSG.length()
                        + ", TIMING \\[total \\d+ ms\\] - \\w[\\w-]*: \\d+\\.\\d(, \\w[\\w-]*: \\d+\\.\\d)+");
        assertThat(log.indexOf("TIMING [total")).isGreaterThan(log.indexOf("Passed CLEAN"));
    }

    @Test
    void belowLogLevelTwoThereIsNone() throws Exception {
        assertThat(logOfOneMessage(1)).contains("Passed CLEAN").doesNotContain("TIMING");
    }
}
