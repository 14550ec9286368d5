package org.amavisd.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.amavisd.policy.conf.DkimKeyDecl;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCommandsTest {
    @TempDir
    Path dir;

    @Test
    void genrsaWritesAPkcs1PemOnlyTheOwnerCanRead() throws Exception {
        Path f = dir.resolve("k.pem");
        String msg = KeyCommands.genrsa(f, 1024);
        assertThat(msg)
                .isEqualTo("Private RSA key successfully written to file \"" + f + "\" (1024 bits, PEM format) \n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        String pem = Files.readString(f);
        assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----\n").endsWith("-----END RSA PRIVATE KEY-----\n");
        assertThat(SigningKey.load(List.of(TestKeys.decl("example.com", "s", f)))
                        .get(0)
                        .bits())
                .isEqualTo(1024);
        assertThatThrownBy(() -> KeyCommands.genrsa(f, 1024)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> KeyCommands.genrsa(dir.resolve("small.pem"), 256))
                .hasMessageContaining("below 512");
        // openssl, when installed, reads it as an RSA key too
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            Process p = new ProcessBuilder("/usr/bin/openssl", "rsa", "-check", "-noout", "-in", f.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("RSA key ok");
        }
    }

    @Test
    void pkcs8KeysLoadToo() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        var pair = g.generateKeyPair();
        Path f = dir.resolve("p8.pem");
        Files.writeString(f, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
        SigningKey k =
                SigningKey.load(List.of(TestKeys.decl("example.com", "s", f))).get(0);
        assertThat(k.publicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "not a key\n");
        assertThatThrownBy(() -> SigningKey.load(List.of(TestKeys.decl("example.com", "s", bad))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no unencrypted RSA private key");
    }

    @Test
    void showkeysPrintsZoneFileLinesAsAmavisdNew() throws Exception {
        Path f1 = dir.resolve("a.pem");
        Path f2 = dir.resolve("b.pem");
        KeyCommands.genrsa(f1, 1024);
        KeyCommands.genrsa(f2, 1024);
        List<SigningKey> keys = SigningKey.load(List.of(
                TestKeys.decl("sub.example.org", "s1", f1),
                new DkimKeyDecl(
                        new PerlValue.Str("example.com"), "s2", f2.toString(), Map.of("t", "s"), Origin.DEFAULT)));
        String b64 = Base64.getEncoder().encodeToString(keys.get(0).publicKey().getEncoded());
        String out = KeyCommands.showkeys(keys, List.of());
        String expected1 = "; key#1 1024 bits, s=s1, d=sub.example.org, " + f1 + "\n"
                + "s1._domainkey.sub.example.org.\t3600 TXT (\n"
                + "  \"v=DKIM1; p=\"\n"
                + "  \"" + b64.substring(0, 64) + "\"\n"
                + "  \"" + b64.substring(64, 128) + "\"\n"
                + "  \"" + b64.substring(128, 192) + "\"\n"
                + "  \"" + b64.substring(192) + "\")\n\n";
        assertThat(out).startsWith(expected1);
        assertThat(out).contains("s2._domainkey.example.com.\t3600 TXT (\n  \"v=DKIM1; t=s; p=\"\n");
        // with a selection: only matching domains, sorted by reversed labels (com.example before org.example.sub)
        assertThat(KeyCommands.showkeys(keys, List.of(".example.org", "example.com")))
                .startsWith("; key#2 1024 bits, s=s2, d=example.com");
        assertThat(KeyCommands.showkeys(keys, List.of("example.net")))
                .isEqualTo("No DKIM private keys match the selection list.\n");
        assertThat(KeyCommands.showkeys(List.of(), List.of()))
                .isEqualTo("No DKIM private keys declared in a config file.\n");
    }

    @Test
    void testkeysLooksTheRecordsUpAndSaysWhetherTheyMatch() throws Exception {
        Path f1 = dir.resolve("good.pem");
        Path f2 = dir.resolve("other.pem");
        Path f3 = dir.resolve("missing.pem");
        KeyCommands.genrsa(f1, 1024);
        KeyCommands.genrsa(f2, 1024);
        KeyCommands.genrsa(f3, 1024);
        List<SigningKey> keys = SigningKey.load(List.of(
                TestKeys.decl("example.com", "good", f1),
                TestKeys.decl("example.com", "stale", f2),
                TestKeys.decl("example.net", "none", f3)));
        try (LoopbackDnsServer dns = new LoopbackDnsServer(false)) {
            dns.publish("good._domainkey.example.com", TestKeys.txt(keys.get(0)));
            // the record for "stale" holds another key (e.g. a rotated key file)
            dns.publish("stale._domainkey.example.com", TestKeys.txt(keys.get(2)));
            String out = KeyCommands.testkeys(keys, List.of(), new DnsTxtLookup(dns.address(), Duration.ofSeconds(5)));
            assertThat(out.split("\n"))
                    .containsExactly(
                            "TESTING#1 example.com: good._domainkey.example.com => pass",
                            "TESTING#2 example.com: stale._domainkey.example.com => fail (message has been altered)"
                                    + " (the key in DNS is not the key of " + f2 + ")",
                            "TESTING#3 example.net: none._domainkey.example.net => invalid (public key: not available)");
        }
    }
}
