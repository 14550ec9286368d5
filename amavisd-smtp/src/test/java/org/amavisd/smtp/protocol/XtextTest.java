package org.amavisd.smtp.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XtextTest {
    @Test
    void roundTripsAndRejectsInvalid() {
        assertThat(Xtext.encode("a+b=c d\u00e9")).isEqualTo("a+2Bb+3Dc+20d+C3+A9");
        assertThat(Xtext.decode("a+2Bb+3Dc+20d+C3+A9")).isEqualTo("a+b=c d\u00e9");
        assertThat(Xtext.decode("[UNAVAILABLE]")).isEqualTo("[UNAVAILABLE]");
        assertThat(Xtext.decode("bad+2")).isNull();
        assertThat(Xtext.decode("bad+zz")).isNull();
        assertThat(Xtext.decode("a=b")).isNull();
    }
}
