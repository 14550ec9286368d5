package org.amavisd.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The server and the relay together, over real loopback sockets, against a recording back end. */
class SmtpServerSocketTest {
    private static final String MSG = "From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n"
            + "Message-ID: <m1@example.org>\r\n\r\nHello\r\n.leading dot\r\n..two dots\r\n";

    @TempDir
    Path temp;

    private SmtpServer server;
    private RecordingMta mta;

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) server.stop(Duration.ofSeconds(5));
        if (mta != null) mta.close();
    }

    private int start(
            RecordingMta backEnd, int maxServers, Duration timeout, long sizeLimit, Predicate<InetAddress> acl)
            throws IOException {
        this.mta = backEnd;
        ForwardMethod fm = ForwardMethod.parse("smtp:[127.0.0.1]:" + backEnd.port());
        return startWith(relayTo(fm), maxServers, timeout, sizeLimit, acl);
    }

    private int start(RecordingMta backEnd) throws IOException {
        return start(backEnd, 2, Duration.ofSeconds(30), 0, a -> true);
    }

    private static MessageProcessor relayTo(ForwardMethod fm) {
        return relayTo(fm, SmtpRelayClient.Timeouts.DEFAULT);
    }

    private static MessageProcessor relayTo(ForwardMethod fm, SmtpRelayClient.Timeouts timeouts) {
        SmtpRelayClient relay = new SmtpRelayClient("amavis.test", timeouts);
        return msg -> relay.relay(fm, msg, msg.recipients(), new byte[0]);
    }

    /** Short relay timeouts, so that a silent back end is given up on while the test waits. */
    private static final SmtpRelayClient.Timeouts SHORT = new SmtpRelayClient.Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1));

    private int startWithShortRelayTimeouts(RecordingMta backEnd) throws IOException {
        this.mta = backEnd;
        return startWith(
                relayTo(ForwardMethod.parse("smtp:[127.0.0.1]:" + backEnd.port()), SHORT),
                1,
                Duration.ofSeconds(30),
                0,
                a -> true);
    }

    private int startWith(
            MessageProcessor p, int maxServers, Duration timeout, long sizeLimit, Predicate<InetAddress> acl)
            throws IOException {
        SessionSettings s = new SessionSettings("amavis.test", sizeLimit, 100, timeout, temp, true, p, null);
        server = new SmtpServer(
                new ServerConfig(List.of(new ServerConfig.ListenAddress("127.0.0.1", 0)), maxServers, acl, s));
        server.start();
        return server.boundPorts().get(0);
    }

    @Test
    void relaysTheMessageAndQuotesTheBackEndsReply() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG);
            assertThat(reply)
                    .matches("250 2\\.0\\.0 from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:" + mta.port()
                            + "\\): 250 2\\.0\\.0 Ok: queued as Q\\d+");
        }
        assertThat(mta.messages()).hasSize(1);
        RecordingMta.Message m = mta.messages().get(0);
        assertThat(m.mailFrom()).startsWith("<a@example.org>");
        assertThat(m.rcptTo()).containsExactly("<b@example.net>");
        assertThat(m.data()).isEqualTo(MSG); // dot-stuffing undone by us, redone by the relay, undone by the MTA
        try (var dirs = Files.list(temp)) {
            assertThat(dirs).as("temp directory removed after the reply").isEmpty();
        }
    }

    @Test
    void theBackEndConnectionCarriesTheNextMessageAfterRset() throws Exception {
        int port = start(RecordingMta.smtp(), 1, Duration.ofSeconds(30), 0, a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                    .startsWith("250 2.0.0 from MTA");
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<c@example.net>");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA");
        }
        assertThat(mta.messages()).hasSize(2);
        assertThat(mta.connections()).as("one worker, one back-end connection").isEqualTo(1);
        assertThat(mta.transcript()).contains("RSET");
    }

    @Test
    void aCachedConnectionTheBackEndClosedIsReplacedWithoutLosingTheMessage() throws Exception {
        RecordingMta backEnd = RecordingMta.smtp();
        backEnd.hangUpAfterData(true);
        int port = start(backEnd, 1, Duration.ofSeconds(30), 0, a -> true);
        for (int i = 0; i < 3; i++) {
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                        .startsWith("250 2.0.0 from MTA");
            }
        }
        assertThat(mta.messages()).hasSize(3);
        assertThat(mta.connections()).isEqualTo(3);
    }

    @Test
    void ehloListsTheExtensionsAndHeloListsNone() throws Exception {
        int port = start(RecordingMta.smtp(), 2, Duration.ofSeconds(30), 20_000_000, a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.reply()).startsWith("220 [127.0.0.1] ESMTP");
            String ehlo = c.command("EHLO front.test");
            assertThat(ehlo.split("\n"))
                    .containsExactly(
                            "250-amavis.test",
                            "250-VRFY",
                            "250-PIPELINING",
                            "250-SIZE 20000000",
                            "250-ENHANCEDSTATUSCODES",
                            "250-8BITMIME",
                            "250-SMTPUTF8",
                            "250-DSN",
                            "250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE");
            assertThat(c.command("HELO front.test")).isEqualTo("250 amavis.test");
            assertThat(c.command("MAIL FROM:<a@b> SIZE=10")).startsWith("555 5.5.4");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrderInOneBatch() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            c.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA");
            assertThat(c.reply()).startsWith("221 2.0.0");
        }
        assertThat(mta.messages().get(0).rcptTo()).containsExactly("<b@example.net>", "<c@example.net>");
    }

    @Test
    void lmtpGivesOneReplyPerRecipientAfterData() throws Exception {
        int port = start(RecordingMta.smtp());
        mta.rcptReply("no@example.net", "550 5.1.1 <no@example.net>: unknown user");
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            assertThat(c.command("LHLO front.test")).contains("250 XFORWARD");
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<yes@example.net>");
            c.command("RCPT TO:<no@example.net>");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply())
                    .startsWith("250 2.0.0 from MTA(smtp:[127.0.0.1]:" + mta.port() + "): 250 2.0.0 Ok: queued as");
            assertThat(c.reply())
                    .isEqualTo("550 5.1.1 from MTA(smtp:[127.0.0.1]:" + mta.port()
                            + "): 550 5.1.1 <no@example.net>: unknown user");
        }
        assertThat(mta.messages()).hasSize(1);
        assertThat(mta.messages().get(0).rcptTo()).containsExactly("<yes@example.net>", "<no@example.net>");
    }

    @Test
    void lmtpBackEndGivesEachRecipientItsOwnResultAfterData() throws Exception {
        RecordingMta lmtp = new RecordingMta(true, List.of("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME"));
        lmtp.dataReply("full@example.net", "452 4.2.2 <full@example.net> mailbox full");
        this.mta = lmtp;
        int port = startWith(
                relayTo(ForwardMethod.parse("lmtp:[127.0.0.1]:" + lmtp.port())),
                2,
                Duration.ofSeconds(30),
                0,
                a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("LHLO front.test");
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<ok@example.net>");
            c.command("RCPT TO:<full@example.net>");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply())
                    .matches(
                            "250 2\\.0\\.0 from MTA\\(lmtp:\\[127\\.0\\.0\\.1\\]:\\d+\\): 250 2\\.0\\.0 <ok@example\\.net> Ok: queued as Q\\d+");
            assertThat(c.reply()).startsWith("452 4.2.2 from MTA(lmtp:").endsWith("mailbox full");
        }
        assertThat(lmtp.transcript()).anyMatch(l -> l.startsWith("LHLO "));
    }

    @Test
    void smtpFrontWithLmtpBackEndPartlyFailingAfterDataTempfailsTheWholeMessage() throws Exception {
        RecordingMta lmtp = new RecordingMta(true, List.of("PIPELINING", "ENHANCEDSTATUSCODES"));
        lmtp.dataReply("gone@example.net", "550 5.1.1 <gone@example.net> no such user");
        this.mta = lmtp;
        int port = startWith(
                relayTo(ForwardMethod.parse("lmtp:[127.0.0.1]:" + lmtp.port())),
                2,
                Duration.ofSeconds(30),
                0,
                a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            // one reply must cover both: the rejection is not lost (the front MTA retries; the
            // delivered recipient may see a duplicate, which is better than a silent loss)
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("ok@example.net", "gone@example.net"), MSG))
                    .startsWith("451 4.5.0 id=")
                    .contains("1 recipient(s) rejected or bounced");
        }
    }

    @Test
    void relayDeliversToTheAcceptedAndAnUnreportedRejectionTempfailsTheMessage() throws Exception {
        // this bare pipeline has no DSN sender (the daemon's RejectionReportTest has): the relay
        // delivers to the recipient the back end accepted, records the other's rejection, and the
        // single SMTP reply cannot say both, so it is a tempfail rather than a lost rejection
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("ok@example.net", "reject@example.net"), MSG);
            assertThat(reply)
                    .startsWith("451 4.5.0 id=")
                    .contains("1 recipient(s) rejected or bounced")
                    .contains("could not be reported to the sender");
        }
        assertThat(mta.messages()).hasSize(1);
        assertThat(mta.messages().get(0).data()).isEqualTo(MSG);
    }

    @Test
    void aBackEndTempfailForOneOfThreeTempfailsTheWholeMessageUnderSmtpButOnlyThatRecipientUnderLmtp()
            throws Exception {
        int port = start(RecordingMta.smtp());
        List<String> three = List.of("one@example.net", "tempfail@example.net", "three@example.net");
        try (ScriptedClient c = new ScriptedClient(port)) {
            // one reply for all: the front MTA retries all three, so two get the message twice
            assertThat(c.sendMail("EHLO", "a@example.org", three, MSG)).startsWith("450 4.2.0 from MTA(");
        }
        assertThat(mta.messages()).hasSize(1);
        assertThat(mta.messages().get(0).rcptTo()).hasSize(3);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("LHLO front.test");
            c.command("MAIL FROM:<a@example.org>");
            for (String r : three) c.command("RCPT TO:<" + r + ">");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA(");
            assertThat(c.reply()).startsWith("450 4.2.0 from MTA(");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA(");
        }
    }

    @Test
    void allRecipientsRejectedGivesTheBackEnds5xx() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("reject@example.net"), MSG);
            assertThat(reply)
                    .startsWith("550 5.1.1 from MTA(")
                    .endsWith("<reject@example.net>: Recipient address rejected");
        }
    }

    @Test
    void backEndTempfailIsPassedOnAsTempfail() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("tempfail@example.net"), MSG);
            assertThat(reply).startsWith("450 4.2.0 from MTA(");
        }
    }

    @Test
    void xforwardAndDsnParametersArePassedOn() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            assertThat(c.command("XFORWARD NAME=client.example.org ADDR=192.0.2.7 PORT=4711"))
                    .isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("XFORWARD PROTO=ESMTP HELO=helo+20name IDENT=ABC123 SOURCE=REMOTE"))
                    .isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("MAIL FROM:<a@example.org> RET=HDRS ENVID=env+2Bid SIZE=100 BODY=8BITMIME"))
                    .startsWith("250");
            assertThat(c.command("RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.net"))
                    .startsWith("250");
            assertThat(c.command("XFORWARD ADDR=10.0.0.1")).startsWith("503 5.5.1");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA");
        }
        List<String> cmds = mta.messages().get(0).commands();
        assertThat(String.join("\n", cmds))
                .contains("XFORWARD NAME=client.example.org ADDR=192.0.2.7 PORT=4711 PROTO=ESMTP "
                        + "HELO=helo?name IDENT=ABC123 SOURCE=REMOTE");
        assertThat(cmds)
                .anyMatch(l -> l.startsWith("MAIL FROM:<a@example.org> SIZE=")
                        && l.endsWith(" BODY=8BITMIME RET=HDRS ENVID=env+2Bid"));
        assertThat(cmds).contains("RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.net");
    }

    @Test
    void aBackEndSilentAfterTheFinalDotGivesA451AfterTheDataDoneTimeout() throws Exception {
        RecordingMta backEnd = RecordingMta.smtp();
        backEnd.silentAfterData(true);
        int port = startWithShortRelayTimeouts(backEnd);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                    .startsWith("451 4.5.0 id=")
                    .contains("Temporary MTA failure on relaying")
                    .endsWith("during fwd-data-end: no reply after the end of data within 1 s");
        }
        // the back end had the data but never said it took it: the front MTA keeps the message
        assertThat(mta.messages()).hasSize(1);
        assertThat(mta.messages().get(0).data()).isEqualTo(MSG);
        // and the only worker is free again for the retry
        backEnd.silentAfterData(false);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                    .startsWith("250 2.0.0 from MTA");
        }
        assertThat(mta.messages()).hasSize(2);
    }

    @Test
    void aBackEndThatNeverGreetsGivesA451AfterTheCommandTimeout() throws Exception {
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            SmtpRelayClient.Timeouts t = new SmtpRelayClient.Timeouts(
                    Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5));
            int port = startWith(
                    relayTo(ForwardMethod.parse("smtp:[127.0.0.1]:" + mute.getLocalPort()), t),
                    1,
                    Duration.ofSeconds(30),
                    0,
                    a -> true);
            try (ScriptedClient c = new ScriptedClient(port)) {
                assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                        .startsWith("451 4.5.0 id=")
                        .endsWith("during fwd-connect: no reply within 1 s");
            }
        }
    }

    @Test
    void aBackEndThatStopsReadingTheDataGivesA451AfterTheDataXferTimeout() throws Exception {
        RecordingMta backEnd = RecordingMta.smtp();
        backEnd.stopReadingInData(true);
        int port = startWithShortRelayTimeouts(backEnd);
        // more than the loopback socket buffers hold, so the relay's writes block
        String big = "Subject: big\r\n\r\n" + ("z".repeat(998) + "\r\n").repeat(12_000);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), big))
                    .startsWith("451 4.5.0 id=")
                    .endsWith("during fwd-data-contents: no progress sending the message for 1 s");
        }
        assertThat(mta.messages()).isEmpty();
    }

    @Test
    void unreachableBackEndGivesATempfailAndKeepsNothing() throws Exception {
        RecordingMta dead = RecordingMta.smtp();
        dead.close();
        int port = start(dead);
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG);
            assertThat(reply)
                    .startsWith("451 4.5.0 id=")
                    .contains("Temporary MTA failure on relaying")
                    .contains("during fwd-connect");
        }
    }

    @Test
    void negativeGreetingFromBackEndIsATempfailEvenIf5xx() throws Exception {
        RecordingMta backEnd = RecordingMta.smtp();
        backEnd.setGreeting("554 5.3.2 go away");
        int port = start(backEnd);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG))
                    .startsWith("451 4.5.0");
        }
    }

    @Test
    void backEndWithout8bitmimeRejectsAn8bitMessageAsAmavisdNewDoes() throws Exception {
        int port = start(new RecordingMta(false, List.of("PIPELINING")), 2, Duration.ofSeconds(30), 0, a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            c.command("MAIL FROM:<a@example.org> BODY=8BITMIME");
            c.command("RCPT TO:<b@example.net>");
            c.command("DATA");
            c.send("Subject: caf\u00e9\r\n\r\nna\u00efve\r\n.\r\n");
            assertThat(c.reply()).isEqualTo("550 5.6.3 Conversion to 7BIT required but not supported");
        }
        assertThat(mta.messages()).isEmpty();
    }

    @Test
    void sizeLimitIsEnforcedAtMailAndAfterData() throws Exception {
        int port = start(RecordingMta.smtp(), 2, Duration.ofSeconds(30), 70_000, a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            assertThat(c.command("MAIL FROM:<a@example.org> SIZE=70001")).startsWith("552 5.3.4");
            assertThat(c.command("MAIL FROM:<a@example.org> SIZE=100")).startsWith("250");
            c.command("RCPT TO:<b@example.net>");
            c.command("DATA");
            c.send("Subject: big\r\n\r\n" + "x".repeat(998) + "\r\n" + ("y".repeat(998) + "\r\n").repeat(80) + ".\r\n");
            assertThat(c.reply()).startsWith("552 5.3.4 Message size (");
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok"); // still in step with the client
        }
        assertThat(mta.messages()).isEmpty();
    }

    @Test
    void badSequencesGet503() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            assertThat(c.command("MAIL FROM:<a@b>")).startsWith("503 5.5.1");
            c.command("EHLO front.test");
            assertThat(c.command("RCPT TO:<a@b>")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("DATA")).isEqualTo("503 5.5.1 Error: need MAIL command");
            c.command("MAIL FROM:<a@b>");
            assertThat(c.command("MAIL FROM:<a@b>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
            assertThat(c.command("DATA")).isEqualTo("503 5.5.1 Error: need RCPT command");
            assertThat(c.command("RSET")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("RCPT TO:<a@b>")).startsWith("503");
        }
    }

    @Test
    void malformedCommandsGetTheRight5xxAndTheSessionGoesOn() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.send("EHLO front.test\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Error: bare <LF> received, use <CR><LF>");
            c.send("NOOP\0x\r\n");
            assertThat(c.reply()).isEqualTo("500 5.5.2 Error: NUL character in command");
            assertThat(c.command("NOOP " + "x".repeat(3000))).isEqualTo("500 5.5.2 Error: line too long");
            assertThat(c.command("FROB")).isEqualTo("500 5.5.2 Error: command not recognized");
            assertThat(c.command("STARTTLS")).isEqualTo("502 5.5.1 Error: command not implemented");
            assertThat(c.command("VRFY postmaster")).startsWith("252 2.0.0");
            assertThat(c.command("EHLO")).startsWith("501 5.5.4");
            c.command("EHLO front.test");
            assertThat(c.command("MAIL FROM:<a@b> FOO=1")).isEqualTo("555 5.5.4 Unsupported option: FOO");
            assertThat(c.command("MAIL TO:<a@b>")).startsWith("501 5.5.4");
            assertThat(c.command("MAIL FROM:<a@b")).startsWith("501 5.1.7");
            assertThat(c.command("MAIL FROM:<>")).startsWith("250 2.1.0");
            assertThat(c.command("RCPT TO:<>")).startsWith("501 5.1.3");
            assertThat(c.command("RCPT TO:<b@c> NOTIFY=SOMETIMES")).isEqualTo("501 5.5.4 Bad NOTIFY syntax");
            assertThat(c.command("RCPT TO:<@relay.example:b@c>")).isEqualTo("250 2.1.5 Recipient <b@c> OK");
            assertThat(c.command("QUIT")).startsWith("221 2.0.0");
        }
    }

    private static final String SMUGGLED = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.net>\r\n"
            + "DATA\r\nSubject: forged\r\n\r\nforged\r\n";

    /**
     * SMTP smuggling: what a client puts where an end of data would be under bare CR or bare LF,
     * what the back end must then receive on the wire (the smuggled commands as text, a dot line
     * dot-stuffed), and what the back end (unstuffing after CRLF only, as Postfix) then has.
     */
    static Stream<Arguments> smuggling() {
        String h = "Subject: s\r\n\r\n";
        return Stream.of(
                Arguments.of(h + "x\n.\n", h + "x\r\n..\r\n", h + "x\r\n.\r\n"),
                Arguments.of(h + "x\n.\r\n", h + "x\r\n..\r\n", h + "x\r\n.\r\n"),
                Arguments.of(h + "x\r\n.\n", h + "x\r\n..\r\n", h + "x\r\n.\r\n"),
                // stuffed after a bare CR too, and a back end that reads only CRLF as a line end keeps both dots
                Arguments.of(h + "x\r.\r\n", h + "x\r..\r\n", h + "x\r..\r\n"),
                Arguments.of(h + "x\r.\r", h + "x\r..\r", h + "x\r..\r"),
                Arguments.of(h + "x\r.\n", h + "x\r..\r\n", h + "x\r..\r\n"),
                // ".\rMAIL ..." is one line longer than the dot: unstuffed as RFC 5321 4.5.2 says
                Arguments.of(h + "x\r\n.\r", h + "x\r\n\r", h + "x\r\n\r"),
                Arguments.of(h + "x\n.\r", h + "x\r\n\r", h + "x\r\n\r"),
                Arguments.of(h + "x\n\n.\r\n", h + "x\r\n\r\n..\r\n", h + "x\r\n\r\n.\r\n"),
                Arguments.of(h + "x\n.\n.\r\n", h + "x\r\n..\r\n..\r\n", h + "x\r\n.\r\n.\r\n"),
                // the dot line first in the data
                Arguments.of(".\n", "..\r\n", ".\r\n"),
                Arguments.of(".\r", "\r", "\r"),
                Arguments.of("\n.\r\n", "\r\n..\r\n", "\r\n.\r\n"));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("smuggling")
    void onlyCrlfDotCrlfEndsDataSoNoSecondMessageIsSmuggled(String sent, String onWire, String received)
            throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<b@example.net>");
            c.command("DATA");
            c.send(sent + SMUGGLED + ".\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 from MTA");
            assertThat(c.command("QUIT")).as("the smuggled commands were data").startsWith("221 2.0.0");
        }
        assertThat(mta.messages()).hasSize(1);
        RecordingMta.Message m = mta.messages().get(0);
        assertThat(m.rcptTo()).containsExactly("<b@example.net>");
        assertThat(m.wire()).isEqualTo(onWire + SMUGGLED + ".\r\n");
        assertThat(m.data()).isEqualTo(received + SMUGGLED);
    }

    @Test
    void idleClientIsDisconnectedWith421AfterTheTimeout() throws Exception {
        int port = start(RecordingMta.smtp(), 2, Duration.ofSeconds(1), 0, a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("EHLO front.test");
            assertThat(c.reply()).startsWith("421 4.4.2 amavis.test Error: timeout exceeded");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void clientOutsideTheAclIsRefused() throws Exception {
        int port = start(RecordingMta.smtp(), 2, Duration.ofSeconds(30), 0, a -> false);
        try (ScriptedClient c = new ScriptedClient(port)) {
            assertThat(c.reply()).startsWith("421 4.7.0");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondMaxServersWaitForAFreeWorker() throws Exception {
        int port = start(RecordingMta.smtp(), 1, Duration.ofSeconds(30), 0, a -> true);
        try (ScriptedClient first = new ScriptedClient(port);
                ScriptedClient second = new ScriptedClient(port)) {
            assertThat(first.reply()).startsWith("220");
            CompletableFuture<String> secondBanner = CompletableFuture.supplyAsync(() -> {
                try {
                    return second.reply();
                } catch (IOException e) {
                    return e.toString();
                }
            });
            Thread.sleep(300);
            assertThat(secondBanner)
                    .as("no banner while the only worker is busy")
                    .isNotDone();
            first.command("QUIT");
            assertThat(secondBanner.get(10, TimeUnit.SECONDS)).startsWith("220");
        }
    }

    @Test
    void stopLetsTheMessageInProgressFinishAndRefusesNewConnections() throws Exception {
        int port = start(RecordingMta.smtp());
        try (ScriptedClient busy = new ScriptedClient(port);
                ScriptedClient idle = new ScriptedClient(port)) {
            busy.reply();
            idle.reply();
            idle.command("EHLO idle.test");
            busy.command("EHLO front.test");
            busy.command("MAIL FROM:<a@example.org>");
            busy.command("RCPT TO:<b@example.net>");
            busy.command("DATA");
            busy.send("Subject: half\r\n\r\nfirst half\r\n");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(20)));
            assertThat(idle.reply()).startsWith("421 4.3.2");
            assertThrows(ConnectException.class, () -> new ScriptedClient(port).close());
            busy.send("second half\r\n.\r\n");
            assertThat(busy.reply()).startsWith("250 2.0.0 from MTA");
            assertThat(busy.command("NOOP")).startsWith("421 4.3.2");
            stopping.get(20, TimeUnit.SECONDS);
        }
        assertThat(mta.messages()).hasSize(1);
        assertThat(mta.messages().get(0).data()).endsWith("first half\r\nsecond half\r\n");
        server = null;
    }

    @Test
    void stopTellsTheConnectionsWaitingInTheBacklog421() throws Exception {
        int port = start(RecordingMta.smtp(), 1, Duration.ofSeconds(30), 0, a -> true);
        try (ScriptedClient busy = new ScriptedClient(port)) {
            busy.reply();
            busy.command("EHLO front.test");
            busy.command("MAIL FROM:<a@example.org>");
            busy.command("RCPT TO:<b@example.net>");
            busy.command("DATA");
            busy.send("Subject: half\r\n\r\nfirst half\r\n");
            // the only worker is busy: these wait in the listen backlog, no banner yet
            List<ScriptedClient> waiting = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) waiting.add(new ScriptedClient(port));
            try {
                CompletableFuture<Void> stopping =
                        CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(20)));
                for (ScriptedClient w : waiting) {
                    assertThat(w.reply()).isEqualTo("421 4.3.2 Service shutting down, closing channel");
                    assertThat(w.isClosedByPeer()).isTrue();
                }
                busy.send("second half\r\n.\r\n");
                assertThat(busy.reply()).startsWith("250 2.0.0 from MTA");
                stopping.get(20, TimeUnit.SECONDS);
            } finally {
                for (ScriptedClient w : waiting) w.close();
            }
        }
        assertThat(mta.messages()).hasSize(1);
        server = null;
    }

    @Test
    void processorFailureTempfailsAndPreservesTheEvidence() throws Exception {
        int port = startWith(
                msg -> {
                    throw new IllegalStateException("scanner exploded");
                },
                2,
                Duration.ofSeconds(30),
                0,
                a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            String reply = c.sendMail("EHLO", "a@example.org", List.of("b@example.net"), MSG);
            assertThat(reply).startsWith("451 4.5.0 Error in processing, id=").contains("scanner exploded");
        }
        try (var dirs = Files.list(temp)) {
            List<Path> kept = dirs.toList();
            assertThat(kept).hasSize(1);
            assertThat(Files.readString(kept.get(0).resolve("email.txt"))).isEqualTo(MSG);
        }
    }

    @Test
    void unsettledRecipientIsTempfailedUnderLmtp() throws Exception {
        int port = startWith(
                msg -> msg.recipients()
                        .get(0)
                        .doneByFilter(org.amavisd.core.smtp.SmtpReply.of(250, "2.7.0", "Ok, discarded")),
                2,
                Duration.ofSeconds(30),
                0,
                a -> true);
        try (ScriptedClient c = new ScriptedClient(port)) {
            c.reply();
            c.command("LHLO front.test");
            c.command("MAIL FROM:<a@example.org>");
            c.command("RCPT TO:<one@example.net>");
            c.command("RCPT TO:<two@example.net>");
            c.command("DATA");
            c.send(ScriptedClient.dotStuff(MSG) + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.7.0 Ok, discarded");
            assertThat(c.reply()).startsWith("451 4.5.0 Error in processing");
        }
    }
}
