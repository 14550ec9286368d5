package org.amavisd.core.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MailIdTest {
    @Test
    void twelveBase64UrlCharactersAlnumAtBothEndsDerivedFromTheSecret() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            MailId id = MailId.generate();
            assertThat(id.id()).matches("[A-Za-z0-9][A-Za-z0-9_-]{10}[A-Za-z0-9]");
            assertThat(id.secret()).hasSize(12).matches("[A-Za-z0-9_-]+");
            assertThat(MailId.idForSecret(id.secret())).isEqualTo(id.id());
            seen.add(id.id());
        }
        assertThat(seen).hasSize(2000);
    }
}
