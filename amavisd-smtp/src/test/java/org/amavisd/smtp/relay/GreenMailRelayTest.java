package org.amavisd.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.LogId;
import org.amavisd.core.mail.MailId;
import org.amavisd.core.mail.MailParams;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.mail.SessionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The relay against an SMTP server that is not ours (GreenMail), read back through its own API. */
class GreenMailRelayTest {
    @RegisterExtension
    static GreenMailExtension greenMail =
            new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    @TempDir
    Path dir;

    @Test
    void relayedMessageArrivesIntactWithThePrefixHeader() throws Exception {
        Path file = dir.resolve("email.txt");
        Files.writeString(
                file,
                "From: a@example.org\r\nTo: b@example.net\r\nSubject: via greenmail\r\n\r\n.dot line\r\nbody\r\n",
                StandardCharsets.US_ASCII);
        Recipient r = new Recipient(new EmailAddress("b@example.net"), null, null);
        MessageContext msg = new MessageContext(
                MailId.generate(),
                LogId.next(),
                new SessionInfo("127.0.0.1", 1234, "127.0.0.1", 10024, "front.test", "ESMTP"),
                null,
                new EmailAddress("a@example.org"),
                MailParams.NONE,
                List.of(r),
                dir,
                file,
                Files.size(file),
                Instant.now(),
                System.nanoTime());
        int port = greenMail.getSmtp().getPort();
        new SmtpRelayClient("amavis.test", SmtpRelayClient.Timeouts.DEFAULT)
                .relay(
                        ForwardMethod.parse("smtp:[127.0.0.1]:" + port),
                        msg,
                        List.of(r),
                        "X-Test: prefixed\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(r.reply().toString()).startsWith("250 2.0.0 from MTA(smtp:[127.0.0.1]:" + port + "): 250 ");
        assertThat(r.done()).isEqualTo(Recipient.Done.BY_MTA);
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("via greenmail");
        assertThat(received[0].getHeader("X-Test")).containsExactly("prefixed");
        // GreenMail keeps the body without its last CRLF; the byte-exact check is SmtpServerSocketTest
        assertThat(((String) received[0].getContent()).replace("\r\n", "\n").stripTrailing())
                .isEqualTo(".dot line\nbody");
    }
}
