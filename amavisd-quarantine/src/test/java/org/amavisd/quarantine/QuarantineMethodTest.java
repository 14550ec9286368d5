package org.amavisd.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuarantineMethodTest {
    @Test
    void parsesLocal() throws Exception {
        QuarantineMethod m = QuarantineMethod.parse("local:virus-%m");
        assertThat(m.isLocal()).isTrue();
        assertThat(m.argument()).isEqualTo("virus-%m");
        assertThat(m.fileNameTemplate()).isEqualTo("virus-%m");
        assertThat(QuarantineMethod.parse("LOCAL:spam-%m.gz").scheme()).isEqualTo("local");
        assertThat(QuarantineMethod.parse("local:").fileNameTemplate()).isEqualTo("%m");
    }

    @Test
    void emptyOrUndefinedMeansNone() throws Exception {
        assertThat(QuarantineMethod.parse(null).isNone()).isTrue();
        assertThat(QuarantineMethod.parse("").isNone()).isTrue();
        assertThat(QuarantineMethod.parse("")).isSameAs(QuarantineMethod.NONE);
    }

    @Test
    void otherSchemesAreNotSupportedYet() {
        for (String m : new String[] {"sql:", "bsmtp:/var/q/%m.bsmtp", "smtp:[127.0.0.1]:10025", "lmtp:x", "pipe:x"}) {
            assertThatThrownBy(() -> QuarantineMethod.parse(m))
                    .isInstanceOf(QuarantineException.class)
                    .hasMessageContaining("not supported yet");
        }
        assertThatThrownBy(() -> QuarantineMethod.parse("nonsense"))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("syntax");
        assertThatThrownBy(() -> QuarantineMethod.parse("foo:bar"))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("unknown scheme");
    }
}
