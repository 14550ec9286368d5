package org.amavisd.core.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderSummaryTest {
    private static HeaderSummary read(String s) throws IOException {
        return HeaderSummary.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsFoldedFieldsAndStopsAtTheBody() throws IOException {
        HeaderSummary h = read(
                "Received: x\r\nMessage-Id:\r\n <abc@example>\r\nSubject: caf\u00e9\r\n\r\nFrom: not a header\r\n");
        assertThat(h.messageId()).isEqualTo("<abc@example>");
        assertThat(h.subject()).isEqualTo("caf\u00e9");
        assertThat(h.from()).isNull();
    }

    @Test
    void copesWithAHeaderOnlyMessageWithoutFinalNewline() throws IOException {
        assertThat(read("From: a@b").from()).isEqualTo("a@b");
    }
}
