package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message with a header and no body (no empty line after the header): amavisd-new adds the
 * separator line to the copies it relays and quarantines (its logged size is 2 more); we keep the
 * message as it came and log its real size (docs/differences.md says so). Both flag it BAD-HEADER
 * ("unexpected end of header"); the daemon oracle's case "header-only" compares the rest.
 */
class HeaderOnlyMessageTest {
    private static final String MSG =
            "From: a@example.org\r\nTo: b@example.net\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                    + "Message-ID: <nobody@example.org>\r\nSubject: no body\r\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    @Test
    void isRelayedAsItCameWithTheHeaderFieldsWeAddAndLoggedWithItsOwnSize() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            daemon.start(dir, mta.port(), "");
            try (ScriptedClient c = new ScriptedClient(daemon.port())) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                        .startsWith("250 ");
            }
            String relayed = mta.messages().get(0).data();
            assertThat(relayed).endsWith(MSG).doesNotContain("\r\n\r\n");
            int ours = relayed.length() - MSG.length();
            assertThat(relayed.substring(0, ours)) // as amavisd-new's MIME::Parser says
                    .startsWith(
                            "X-Amavis-Alert: BAD HEADER SECTION, MIME error: error: unexpected end of\r\n header\r\n");
            int size = MSG.getBytes(StandardCharsets.US_ASCII).length;
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(Files.readString(dir.resolve("amavisd.log")))
                            .contains("Message-ID: <nobody@example.org>")
                            .contains(", size: " + size + ","));
        }
    }
}
