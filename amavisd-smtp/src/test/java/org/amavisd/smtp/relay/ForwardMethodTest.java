package org.amavisd.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.amavisd.core.smtp.SmtpReply;
import org.junit.jupiter.api.Test;

class ForwardMethodTest {
    @Test
    void parsesTheAmavisdForms() {
        assertThat(ForwardMethod.parse("smtp:[127.0.0.1]:10025"))
                .isEqualTo(new ForwardMethod("smtp", "127.0.0.1", 10025));
        assertThat(ForwardMethod.parse("lmtp:[::1]:24")).isEqualTo(new ForwardMethod("lmtp", "::1", 24));
        assertThat(ForwardMethod.parse("SMTP:mx.example:2525"))
                .isEqualTo(new ForwardMethod("smtp", "mx.example", 2525));
        assertThat(ForwardMethod.parse("smtp:[10.1.1.1]")).isEqualTo(new ForwardMethod("smtp", "10.1.1.1", 25));
        assertThat(ForwardMethod.parse("smtp:[::1]:10025").toString()).isEqualTo("smtp:[::1]:10025");
    }

    @Test
    void starsTakeTheClientAddressAndTheIncomingPortPlusOne() {
        ForwardMethod star = ForwardMethod.parse("smtp:*:*");
        assertThat(star.resolve("192.0.2.1", 10024)).isEqualTo(new ForwardMethod("smtp", "192.0.2.1", 10025));
        assertThat(ForwardMethod.parse("smtp:[127.0.0.1]:*")
                        .resolve("192.0.2.1", 10026)
                        .port())
                .isEqualTo(10027);
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThatThrownBy(() -> ForwardMethod.parse("bsmtp:/var/x"))
                .hasMessageContaining("unsupported forward method");
        assertThatThrownBy(() -> ForwardMethod.parse("smtp:[127.0.0.1]:99999")).hasMessageContaining("bad port");
    }

    @Test
    void dotStuffingDoublesLeadingDotsAndTerminates() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffingOutputStream d = new DotStuffingOutputStream(out);
        byte[] msg = ".a\r\nb\r\n.\r\nno final newline".getBytes(StandardCharsets.US_ASCII);
        d.write(msg, 0, 5);
        d.write(msg, 5, msg.length - 5);
        d.finish();
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("..a\r\nb\r\n..\r\nno final newline\r\n.\r\n");
    }

    @Test
    void quotesTheMtaReplyAddingAnEnhancedCodeWhenMissing() {
        assertThat(SmtpRelayClient.fromMta(SmtpReply.parse("250 Ok: queued as X1"), "smtp:[127.0.0.1]:25", "2.0.0")
                        .toString())
                .isEqualTo("250 2.0.0 from MTA(smtp:[127.0.0.1]:25): 250 Ok: queued as X1");
        assertThat(SmtpRelayClient.fromMta(SmtpReply.parse("550 5.7.1 no"), "m", "5.1.0")
                        .toString())
                .isEqualTo("550 5.7.1 from MTA(m): 550 5.7.1 no");
    }
}
