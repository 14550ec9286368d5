package org.amavisd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.amavisd.daemon.Amavisd;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real Postfix on both sides: front smtpd (content_filter) → amavisd → re-injection smtpd →
 * Maildir. Postfix's own log shows what it was told; the Maildir shows what arrived.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostfixEndToEndTest {
    private static MailServices services;
    private static Amavisd daemon;
    private static Path conf;
    private static Path dkimKey;

    @BeforeAll
    static void startAll() throws Exception {
        services = MailServices.forPostfix(21000);
        services.start();
        // The test clients connect from 127.0.0.1: keep that out of @mynetworks, so that the 10024 path is
        // inbound and only the submission port (ORIG bank) is originating.
        dkimKey = services.state.resolve("example.test.pem");
        org.amavisd.dkim.KeyCommands.genrsa(dkimKey, 1024);
        conf = services.writeAmavisdConf("""
                @mynetworks = qw(10.0.0.0/8);
                $policy_bank{'MYNETS'} = { originating => 1 };
                $interface_policy{'%d'} = 'ORIG';
                $policy_bank{'ORIG'} = { originating => 1 };
                @local_domains_maps = ( ['.example.net', 'example.com'] );
                $enable_dkim_signing = 1;
                dkim_key('example.test', 'e2e', '%s');
                """.formatted(services.origFilterPort, dkimKey));
        daemon = startDaemon();
    }

    private static Amavisd startDaemon() throws Exception {
        Amavisd d = new Amavisd(() -> AmavisConf.load(conf), s -> s, true);
        d.start();
        return d;
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (daemon != null) daemon.stop();
        if (services != null) services.stop();
    }

    private static String send(int port, String from, List<String> rcpts, String marker) throws Exception {
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail(
                    "EHLO",
                    from,
                    rcpts,
                    "From: <" + from + ">\r\nTo: <" + rcpts.get(0) + ">\r\n" + "Subject: e2e " + marker
                            + "\r\nMessage-ID: <" + marker + "@client.test>\r\n\r\nbody of " + marker + "\r\n");
            c.command("QUIT");
            return reply;
        }
    }

    /** amavisd's log line for the message with this marker in its Message-ID, once it is written. */
    private static String logLine(String marker) throws Exception {
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.amavisdMessageLines().stream().anyMatch(l -> l.contains(marker)));
        List<String> lines = services.amavisdMessageLines().stream()
                .filter(l -> l.contains("<" + marker + "@client.test>"))
                .toList();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    @Order(1)
    void cleanMailToTwoRecipientsArrivesWithOurReceivedHeader() throws Exception {
        String m = marker();
        assertThat(send(services.smtpPort, "alice@example.org", List.of("bob@example.net", "carol@example.com"), m))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 2);
        for (String msg : services.delivered(m)) {
            assertThat(msg)
                    .containsPattern(
                            // amavisd-new's layout: "by" our HELO name, then our host name and address
                            "Received: from mta\\.example\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\r?\n by localhost "
                                    + "\\(amavis\\.e2e\\.test \\[127\\.0\\.0\\.1\\]\\) \\(amavis, port "
                                    + services.filterPort
                                    + "\\) with ESMTP\r?\n id [A-Za-z0-9_-]{12}; [A-Z][a-z]{2}, [ 1-3][0-9] ");
            assertThat(msg).contains("body of " + m);
        }
        assertThat(services.delivered(m))
                .anyMatch(s -> s.contains("Delivered-To: bob@example.net"))
                .anyMatch(s -> s.contains("Delivered-To: carol@example.com"));
        // Postfix's amavisfeed client was given our reply, quoting the re-injection smtpd's
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.maillog()
                        .matches("(?s).*relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + services.filterPort
                                + ".*status=sent \\(250 2\\.0\\.0 from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:"
                                + services.reinjectPort + "\\): 250 2\\.0\\.0 Ok: queued as [0-9A-F]+\\).*"));
    }

    @Test
    @Order(2)
    void submissionPathGoesThroughTheSecondPort() throws Exception {
        String m = marker();
        assertThat(send(services.submitPort, "user@example.test", List.of("friend@example.net"), m))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 1);
        String delivered = services.delivered(m).get(0);
        assertThat(delivered).contains("(amavis, port " + services.origFilterPort + ")");
        // originating mail leaves signed (dkim_key for example.test), and the signature holds after Postfix
        assertThat(delivered).contains("DKIM-Signature: v=1; a=rsa-sha256;").contains("d=example.test");
        try (org.amavisd.dkim.LoopbackDnsServer dns = new org.amavisd.dkim.LoopbackDnsServer(false)) {
            var key = org.amavisd.dkim.SigningKey.load(List.of(new org.amavisd.policy.conf.DkimKeyDecl(
                            org.amavisd.policy.conf.PerlValue.of("example.test"),
                            "e2e",
                            dkimKey.toString(),
                            java.util.Map.of(),
                            null)))
                    .get(0);
            dns.publish(
                    "e2e._domainkey.example.test",
                    "v=DKIM1; p="
                            + java.util.Base64.getEncoder()
                                    .encodeToString(key.publicKey().getEncoded()));
            var vr = new org.amavisd.dkim.DkimVerifier(new org.amavisd.dkim.DnsKeyRetriever(
                            new org.amavisd.dkim.DnsTxtLookup(dns.address(), java.time.Duration.ofSeconds(2))))
                    .verify(new java.io.ByteArrayInputStream(delivered
                            .replaceAll("\r?\n", "\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            assertThat(vr.signatures()).hasSize(1);
            assertThat(vr.signatures().get(0).result()).isEqualTo(org.amavisd.dkim.DkimResult.PASS);
        }
        // the ORIG bank was loaded for the submission port: originating, to a local recipient
        assertThat(logLine(m))
                .containsPattern(
                        "\\(\\d+-\\d+\\) Passed CLEAN \\{RelayedInternal\\}, ORIG LOCAL \\[127\\.0\\.0\\.1\\]:\\d+ "
                                + "<user@example\\.test> -> <friend@example\\.net>, Queue-ID: [0-9A-F]+, Message-ID: <"
                                + m
                                + "@client\\.test>, mail_id: [A-Za-z0-9_-]{12}, Hits: -, size: \\d+, queued_as: [0-9A-F]+, \\d+ ms");
    }

    @Test
    @Order(2)
    void inboundMailIsLoggedAsInboundForLocalRecipientsOnly() throws Exception {
        String m = marker();
        assertThat(send(services.smtpPort, "stranger@example.org", List.of("bob@example.net", "out@elsewhere.test"), m))
                .startsWith("250");
        assertThat(logLine(m))
                .contains("Passed CLEAN {RelayedInbound,RelayedOpenRelay}, [127.0.0.1]:")
                .doesNotContain("LOCAL")
                .doesNotContain("MYNETS");
    }

    @Test
    @Order(3)
    void recipientRejectedByTheBackEndIsBouncedByTheFrontMta() throws Exception {
        String m = marker();
        assertThat(send(services.smtpPort, "sender@example.org", List.of("nobody@reject.example.test"), m))
                .startsWith("250");
        // the front Postfix got our 5xx for it and returns the mail to its sender
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).stream()
                        .anyMatch(s -> s.contains("Delivered-To: sender@example.org") && s.contains("MAILER-DAEMON")));
        assertThat(services.maillog())
                .containsPattern(
                        "to=<nobody@reject\\.example\\.test>.*status=bounced \\(host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: "
                                + "5\\d\\d 5\\.\\d\\.\\d from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:" + services.reinjectPort
                                + "\\)");
    }

    @Test
    @Order(4)
    void backEndTempfailKeepsTheMailInTheFrontQueue() throws Exception {
        String m = marker();
        assertThat(send(services.smtpPort, "sender@example.org", List.of("later@tempfail.example.test"), m))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(
                        () -> services.maillog()
                                .matches(
                                        "(?s).*to=<later@tempfail\\.example\\.test>.*status=deferred \\(host 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\] said: 4\\d\\d 4\\.\\d\\.\\d from MTA.*"));
        assertThat(services.delivered(m)).isEmpty();
    }

    @Test
    @Order(5)
    void someRecipientsRejectedUnderSmtpAreReportedToTheSenderAndTheRestDelivered() throws Exception {
        String m = marker();
        assertThat(send(
                        services.smtpPort,
                        "sender@example.org",
                        List.of("erin@example.net", "nobody@reject.example.test"),
                        m))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).stream()
                        .anyMatch(s -> s.contains("Delivered-To: erin@example.net") && s.contains("body of " + m)));
        // amavisd's own delivery status report, through $notify_method, into the sender's mailbox
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).stream()
                        .anyMatch(s -> s.contains("Delivered-To: sender@example.org")
                                && s.contains("report-type=delivery-status")));
        String report = services.delivered(m).stream()
                .filter(s -> s.contains("Delivered-To: sender@example.org"))
                .findFirst()
                .orElseThrow();
        assertThat(report)
                .contains("Return-Path: <>")
                .contains("Reporting-MTA: dns; amavis.e2e.test")
                .contains("Final-Recipient: rfc822; nobody@reject.example.test")
                .contains("Action: failed")
                .containsPattern("Diagnostic-Code: smtp; 5\\d\\d 5\\.\\d\\.\\d from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:"
                        + services.reinjectPort);
        // the front Postfix was told 250 for both: the rejection is amavisd's to report, once
        assertThat(services.maillog())
                .containsPattern("to=<nobody@reject\\.example\\.test>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:"
                        + services.filterPort + ".*status=sent \\(250 .*, but 1 REJECT\\)");
    }

    @Test
    @Order(6)
    void mailWaitsInPostfixWhileAmavisdIsDownAndFlowsWhenItIsBack() throws Exception {
        daemon.stop();
        daemon = null;
        String m = marker();
        assertThat(send(services.smtpPort, "alice@example.org", List.of("dave@example.net"), m))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.maillog()
                        .matches("(?s).*connect to 127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:" + services.filterPort
                                + ": Connection refused.*"));
        assertThat(services.delivered(m)).isEmpty();
        daemon = startDaemon();
        services.flushQueue();
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 1);
    }
}
