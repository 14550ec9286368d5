package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay timeouts of amavisd.conf reach the relay the daemon uses. */
class RelayTimeoutsDaemonTest {
    private static final String MSG = "From: a@example.org\r\nTo: b@example.net\r\nSubject: t\r\n"
            + "Message-ID: <t1@example.org>\r\n\r\nbody\r\n";

    @TempDir
    Path dir;

    @Test
    void aBackEndSilentAfterTheFinalDotIsGivenUpOnAfterSmtpDataDoneTimeout() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            mta.silentAfterData(true);
            Amavisd daemon = TestDaemon.start(dir, mta.port(), "$smtp_data_done_timeout = 1;\n");
            try (ScriptedClient c = new ScriptedClient(daemon.ports().get(0))) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                        .startsWith("451 4.5.0 id=")
                        .endsWith("during fwd-data-end: no reply after the end of data within 1 s");
            } finally {
                daemon.stop();
            }
            assertThat(mta.messages()).hasSize(1);
        }
    }
}
