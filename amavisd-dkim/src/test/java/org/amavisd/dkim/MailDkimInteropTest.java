package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with Perl's Mail::DKIM (the library amavisd-new signs and verifies with), through
 * src/test/perl/dkim-tool.pl: Mail::DKIM verifies our signatures (with the key record that our showkeys
 * prints), and we verify Mail::DKIM's. Needs perl and libmail-dkim-perl (installed with amavisd-new);
 * gated by amavisd.e2e like the other tests that need a Debian package: "required" fails without it,
 * "auto" skips, "off" skips.
 */
class MailDkimInteropTest {
    static final Path TOOL = Path.of("src/test/perl/dkim-tool.pl").toAbsolutePath();

    @TempDir
    static Path dir;

    static LoopbackDnsServer dns;
    static SigningKey key;
    static List<SigningKey> keys;

    @BeforeAll
    static void setUp() throws Exception {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "amavisd.e2e=off");
        boolean present = run(List.of("perl", "-MMail::DKIM::Verifier", "-e", "1"), "").exit == 0;
        if (mode.equals("required")) {
            assertThat(present)
                    .as("perl with Mail::DKIM (Debian libmail-dkim-perl)")
                    .isTrue();
        }
        Assumptions.assumeTrue(present, "perl with Mail::DKIM (libmail-dkim-perl) is not installed");
        dns = new LoopbackDnsServer(false);
        Path file = dir.resolve("example.com.pem");
        KeyCommands.genrsa(file, 2048);
        keys = SigningKey.load(List.of(TestKeys.decl("example.com", "amavis", file)));
        key = keys.get(0);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        if (dns != null) {
            dns.close();
        }
    }

    record Run(int exit, String out) {}

    static Run run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Run(127, e.getMessage());
        }
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }

    String ourSigned(Map<String, String> options) throws IOException {
        DkimSigner signer = new DkimSigner(keys);
        String message = DkimRoundTripTest.MESSAGE;
        List<String> header = HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)))
                .getFields();
        DkimSigner.Plan plan = signer.choose(
                        DkimSigner.originators(header, null),
                        a -> options.isEmpty() ? List.of() : List.of(options),
                        System.currentTimeMillis() / 1000)
                .orElseThrow();
        List<String> added = List.of("X-Virus-Scanned: amavisd (Java) at example.com");
        Path f = Files.createTempFile(dir, "m", ".eml");
        Files.writeString(f, message, StandardCharsets.US_ASCII);
        return plan == null
                ? null
                : signer.sign(plan, added, f, DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS) + "\r\n" + added.get(0) + "\r\n"
                        + message;
    }

    @Test
    void mailDkimVerifiesOurRelaxedSimpleSignatureWithTheRecordFromShowkeys() throws Exception {
        Path txt = dir.resolve("amavis.txt");
        Files.writeString(txt, KeyCommands.showkeys(keys, List.of()));
        Run r = run(List.of("perl", TOOL.toString(), "verify", "example.com:" + txt), ourSigned(Map.of()));
        assertThat(r.out()).contains("result: pass").contains("signature d=example.com s=amavis a=rsa-sha256: pass");
        assertThat(r.exit()).isZero();
    }

    @Test
    void mailDkimVerifiesOurSimpleSimpleAndSha1Signatures() throws Exception {
        Path txt = dir.resolve("amavis2.txt");
        Files.writeString(txt, KeyCommands.showkeys(keys, List.of("example.com")));
        for (Map<String, String> opts : List.of(Map.of("c", "simple/simple"), Map.of("a", "rsa-sha1"))) {
            Run r = run(List.of("perl", TOOL.toString(), "verify", "example.com:" + txt), ourSigned(opts));
            assertThat(r.out()).as(opts.toString()).contains("result: pass");
        }
    }

    @Test
    void mailDkimNoticesWhenOurSignedBodyIsChanged() throws Exception {
        Path txt = dir.resolve("amavis3.txt");
        Files.writeString(txt, KeyCommands.showkeys(keys, List.of()));
        String changed = ourSigned(Map.of()).replace("noon", "one");
        Run r = run(List.of("perl", TOOL.toString(), "verify", "example.com:" + txt), changed);
        assertThat(r.out()).contains("result: fail (body has been altered)");
        assertThat(r.exit()).isNotZero();
    }

    @Test
    void weVerifyMailDkimSignatures() throws Exception {
        Path perlKey = dir.resolve("perl.pem");
        KeyCommands.genrsa(perlKey, 2048); // its record is over 255 bytes: two character-strings
        SigningKey pk = SigningKey.load(List.of(TestKeys.decl("example.org", "perl", perlKey)))
                .get(0);
        dns.publish("perl._domainkey.example.org", TestKeys.txt(pk));
        Run r = run(
                List.of("perl", TOOL.toString(), "sign", "example.org", "perl", perlKey.toString()),
                DkimRoundTripTest.MESSAGE);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("DKIM-Signature:");
        DkimVerifier v = new DkimVerifier(new DnsKeyRetriever(new DnsTxtLookup(dns.address(), Duration.ofSeconds(5))));
        VerificationResult res = v.verify(new ByteArrayInputStream(r.out().getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(res.signatures()).hasSize(1);
        assertThat(res.signatures().get(0).result()).isEqualTo(DkimResult.PASS);
        assertThat(res.signatures().get(0).domain()).isEqualTo("example.org");
        // a third-party signature: example.org is not the author's domain
        assertThat(res.authorDomainSignatures()).isEmpty();

        String tampered = r.out().replace("Subject: lunch", "Subject: dinner");
        List<SignatureResult> bad =
                new ArrayList<>(v.verify(new ByteArrayInputStream(tampered.getBytes(StandardCharsets.ISO_8859_1)))
                        .signatures());
        assertThat(bad.get(0).result()).isEqualTo(DkimResult.FAIL);
    }
}
