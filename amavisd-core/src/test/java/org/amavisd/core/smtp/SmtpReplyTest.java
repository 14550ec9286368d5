package org.amavisd.core.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {
    @Test
    void parsesWithAndWithoutEnhancedCode() {
        SmtpReply r = SmtpReply.parse("250 2.0.0 Ok: queued as X");
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.enhanced()).isEqualTo("2.0.0");
        assertThat(r.text()).isEqualTo("Ok: queued as X");
        assertThat(SmtpReply.parse("421 closing").enhanced()).isEmpty();
        assertThat(SmtpReply.parse("hello")).isNull();
    }

    @Test
    void writesMultilineReplies() {
        assertThat(new SmtpReply(250, "", List.of("host", "PIPELINING")).wireLines())
                .containsExactly("250-host", "250 PIPELINING");
        assertThat(SmtpReply.of(451, "4.5.0", "x").wireLines()).containsExactly("451 4.5.0 x");
    }
}
