package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Under SMTP, a back end that rejects some recipients: 250 for the message and a DSN for the rejected. */
class RejectionReportTest {
    private static final String MSG =
            "From: a@example.org\r\nTo: ok@example.net\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\nSubject: caf\u00e9 menu\r\n"
                    + "Message-ID: <mix@example.org>\r\n\r\nbody line\r\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private int start(int backEnd, String extra) throws Exception {
        daemon.start(dir, backEnd, extra);
        return daemon.port();
    }

    @Test
    void mixedResultIs250AndTheSenderGetsADeliveryStatusReport() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            try (ScriptedClient c = new ScriptedClient(port)) {
                c.reply();
                c.command("EHLO front.test");
                c.command("MAIL FROM:<a@example.org> ENVID=env42 RET=HDRS");
                c.command("RCPT TO:<ok@example.net>");
                c.command("RCPT TO:<reject@example.net> ORCPT=rfc822;reject@example.net");
                c.command("DATA");
                c.send(MSG + ".\r\n");
                assertThat(c.reply())
                        .matches(
                                "250 2\\.0\\.0 from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:\\d+\\): 250 2\\.0\\.0 Ok: queued as Q\\d+, but 1 REJECT");
            }
            assertThat(mta.messages()).hasSize(2);
            assertThat(mta.messages().get(0).data())
                    .doesNotContain("delivery-status")
                    .contains("body line");
            RecordingMta.Message report = mta.messages().get(1);
            assertThat(report.mailFrom()).startsWith("<>");
            assertThat(report.rcptTo()).containsExactly("<a@example.org> ORCPT=rfc822;a@example.org");

            MimeMessage dsn = new MimeMessage(
                    Session.getInstance(new Properties()),
                    new ByteArrayInputStream(report.data().getBytes(StandardCharsets.UTF_8)));
            assertThat(dsn.getContentType()).startsWith("multipart/report; report-type=delivery-status");
            assertThat(dsn.getHeader("Auto-Submitted")).containsExactly("auto-replied");
            assertThat(dsn.getSubject()).isEqualTo("Undeliverable mail: caf\u00e9 menu");
            MimeMultipart parts = (MimeMultipart) dsn.getContent();
            assertThat(parts.getCount()).isEqualTo(3);
            assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
            String status = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status)
                    .contains("Reporting-MTA: dns; amavis.test")
                    .contains("Original-Envelope-Id: env42")
                    .contains("Final-Recipient: rfc822; reject@example.net")
                    .contains("Original-Recipient: rfc822;reject@example.net")
                    .contains("Action: failed")
                    .contains("Status: 5.1.1")
                    .containsPattern(
                            "Diagnostic-Code: smtp; 550 5\\.1\\.1 from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:\\d+\\): 550 5\\.1\\.1 <reject@example\\.net>: Recipient address rejected");
            assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
            String headers = new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(headers).contains("Message-ID: <mix@example.org>").doesNotContain("body line");
        }
        // as amavisd-new logs a mixed outcome: a Passed line for the delivered, a Blocked line for the rest
        String log = Files.readString(dir.resolve("amavisd.log"));
        assertThat(log)
                .containsPattern(
                        "Passed CLEAN \\{RejectedOpenRelay,RelayedOpenRelay\\}, \\[127\\.0\\.0\\.1\\] <a@example\\.org> -> <ok@example\\.net>, Message-ID")
                .containsPattern(
                        "Blocked MTA-BLOCKED \\{RejectedOpenRelay,RelayedOpenRelay\\}, \\[127\\.0\\.0\\.1\\] <a@example\\.org> -> <reject@example\\.net>, Message-ID")
                .contains("DSN: sent to <a@example.org> for 1 rejected recipient(s)");
    }

    @Test
    void noReportForTheNullSenderOrNotifyNeverButStill250() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail("EHLO", "", List.of("ok@example.net", "reject@example.net"), MSG))
                        .endsWith(", but 1 REJECT");
                c.command("MAIL FROM:<a@example.org>");
                c.command("RCPT TO:<ok@example.net>");
                c.command("RCPT TO:<reject@example.net> NOTIFY=NEVER");
                c.command("DATA");
                c.send(MSG + ".\r\n");
                assertThat(c.reply()).endsWith(", but 1 REJECT");
            }
            // the recording MTA lists every RCPT it was sent, rejected ones too; what matters is that no report went
            // out
            assertThat(mta.messages())
                    .as("two deliveries, no report")
                    .hasSize(2)
                    .allSatisfy(m -> assertThat(m.data()).contains("body line").doesNotContain("delivery-status"));
        }
    }

    @Test
    void aReportThatCannotBeSentTempfailsTheMessage() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$notify_method = 'smtp:[127.0.0.1]:1';\n");
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("ok@example.net", "reject@example.net"), MSG))
                        .startsWith("451 4.5.0 id=")
                        .contains("1 recipient(s) rejected or bounced");
            }
        }
    }
}
