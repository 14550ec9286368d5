package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.DkimKeyDecl;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key and option choice of amavisd-new's dkim_make_signatures. */
class SigningChoiceTest {
    @TempDir
    static Path dir;

    static DkimSigner signer;

    @BeforeAll
    static void keys() throws Exception {
        Path a = dir.resolve("a.pem");
        Path b = dir.resolve("b.pem");
        Path c = dir.resolve("c.pem");
        KeyCommands.genrsa(a, 1024);
        KeyCommands.genrsa(b, 1024);
        KeyCommands.genrsa(c, 1024);
        signer = new DkimSigner(SigningKey.load(List.of(
                TestKeys.decl("example.com", "mail", a),
                new DkimKeyDecl(
                        new PerlValue.Str("example.org"), "strict", b.toString(), Map.of("t", "s"), Origin.DEFAULT),
                TestKeys.decl("*.example.net", "wild", c))));
    }

    static Optional<DkimSigner.Plan> choose(List<String> header, String mailFrom, List<Map<String, String>> options) {
        return signer.choose(DkimSigner.originators(header, mailFrom), a -> options, 1000);
    }

    @Test
    void theAuthorDomainKeyWinsWithAmavisdNewDefaults() {
        DkimSigner.Plan p = choose(List.of("From: a@example.com", "Sender: s@example.org"), "x@example.org", List.of())
                .orElseThrow();
        assertThat(p.tags())
                .containsExactly(
                        Map.entry("v", "1"),
                        Map.entry("a", "rsa-sha256"),
                        Map.entry("c", "relaxed/simple"),
                        Map.entry("d", "example.com"),
                        Map.entry("s", "mail"),
                        Map.entry("t", "1000"));
        assertThat(p.originator()).isEqualTo(new DkimSigner.Originator("a@example.com", "From"));
    }

    @Test
    void laterOriginatorsAreTriedWhenTheAuthorDomainHasNoKey() {
        DkimSigner.Plan p = choose(
                        List.of("From: a@elsewhere.test", "Resent-From: r@example.org"), "x@example.com", List.of())
                .orElseThrow();
        assertThat(p.domain()).isEqualTo("example.org");
        assertThat(p.originator().source()).isEqualTo("Resent-From");
        assertThat(choose(List.of("From: a@elsewhere.test"), "x@example.com", List.of())
                        .orElseThrow()
                        .originator()
                        .source())
                .isEqualTo("mail_from");
        assertThat(choose(List.of("From: a@elsewhere.test"), "", List.of())).isEmpty();
    }

    @Test
    void bySenderOptionsChooseTheParentDomainAndIdentity() {
        DkimSigner.Plan p = choose(
                        List.of("From: a@dept.example.com"),
                        null,
                        List.of(Map.of("d", "example.com", "c", "relaxed/relaxed", "ttl", "600")))
                .orElseThrow();
        assertThat(p.domain()).isEqualTo("example.com");
        assertThat(p.tags()).containsEntry("c", "relaxed/relaxed").containsEntry("x", "1600");
        // the key allows subdomains: i= defaults to the author's subdomain
        assertThat(p.tags()).containsEntry("i", "@dept.example.com");
    }

    @Test
    void aKeyWithTEqualsSWillNotSignForASubdomainIdentity() {
        assertThat(choose(List.of("From: a@example.org"), null, List.of(Map.of("i", "@sub.example.org"))))
                .isEmpty();
        DkimSigner.Plan p = choose(List.of("From: a@sub.example.org"), null, List.of(Map.of("d", "example.org")))
                .orElseThrow();
        assertThat(p.tags()).doesNotContainKey("i");
    }

    @Test
    void wildcardDomainsAndSelectorsAndAlgorithms() {
        assertThat(choose(List.of("From: a@host.example.net"), null, List.of())
                        .orElseThrow()
                        .selector())
                .isEqualTo("wild");
        assertThat(choose(List.of("From: a@example.com"), null, List.of(Map.of("s", "other"))))
                .isEmpty();
        assertThat(choose(List.of("From: a@example.com"), null, List.of(Map.of("a", "ed25519-sha256"))))
                .isEmpty();
        assertThat(choose(List.of("From: a@example.com"), null, List.of(Map.of("c", "simple/simple"))))
                .get()
                .extracting(p -> p.tags().containsKey("c"))
                .isEqualTo(false);
    }

    @Test
    void signedHeaderFieldNamesAsAmavisdNewBuildsThem() {
        List<String> fields = List.of(
                "Received: a", "Received: b", "From: x@example.com", "To: y@example.net", "Subject: s", "X-Other: o");
        assertThat(DkimSigner.signedFieldNames(fields, DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS, false))
                .containsExactly("subject", "subject", "from", "from", "received", "received");
        assertThat(DkimSigner.signedFieldNames(fields, DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS, true))
                .containsExactly("subject", "subject", "from", "from", "received");
    }
}
