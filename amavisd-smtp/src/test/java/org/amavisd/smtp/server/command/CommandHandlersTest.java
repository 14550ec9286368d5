package org.amavisd.smtp.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.amavisd.smtp.server.SessionSettings;
import org.amavisd.smtp.server.SessionState;
import org.junit.jupiter.api.Test;

/** Handlers against a session state alone: no socket. */
class CommandHandlersTest {
    private final SessionState state = new SessionState(
            new SessionSettings(
                    "amavis.test", 100_000, 2, Duration.ofSeconds(1), Path.of("/tmp"), false, m -> {}, null),
            "127.0.0.1",
            4000,
            "127.0.0.1",
            10024);

    private String run(String verb, String args) {
        return CommandRegistry.lookup(verb).handle(state, args).reply().toString();
    }

    @Test
    void greetingChoosesTheProtocol() {
        run("LHLO", "front");
        assertThat(state.isLmtp()).isTrue();
        run("EHLO", "front");
        assertThat(state.protocol()).isEqualTo("ESMTP");
        run("HELO", "front");
        assertThat(state.protocol()).isEqualTo("SMTP");
        assertThat(state.helo()).isEqualTo("front");
    }

    @Test
    void mailKeepsTheDsnAndBodyParameters() {
        run("EHLO", "front");
        assertThat(run("MAIL", "FROM:<s@x> RET=full ENVID=QQ314159 BODY=8bitmime SMTPUTF8 AUTH=<>"))
                .startsWith("250 2.1.0");
        assertThat(state.params().ret()).isEqualTo("FULL");
        assertThat(state.params().envid()).isEqualTo("QQ314159");
        assertThat(state.params().is8bit()).isTrue();
        assertThat(state.params().smtputf8()).isTrue();
    }

    @Test
    void internationalAddressesNeedSmtputf8() {
        run("EHLO", "front");
        assertThat(run("MAIL", "FROM:<j\u00f6rg@x>")).startsWith("553 5.6.7");
        assertThat(run("MAIL", "FROM:<j\u00f6rg@x> SMTPUTF8")).startsWith("250");
        assertThat(run("RCPT", "TO:<m\u00fcller@y>")).startsWith("250");
    }

    @Test
    void recipientLimitCountsEveryRcpt() {
        run("EHLO", "front");
        run("MAIL", "FROM:<s@x>");
        assertThat(run("RCPT", "TO:<a@x>")).startsWith("250");
        assertThat(run("RCPT", "TO:<b@x> ORCPT=rfc822;b+40x")).startsWith("250");
        assertThat(run("RCPT", "TO:<c@x>")).isEqualTo("452 4.5.3 Too many recipients");
        assertThat(state.recipients()).hasSize(2);
        assertThat(state.recipients().get(1).orcpt()).isEqualTo("rfc822;b+40x");
    }

    @Test
    void xforwardIsAllOrNothing() {
        run("EHLO", "front");
        assertThat(run("XFORWARD", "ADDR=1.2.3.4 BOGUS=1")).startsWith("501 5.5.4 Bad XFORWARD attribute name");
        assertThat(state.xforward().isEmpty()).isTrue();
        assertThat(run("XFORWARD", "ADDR=1.2.3.4 NAME=[UNAVAILABLE]")).isEqualTo("250 2.0.0 Ok");
        assertThat(state.xforward().known("ADDR")).isEqualTo("1.2.3.4");
        assertThat(state.xforward().known("NAME")).isNull();
    }
}
