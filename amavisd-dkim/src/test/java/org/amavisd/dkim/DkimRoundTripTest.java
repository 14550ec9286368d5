package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign with our signer, verify with our verifier against a real DNS server on loopback. */
class DkimRoundTripTest {
    static final String MESSAGE =
            "Received: from client.example.com by mx.example.com; Tue, 1 Dec 2026 10:00:00 +0000\r\n"
                    + "From: Alice Example <alice@example.com>\r\n"
                    + "To: bob@example.net\r\n"
                    + "Subject: lunch\r\n"
                    + "  tomorrow?\r\n"
                    + "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
                    + "Message-ID: <1@example.com>\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=us-ascii\r\n"
                    + "\r\n"
                    + "Hello Bob,\r\n"
                    + "\r\n"
                    + "lunch at noon?   \r\n"
                    + "\r\n"
                    + "\r\n";

    static final long NOW = System.currentTimeMillis() / 1000;

    @TempDir
    static Path dir;

    static LoopbackDnsServer dns;
    static SigningKey key;
    static DkimVerifier verifier;

    @BeforeAll
    static void setUp() throws IOException {
        dns = new LoopbackDnsServer(false);
        key = TestKeys.generate(dir, "example.com", "sel1", 1024);
        dns.publish("sel1._domainkey.example.com", TestKeys.txt(key));
        verifier = new DkimVerifier(new DnsKeyRetriever(new DnsTxtLookup(dns.address(), Duration.ofSeconds(5))));
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        dns.close();
    }

    static Path spool(String text) throws IOException {
        Path f = Files.createTempFile(dir, "msg", ".eml");
        Files.writeString(f, text, StandardCharsets.US_ASCII);
        return f;
    }

    /** Signs MESSAGE with prepended fields; returns the full signed message text. */
    static String signed(List<String> prepended, Map<String, String> options, String message) throws IOException {
        Path f = spool(message);
        DkimSigner signer = new DkimSigner(List.of(key));
        List<String> header = new java.util.ArrayList<>(prepended);
        header.addAll(HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)))
                .getFields());
        DkimSigner.Plan plan = signer.choose(
                        DkimSigner.originators(header, "alice@example.com"),
                        a -> options.isEmpty() ? List.of() : List.of(options),
                        NOW)
                .orElseThrow();
        String sig = signer.sign(plan, prepended, f, DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS);
        StringBuilder out = new StringBuilder(sig).append("\r\n");
        for (String p : prepended) {
            out.append(p).append("\r\n");
        }
        return out.append(message).toString();
    }

    @Test
    void signedMessageVerifiesWithTheKeyFromDns() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        assertThat(msg).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel1;");
        VerificationResult r = verifier.verify(spool(msg));
        assertThat(r.signatures()).hasSize(1);
        SignatureResult s = r.signatures().get(0);
        assertThat(s.result()).isEqualTo(DkimResult.PASS);
        assertThat(s.detail()).isEqualTo("pass");
        assertThat(s.domain()).isEqualTo("example.com");
        assertThat(s.identity()).isEqualTo("@example.com");
        assertThat(s.selector()).isEqualTo("sel1");
        assertThat(s.keyBits()).isEqualTo(1024);
        assertThat(s.bPrefix()).hasSize(8);
        assertThat(msg).contains("b=" + s.bPrefix());
        assertThat(r.authors()).containsExactly("alice@example.com");
        assertThat(r.authorDomainSignatures()).containsExactly(s);

        String ar = AuthenticationResults.field("mx.example.com", r.signatures(), false, false);
        assertThat(ar)
                .isEqualTo("Authentication-Results: mx.example.com (amavis); dkim=pass (1024-bit key)\r\n"
                        + " header.d=example.com header.i=@example.com header.s=sel1");
        assertThat(AuthenticationResults.field("mx.example.com", r.signatures(), false, true))
                .isEqualTo("Authentication-Results: mx.example.com (amavis); dkim=pass (1024-bit key)\r\n"
                        + " header.d=example.com");
    }

    @Test
    void headerListFollowsAmavisdNewWithOverSigning() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        String h = Tags.parse(HeaderSection.value(
                        HeaderSection.read(new ByteArrayInputStream(msg.getBytes(StandardCharsets.US_ASCII)))
                                .getFields()
                                .get(0)))
                .get("h")
                .replace(" ", "");
        assertThat(msg.substring(0, msg.indexOf("\r\nReceived:")).split("\r\n"))
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        // bottom up; From, Subject, Date and Content-Type twice; To not signed (weight 0)
        assertThat(h)
                .isEqualTo(
                        "content-type:content-type:mime-version:message-id:date:date:subject:subject:from:from:received");
    }

    @Test
    void anAddedFromAfterSigningBreaksTheSignature() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        String forged = msg.replace("To: bob@example.net\r\n", "To: bob@example.net\r\nFrom: mallory@evil.test\r\n");
        SignatureResult s = verifier.verify(spool(forged)).signatures().get(0);
        assertThat(s.result()).isEqualTo(DkimResult.FAIL);
        assertThat(s.detail()).isEqualTo("fail (message has been altered)");
    }

    @Test
    void prependedHeaderFieldsAreCoveredByTheSignature() throws IOException {
        List<String> added = List.of(
                "X-Virus-Scanned: amavisd (Java) at example.com",
                "Received: from localhost by amavisd; Tue, 1 Dec 2026 10:00:01 +0000");
        String msg = signed(added, Map.of(), MESSAGE);
        VerificationResult r = verifier.verify(spool(msg));
        assertThat(r.signatures().get(0).result()).isEqualTo(DkimResult.PASS);
        String h = Tags.parse(msg.substring(0, msg.indexOf("\r\nX-Virus"))).get("h");
        assertThat(h.replace(" ", "")).endsWith(":from:from:received:received");
        SignatureResult altered = verifier.verify(spool(msg.replace("by amavisd;", "by amavisd2;")))
                .signatures()
                .get(0);
        assertThat(altered.result()).isEqualTo(DkimResult.FAIL);
    }

    @Test
    void aModifiedBodyFails() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        VerificationResult r = verifier.verify(spool(msg.replace("lunch at noon?", "lunch at one?")));
        assertThat(r.signatures().get(0).result()).isEqualTo(DkimResult.FAIL);
        assertThat(r.signatures().get(0).detail()).isEqualTo("fail (body has been altered)");
        assertThat(r.authorDomainSignatures()).isEmpty();
        assertThat(AuthenticationResults.field("mx.example.com", r.signatures(), false, true))
                .isEqualTo("Authentication-Results: mx.example.com (amavis); dkim=fail (1024-bit key)\r\n"
                        + " reason=\"fail (body has been altered)\" header.d=example.com");
    }

    @Test
    void simpleCanonicalizationAndTtlFromTheBySenderOptions() throws IOException {
        String msg = signed(List.of(), Map.of("c", "simple/simple", "ttl", "3600"), MESSAGE);
        assertThat(msg.substring(0, msg.indexOf("\r\nReceived:")))
                .doesNotContain("c=")
                .contains("x=" + (NOW + 3600) + ";");
        assertThat(verifier.verify(spool(msg)).signatures().get(0).result()).isEqualTo(DkimResult.PASS);
        // simple header canonicalization: re-folding a signed field breaks it
        String refolded = msg.replace("Subject: lunch\r\n  tomorrow?", "Subject: lunch tomorrow?");
        assertThat(verifier.verify(spool(refolded)).signatures().get(0).result())
                .isEqualTo(DkimResult.FAIL);
    }

    @Test
    void unsignedMailIsNone() throws IOException {
        VerificationResult r = verifier.verify(spool(MESSAGE));
        assertThat(r.unsigned()).isTrue();
        assertThat(AuthenticationResults.field("mx.example.com", r.signatures(), false, false))
                .isNull();
        assertThat(AuthenticationResults.field("mx.example.com", r.signatures(), true, false))
                .isEqualTo("Authentication-Results: mx.example.com (amavis); dkim=none");
    }

    @Test
    void missingKeyIsNeutralAsInAmavisdNew() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE).replace("s=sel1;", "s=nokey;");
        SignatureResult s = verifier.verify(spool(msg)).signatures().get(0);
        assertThat(s.result()).isEqualTo(DkimResult.NEUTRAL);
        assertThat(s.detail()).isEqualTo("invalid (public key: not available)");
    }

    @Test
    void servfailIsTemperror() throws IOException {
        dns.servfail.put("broken._domainkey.example.com", true);
        String msg = signed(List.of(), Map.of(), MESSAGE).replace("s=sel1;", "s=broken;");
        SignatureResult s = verifier.verify(spool(msg)).signatures().get(0);
        assertThat(s.result()).isEqualTo(DkimResult.TEMPERROR);
        assertThat(s.detail()).startsWith("temperror (").contains("SERVFAIL");
    }

    @Test
    void aDnsServerThatNeverAnswersGivesTemperror() throws Exception {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        try (LoopbackDnsServer silent = new LoopbackDnsServer(true)) {
            DkimVerifier v =
                    new DkimVerifier(new DnsKeyRetriever(new DnsTxtLookup(silent.address(), Duration.ofMillis(700))));
            VerificationResult r = v.verify(spool(msg));
            SignatureResult s = r.signatures().get(0);
            assertThat(s.result()).isEqualTo(DkimResult.TEMPERROR);
            assertThat(silent.queries.get()).isPositive();
            assertThat(AuthenticationResults.body("mx.example.com", r.signatures(), false, true))
                    .startsWith("mx.example.com (amavis);\n dkim=temperror\n reason=\"temperror (");
        }
    }

    @Test
    void severalSignaturesEachGetTheirResultAndHeaderB() throws IOException {
        String once = signed(List.of(), Map.of(), MESSAGE);
        SigningKey other = TestKeys.generate(dir, "example.com", "sel2", 1024);
        // a second signature by a key whose record is not published
        DkimSigner signer2 = new DkimSigner(List.of(other));
        List<String> header = HeaderSection.read(new ByteArrayInputStream(once.getBytes(StandardCharsets.US_ASCII)))
                .getFields();
        DkimSigner.Plan plan = signer2.choose(DkimSigner.originators(header, null), a -> List.of(), NOW)
                .orElseThrow();
        String sig2 = signer2.sign(plan, List.of(), spool(once), DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS);
        VerificationResult r = verifier.verify(spool(sig2 + "\r\n" + once));
        assertThat(r.signatures())
                .extracting(SignatureResult::result)
                .containsExactly(DkimResult.NEUTRAL, DkimResult.PASS);
        String body = AuthenticationResults.body("mx.example.com", r.signatures(), false, false);
        assertThat(body)
                .contains("header.b=\"" + r.signatures().get(0).bPrefix() + "\"")
                .contains("header.b=\"" + r.signatures().get(1).bPrefix() + "\"");
        String field = AuthenticationResults.field("mx.example.com", r.signatures(), false, false);
        for (String line : field.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(78);
        }
    }

    @Test
    void theResolverSettingReachesTheLoopbackServer() throws IOException {
        DnsTxtLookup lookup =
                DnsTxtLookup.fromSettings("127.0.0.1:" + dns.address().getPort(), 5);
        DnsTxtLookup.Answer a = lookup.lookup("sel1._domainkey.example.com");
        assertThat(a.status()).isEqualTo(DnsTxtLookup.Status.FOUND);
        assertThat(a.records()).containsExactly(TestKeys.txt(key));
        assertThat(lookup.lookup("nothing.example.com").status()).isEqualTo(DnsTxtLookup.Status.NOT_FOUND);
    }

    @Test
    void anExpiredSignatureIsNeutral() throws IOException {
        String msg = signed(List.of(), Map.of("ttl", "1"), MESSAGE);
        // x= is in the past once t= is moved back: the signature no longer verifies either way, but the
        // expiry is what jDKIM reports first, as Mail::DKIM does
        String x = Tags.parse(msg.substring(0, msg.indexOf("\r\nReceived:"))).get("x");
        String expired = msg.replace("x=" + x + ";", "x=1000;").replace("t=" + NOW + ";", "t=900;");
        SignatureResult s = verifier.verify(spool(expired)).signatures().get(0);
        assertThat(s.result()).isEqualTo(DkimResult.NEUTRAL);
        assertThat(s.detail()).isEqualTo("invalid (signature is expired)");
        assertThat(s.expiration()).isEqualTo(1000L);
    }

    @Test
    void mailAlreadySignedByTheDomainIsNotSignedAgain() throws IOException {
        String msg = signed(List.of(), Map.of(), MESSAGE);
        VerificationResult r = verifier.verify(spool(msg));
        DkimSigner signer = new DkimSigner(List.of(key));
        DkimSigner.Plan plan = signer.choose(
                        DkimSigner.originators(List.of("From: alice@example.com"), null), a -> List.of(), NOW)
                .orElseThrow();
        assertThat(DkimSigner.alreadySigned(plan, r)).isTrue();
        assertThat(DkimSigner.alreadySigned(plan, verifier.verify(spool(MESSAGE))))
                .isFalse();
    }
}
