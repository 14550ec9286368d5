package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.amavisd.dkim.DkimResult;
import org.amavisd.dkim.DkimVerifier;
import org.amavisd.dkim.DnsKeyRetriever;
import org.amavisd.dkim.DnsTxtLookup;
import org.amavisd.dkim.KeyCommands;
import org.amavisd.dkim.LoopbackDnsServer;
import org.amavisd.dkim.SigningKey;
import org.amavisd.dkim.VerificationResult;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM through the daemon's sockets: originating mail signed on its way out (the signature
 * verified against the key published in a real DNS server on loopback), incoming mail verified
 * with an Authentication-Results field and the author's policy bank, and the key commands.
 */
class DkimDaemonTest {
    private static final String MSG = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"
            + "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nSubject: signed\r\nMessage-ID: <d1@example.com>\r\n\r\n"
            + "Hello,\r\nthis goes out signed.\r\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private int start(int backEnd, String extra) throws Exception {
        daemon.start(dir, backEnd, extra);
        return daemon.port();
    }

    private static String send(int port, String message, String rcpt) throws Exception {
        try (ScriptedClient c = new ScriptedClient(port)) {
            return c.sendMail("EHLO", "alice@example.com", List.of(rcpt), message);
        }
    }

    private Path key() throws Exception {
        Path key = dir.resolve("example.com.pem");
        if (!Files.exists(key)) KeyCommands.genrsa(key, 1024);
        return key;
    }

    private static String txt(Path key) throws Exception {
        SigningKey k = SigningKey.load(List.of(new org.amavisd.policy.conf.DkimKeyDecl(
                        org.amavisd.policy.conf.PerlValue.of("example.com"),
                        "sel",
                        key.toString(),
                        java.util.Map.of(),
                        null)))
                .get(0);
        return "v=DKIM1; p=" + Base64.getEncoder().encodeToString(k.publicKey().getEncoded());
    }

    /** Originating mail (the port's bank sets originating) with signing on and a key for its domain. */
    private String signingConf(Path key) {
        return "$enable_dkim_signing = 1;\n$originating = 1;\n" + "dkim_key('example.com', 'sel', '" + key + "');\n";
    }

    /** The message as a signing daemon relays it (the daemon is stopped again). */
    private String signedByOurDaemon(Path key, String extra, String message) throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), signingConf(key) + extra);
            send(port, message, "bob@example.net");
            return mta.messages().get(0).data();
        } finally {
            daemon.stop();
        }
    }

    @Test
    void originatingMailIsSignedOverTheExactBytesRelayed() throws Exception {
        Path key = key();
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            int port = start(mta.port(), signingConf(key));
            assertThat(send(port, MSG, "bob@example.net")).startsWith("250 ");
            String relayed = mta.messages().get(0).data();
            assertThat(relayed)
                    .startsWith("DKIM-Signature: v=1; a=rsa-sha256;")
                    .contains("d=example.com")
                    .contains("s=sel");
            dns.publish("sel._domainkey.example.com", txt(key));
            VerificationResult vr = new DkimVerifier(
                            new DnsKeyRetriever(new DnsTxtLookup(dns.address(), Duration.ofSeconds(2))))
                    .verify(new java.io.ByteArrayInputStream(relayed.getBytes(StandardCharsets.ISO_8859_1)));
            assertThat(vr.signatures()).hasSize(1);
            assertThat(vr.signatures().get(0).result()).isEqualTo(DkimResult.PASS);
        }
    }

    @Test
    void signatureOptionsComeFromEveryMatchingEntryTheMostSpecificFirst() throws Exception {
        Path key = key();
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(
                    mta.port(),
                    signingConf(key)
                            + "@dkim_signature_options_bysender_maps = ( {\n"
                            + "  'example.com' => { c => 'relaxed/relaxed' },\n"
                            + "  '.' => { c => 'simple/simple', ttl => 3600 } } );\n");
            assertThat(send(port, MSG, "bob@example.net")).startsWith("250 ");
            String sig = mta.messages().get(0).data().split("\r\n(?![ \t])", 2)[0];
            assertThat(sig).contains("c=relaxed/relaxed").containsPattern("x=\\d+");
        }
    }

    @Test
    void mailThatIsNotOriginatingIsNotSigned() throws Exception {
        Path key = key();
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$enable_dkim_signing = 1;\ndkim_key('example.com', 'sel', '" + key + "');\n");
            assertThat(send(port, MSG, "bob@example.net")).startsWith("250 ");
            assertThat(mta.messages().get(0).data()).doesNotContain("DKIM-Signature");
        }
    }

    @Test
    void incomingSignaturesAreVerifiedAndTheAuthorsSignatureLoadsItsBank() throws Exception {
        Path key = key();
        String signed = signedByOurDaemon(key, "", MSG);
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            dns.publish("sel._domainkey.example.com", txt(key));
            int port = start(
                    mta.port(),
                    "$enable_dkim_verification = 1;\n$dkim_dns_resolver = '127.0.0.1:"
                            + dns.address().getPort()
                            + "';\n$dkim_dns_timeout = 2;\n@local_domains_acl = ('example.net');\n"
                            + "@author_to_policy_bank_maps = ( { 'example.com' => 'WHITELIST' } );\n"
                            + "$policy_bank{'WHITELIST'} = { bypass_banned_checks_maps => [1] };\n");
            assertThat(send(port, signed, "bob@example.net")).startsWith("250 ");
            String got = mta.messages().get(0).data();
            assertThat(got)
                    .containsPattern("Authentication-Results: amavis\\.test \\(amavis\\);\\s+dkim=pass")
                    .contains("header.d=example.com");
            assertThat(Files.readString(dir.resolve("amavisd.log")))
                    .contains("Passed CLEAN {RelayedInbound}, WHITELIST");
        }
    }

    @Test
    void aThirdPartySignatureLoadsTheBankOfTheAuthorSignerPair() throws Exception {
        Path key = key();
        // signed by example.com for an author at example.org: a third-party signature
        String signed = signedByOurDaemon(
                key,
                "@dkim_signature_options_bysender_maps = ( { 'carol@example.org' => { d => 'example.com' } } );\n",
                MSG.replace("Alice <alice@example.com>", "Carol <carol@example.org>"));
        assertThat(signed).startsWith("DKIM-Signature:").contains("d=example.com");
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            dns.publish("sel._domainkey.example.com", txt(key));
            int port = start(
                    mta.port(),
                    "$enable_dkim_verification = 1;\n$dkim_dns_resolver = '127.0.0.1:"
                            + dns.address().getPort()
                            + "';\n@local_domains_acl = ('example.net');\n"
                            + "@author_to_policy_bank_maps = ( { 'example.org/@example.com' => 'PARTNER' } );\n"
                            + "$policy_bank{'PARTNER'} = { bypass_banned_checks_maps => [1] };\n");
            assertThat(send(port, signed, "bob@example.net")).startsWith("250 ");
            assertThat(Files.readString(dir.resolve("amavisd.log"))).contains("{RelayedInbound}, PARTNER");
        }
    }

    @Test
    void theSignersReputationMovesTheSpamLevel() throws Exception {
        Path key = key();
        String signed = signedByOurDaemon(key, "", MSG);
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            dns.publish("sel._domainkey.example.com", txt(key));
            // no spamd (port 1): the level is the soft list's 10 points, moved toward the signer's -5
            // by $reputation_factor 0.2: 0.2 * -5 + 0.8 * 10 = 7
            int port = start(
                    mta.port(),
                    "$enable_dkim_verification = 1;\n$dkim_dns_resolver = '127.0.0.1:"
                            + dns.address().getPort()
                            + "';\n@local_domains_acl = ('example.net');\n$sa_tag_level_deflt = -999;\n"
                            + "@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient', port => 1]);\n"
                            + "@score_sender_maps = ( { '.' => [ { 'alice@example.com' => 10 } ] } );\n"
                            + "@signer_reputation_maps = ( { '@example.com' => -5 } );\n");
            assertThat(send(port, signed, "bob@example.net")).startsWith("250 ");
            assertThat(mta.messages().get(0).data())
                    .contains("X-Spam-Score: 7\r\n")
                    .contains("AM.DKIM_REPUT=-3");
        }
    }

    @Test
    void aDnsServerThatDoesNotAnswerGivesTemperrorNotATempfail() throws Exception {
        Path key = key();
        String signed = signedByOurDaemon(key, "", MSG);
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(true)) {
            int port = start(
                    mta.port(),
                    "$enable_dkim_verification = 1;\n$dkim_dns_resolver = '127.0.0.1:"
                            + dns.address().getPort()
                            + "';\n$dkim_dns_timeout = 1;\n@local_domains_acl = ('example.net');\n");
            // a field from outside that claims our authserv-id is removed (RFC 8601), as amavisd-new does
            String forged = "Authentication-Results: amavis.test; dkim=pass header.d=forged.test\r\n" + signed;
            assertThat(send(port, forged, "bob@example.net")).startsWith("250 ");
            assertThat(mta.messages().get(0).data())
                    .containsPattern("dkim=temperror")
                    .doesNotContain("forged.test");
        }
    }

    @Test
    void aBrokenSignatureIsAResultNotATempfail() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp();
                LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            int port = start(
                    mta.port(),
                    "$enable_dkim_verification = 1;\n$dkim_dns_resolver = '127.0.0.1:"
                            + dns.address().getPort() + "';\n@local_domains_acl = ('example.net');\n");
            String broken = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; b=%%%; bh=!!!; h=\r\n"
                    + "DKIM-Signature: garbage without tags\r\n" + MSG;
            assertThat(send(port, broken, "bob@example.net")).startsWith("250 ");
            assertThat(mta.messages().get(0).data())
                    .containsPattern("Authentication-Results: amavis\\.test \\(amavis\\);");
        }
    }

    @Test
    void genrsaAndShowkeysOnTheCommandLine() throws Exception {
        Path key = dir.resolve("k.pem");
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertThat(Main.run("genrsa", key.toString(), "1024")).isZero();
            Path conf = dir.resolve("keys.conf");
            Files.writeString(conf, "dkim_key('example.com', 'sel', '" + key + "');\n1;\n");
            assertThat(Main.run("-c", conf.toString(), "showkeys")).isZero();
        } finally {
            System.setOut(out);
        }
        assertThat(Files.exists(key)).isTrue();
        assertThat(java.nio.file.Files.getPosixFilePermissions(key))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .contains("sel._domainkey.example.com.")
                .contains("v=DKIM1; p=");
    }
}
