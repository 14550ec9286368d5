package org.amavisd.quarantine.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FileNameTemplateTest {
    private static final FileNameTemplate.Values V = new FileNameTemplate.Values(
            "AbCdEfGhIj12",
            "12345-01",
            Instant.parse("2024-01-31T22:59:58Z"),
            ZoneId.of("Europe/Berlin"),
            () -> "0123abcd",
            "7");

    @Test
    void expandsAsAmavisdNew() {
        assertThat(FileNameTemplate.expand("virus-%m", V)).isEqualTo("virus-AbCdEfGhIj12");
        assertThat(FileNameTemplate.expand("spam-%m.gz", V)).isEqualTo("spam-AbCdEfGhIj12.gz");
        assertThat(FileNameTemplate.expand("%n", V)).isEqualTo("12345-01");
        // local time, no zone, basic format
        assertThat(FileNameTemplate.expand("%i", V)).isEqualTo("20240131T235958");
        assertThat(FileNameTemplate.expand("b-%b", V)).isEqualTo("b-0123abcd");
        assertThat(FileNameTemplate.expand("W%P/spam/%m.gz", V)).isEqualTo("W7/spam/AbCdEfGhIj12.gz");
        assertThat(FileNameTemplate.expand("100%%-%x-%", V)).isEqualTo("100%-%x-%");
    }

    @Test
    void asksForTheDigestOnlyWhenUsed() {
        FileNameTemplate.Values v = new FileNameTemplate.Values(
                "AbC",
                "1-1",
                Instant.EPOCH,
                ZoneId.of("UTC"),
                () -> {
                    throw new AssertionError("not needed");
                },
                null);
        assertThat(FileNameTemplate.expand("x-%m-%P", v)).isEqualTo("x-AbC-");
    }
}
