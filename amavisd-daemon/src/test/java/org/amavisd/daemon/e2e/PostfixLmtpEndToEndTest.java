package org.amavisd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import org.amavisd.daemon.Amavisd;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Postfix feeding amavisd over LMTP: one reply per recipient, so a mix of results needs no tempfail. */
class PostfixLmtpEndToEndTest {
    private static MailServices services;
    private static Amavisd daemon;

    @BeforeAll
    static void startAll() throws Exception {
        services = MailServices.forPostfix(22000).with("FILTER_PROTO", "lmtp");
        services.start();
        Path conf = services.writeAmavisdConf("");
        daemon = new Amavisd(() -> AmavisConf.load(conf), s -> s, true);
        daemon.start();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (daemon != null) daemon.stop();
        if (services != null) services.stop();
    }

    @Test
    void mixedRecipientsGetTheirOwnResults() throws Exception {
        try (ScriptedClient c = new ScriptedClient(services.smtpPort)) {
            assertThat(
                            c.sendMail(
                                    "EHLO",
                                    "sender@example.org",
                                    List.of("frank@example.net", "nobody@reject.example.test"),
                                    "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nFrom: a@x.test\r\nSubject: lmtp mix\r\nMessage-ID: <lmtpmix@client.test>\r\n\r\nhello\r\n"))
                    .startsWith("250");
        }
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered("lmtpmix@client.test").stream()
                        .anyMatch(s -> s.contains("Delivered-To: frank@example.net")));
        // the rejected recipient comes back to the sender as a bounce from the front Postfix
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered("lmtpmix@client.test").stream()
                        .anyMatch(s -> s.contains("Delivered-To: sender@example.org") && s.contains("MAILER-DAEMON")));
        String log = services.maillog();
        assertThat(log)
                .containsPattern("to=<frank@example\\.net>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                        + services.filterPort + ".*status=sent \\(250 2\\.0\\.0 from MTA");
        assertThat(log)
                .containsPattern("to=<nobody@reject\\.example\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                        + services.filterPort + ".*status=bounced .*5\\d\\d 5\\.\\d\\.\\d from MTA");
        assertThat(services.delivered("lmtpmix@client.test").stream()
                        .filter(s -> s.contains("Delivered-To: frank@example.net"))
                        .findFirst()
                        .orElseThrow())
                .contains("(amavis, port " + services.filterPort + ") with LMTP");
    }
}
