package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorPolicyTest {
    static SignatureResult sig(DkimResult r, String d, int bits) {
        return new SignatureResult(r, r.word(), d, "@" + d, "s", "rsa-sha256", "AAAAAAAAAA", bits, null, null);
    }

    @Test
    void authorDomainSignaturesLoadTheirBanks() {
        VerificationResult r = new VerificationResult(
                List.of(
                        sig(DkimResult.PASS, "example.com", 2048),
                        sig(DkimResult.PASS, "list.example.org", 2048),
                        sig(DkimResult.FAIL, "example.com", 2048)),
                List.of("boss@sub.example.com"));
        List<String> asked = new ArrayList<>();
        Map<String, String> map = Map.of(
                "boss@sub.example.com", "WHITELIST",
                "boss@sub.example.com/@list.example.org", "1");
        List<String> banks = AuthorPolicy.policyBanks(
                r,
                (addr, suffix) -> {
                    asked.add(addr + suffix);
                    return map.get(addr + suffix);
                },
                1024);
        assertThat(banks).containsExactly("WHITELIST", "AUTHOR_APPROVED");
        assertThat(asked)
                .containsExactly(
                        "boss@sub.example.com",
                        "boss@sub.example.com/@example.com",
                        "boss@sub.example.com/@list.example.org");
        assertThat(r.authorDomainSignatures())
                .extracting(SignatureResult::domain)
                .containsExactly("example.com");
    }

    @Test
    void shortKeysLoadNothingAndReputationPicksTheLowest() {
        VerificationResult r = new VerificationResult(
                List.of(sig(DkimResult.PASS, "example.com", 512), sig(DkimResult.PASS, "good.example", 2048)),
                List.of("a@example.com"));
        assertThat(AuthorPolicy.policyBanks(r, (a, s) -> "WHITELIST, MILD", 1024))
                .containsExactly("WHITELIST", "MILD");
        assertThat(AuthorPolicy.policyBanks(
                        new VerificationResult(List.of(r.signatures().get(0)), r.authors()),
                        (a, s) -> "WHITELIST",
                        1024))
                .isEmpty();
        Map<String, Double> rep = Map.of("@example.com", -5.0, "@good.example", -2.0);
        assertThat(AuthorPolicy.bestReputation(r, rep::get, 1024))
                .contains(new AuthorPolicy.Reputation("good.example", -2.0));
        assertThat(AuthorPolicy.bestReputation(r, rep::get, 0))
                .contains(new AuthorPolicy.Reputation("example.com", -5.0));
        assertThat(AuthorPolicy.adjustedSpamLevel(10.0, 0.2, -2.0))
                .isEqualTo(7.6, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void addressesOfFromFieldsAreParsed() {
        assertThat(Addresses.parse("\"Doe, John\" <john@Example.COM>, (comment) jane@example.org (Jane)"))
                .containsExactly("john@Example.COM", "jane@example.org");
        assertThat(Addresses.domain("john@Example.COM.")).isEqualTo("example.com");
        assertThat(AuthenticationResults.parseAuthservId("mx.example.com (amavis); dkim=pass header.d=x"))
                .isEqualTo("mx.example.com");
        assertThat(AuthenticationResults.authservId("", "mx.example.com")).isEqualTo("mx.example.com");
        assertThat(AuthenticationResults.authservId("auth.example", "mx.example.com"))
                .isEqualTo("auth.example");
    }
}
