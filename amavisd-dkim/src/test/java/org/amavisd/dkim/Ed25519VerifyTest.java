package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ed25519-sha256 (RFC 8463). No signer at hand makes such signatures (Debian's Mail::DKIM lacks
 * Crypt::PK::Ed25519), so the test signs by the RFC's recipe written out here, independently of our
 * verifier: simple/simple canonicalization, SHA-256 of the header data, Ed25519 over that hash.
 */
class Ed25519VerifyTest {
    static final String HEADER = "From: Joe SixPack <joe@football.example.com>\r\n"
            + "To: Suzie Q <suzie@shopping.example.net>\r\n"
            + "Subject: Is dinner ready?\r\n"
            + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n";
    static final String BODY = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n\r\n\r\n";

    static String sign(KeyPair pair) throws Exception {
        // simple body: trailing empty lines reduced to none (the body ends with one CRLF)
        String canonBody = BODY.replaceAll("(\r\n)+$", "\r\n");
        String bh = Base64.getEncoder()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(canonBody.getBytes(StandardCharsets.US_ASCII)));
        String stub = "DKIM-Signature: v=1; a=ed25519-sha256; c=simple/simple; d=football.example.com;\r\n"
                + " s=brisbane; t=1528637909; h=from:to:subject:date;\r\n bh=" + bh + ";\r\n b=";
        byte[] data = (HEADER + stub).getBytes(StandardCharsets.US_ASCII);
        Signature ed = Signature.getInstance("Ed25519");
        ed.initSign(pair.getPrivate());
        ed.update(MessageDigest.getInstance("SHA-256").digest(data));
        return stub + Base64.getEncoder().encodeToString(ed.sign()) + "\r\n" + HEADER + "\r\n" + BODY;
    }

    @Test
    void ed25519SignaturesVerifyWithTheJdksEdDsa() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String msg = sign(pair);
        try (LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            dns.publish(
                    "brisbane._domainkey.football.example.com",
                    "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(Ed25519Keys.raw(pair.getPublic())));
            DkimVerifier v =
                    new DkimVerifier(new DnsKeyRetriever(new DnsTxtLookup(dns.address(), Duration.ofSeconds(5))));
            VerificationResult r = v.verify(new ByteArrayInputStream(msg.getBytes(StandardCharsets.US_ASCII)));
            assertThat(r.signatures()).hasSize(1);
            SignatureResult s = r.signatures().get(0);
            assertThat(s.detail()).isEqualTo("pass");
            assertThat(s.algorithm()).isEqualTo("ed25519-sha256");
            assertThat(r.authorDomainSignatures()).containsExactly(s);

            String otherBody = msg.replace("Are you hungry yet?", "Are you hungry now?");
            assertThat(v.verify(new ByteArrayInputStream(otherBody.getBytes(StandardCharsets.US_ASCII)))
                            .signatures()
                            .get(0)
                            .detail())
                    .isEqualTo("fail (body has been altered)");
            String otherHeader = msg.replace("Is dinner ready?", "Is lunch ready?");
            assertThat(v.verify(new ByteArrayInputStream(otherHeader.getBytes(StandardCharsets.US_ASCII)))
                            .signatures()
                            .get(0)
                            .result())
                    .isEqualTo(DkimResult.FAIL);

            // an RSA record under the name of an ed25519 signature is the wrong key type
            dns.txt.put("brisbane._domainkey.football.example.com", List.of("v=DKIM1; k=rsa; p=MIGf"));
            assertThat(v.verify(new ByteArrayInputStream(msg.getBytes(StandardCharsets.US_ASCII)))
                            .signatures()
                            .get(0)
                            .detail())
                    .isEqualTo("invalid (public key: unsupported key type)");
        }
    }
}
