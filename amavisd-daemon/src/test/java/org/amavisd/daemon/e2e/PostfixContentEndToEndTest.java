package org.amavisd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.amavisd.daemon.Amavisd;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Content checks through a real Postfix on both sides, a real clamd and a real spamd, with
 * Debian's stock banned rules and spam levels: a banned attachment is discarded and quarantined, a
 * clean one passes with its headers (X-Virus-Scanned and the spam fields among them), a
 * banned-files lover among the recipients is the only one who gets the banned one, EICAR is
 * discarded and quarantined, and GTUBE is quarantined and discarded for a local recipient while a
 * spam lover gets it tagged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostfixContentEndToEndTest {
    private static MailServices services;
    private static Amavisd daemon;
    private static Path quarantine;

    @BeforeAll
    static void startAll() throws Exception {
        services = MailServices.forPostfix(24000)
                .with("SERVICES", "postfix clamd spamd")
                .with("CLAMD_PORT", "24310")
                .with("SPAMD_PORT", "24783");
        services.start();
        quarantine = services.state.resolve("virusmails");
        Files.createDirectories(quarantine);
        Path conf = services.writeAmavisdConf("""
                $QUARANTINEDIR = '%s';
                @local_domains_maps = ( ['.example.net', 'example.com'] );
                @banned_files_lovers_maps = ( ['lover@example.net'] );
                @spam_lovers_maps = ( ['lover@example.net'] );
                @spam_scanners = ( ['SpamdClient', 'Amavis::SpamControl::SpamdClient', host => '127.0.0.1', port => 24783] );
                $sa_tag_level_deflt = -999; $sa_tag2_level_deflt = 6.31; $sa_kill_level_deflt = 6.31;
                $sa_spam_subject_tag = '***SPAM*** ';
                $final_spam_destiny = D_DISCARD;
                @virus_name_to_spam_score_maps = ( new_RE( [ qr'^Amavis\\.Test\\.Marker' => 7.5 ] ) );
                @av_scanners = (
                  ['ClamAV-clamd', \\&ask_daemon, ["CONTSCAN {}\\n", "127.0.0.1:24310"],
                    qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],
                );
                $banned_filename_re = new_RE(
                  qr'\\.[^./]*\\.(exe|vbs|pif|scr|bat|cmd|com|cpl|dll)\\.?$'i,
                  qr'\\{[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\}?$'i,
                  qr'^application/x-msdownload$'i,
                  qr'^application/x-msdos-program$'i,
                  qr'^application/hta$'i,
                  qr'.\\.(exe|vbs|pif|scr|bat|cmd|com|cpl)$'i,
                  qr'^\\.(exe-ms)$',
                );
                """.formatted(quarantine));
        daemon = new Amavisd(() -> AmavisConf.load(conf), s -> s, true);
        daemon.start();
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (daemon != null) daemon.stop();
        if (services != null) services.stop();
    }

    private static String marker() {
        return "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static String send(List<String> rcpts, String marker, String attachmentName) throws Exception {
        return send(rcpts, marker, attachmentName, "data of " + marker + "\n");
    }

    private static String send(List<String> rcpts, String marker, String attachmentName, String content)
            throws Exception {
        String b = "=-=" + marker + "=-=";
        String msg = "From: <alice@example.org>\r\nTo: <" + rcpts.get(0) + ">\r\n"
                + "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nSubject: e2e " + marker + "\r\n"
                + "Message-ID: <" + marker + "@client.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n"
                + "Content-Type: text/plain\r\n\r\nbody of " + marker + "\r\n--" + b + "\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"" + attachmentName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.US_ASCII))
                + "\r\n--" + b + "--\r\n";
        try (ScriptedClient c = new ScriptedClient(services.smtpPort)) {
            String reply = c.sendMail("EHLO", "alice@example.org", rcpts, msg);
            c.command("QUIT");
            return reply;
        }
    }

    private static String logLines(String marker) throws Exception {
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.amavisdMessageLines().stream().anyMatch(l -> l.contains(marker)));
        return String.join(
                "\n",
                services.amavisdMessageLines().stream()
                        .filter(l -> l.contains("<" + marker + "@client.test>"))
                        .toList());
    }

    private static List<Path> quarantined() throws Exception {
        try (Stream<Path> s = Files.list(quarantine)) {
            return s.toList();
        }
    }

    @Test
    void bannedAttachmentIsDiscardedAndQuarantinedAndOnlyTheLoverGetsIt() throws Exception {
        String m = marker();
        assertThat(send(List.of("bob@example.net", "lover@example.net"), m, "invoice.pdf.exe"))
                .startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 1);
        String lovers = services.delivered(m).get(0);
        assertThat(lovers)
                .contains("Delivered-To: lover@example.net")
                .contains("X-Amavis-Alert: BANNED, message contains")
                .containsPattern("X-Quarantine-ID: <[A-Za-z0-9_+-]{12}>");
        String lines = logLines(m);
        assertThat(lines)
                .contains("Blocked BANNED (")
                .contains("invoice.pdf.exe) {DiscardedInbound,RelayedTaggedInbound,Quarantined}")
                .contains("-> <bob@example.net>")
                .contains("Passed BANNED (");
        String id = lovers.replaceAll("(?s).*X-Quarantine-ID: <([A-Za-z0-9_+-]{12})>.*", "$1");
        Path copy = quarantine.resolve("banned-" + id);
        assertThat(quarantined()).contains(copy);
        assertThat(Files.readString(copy, StandardCharsets.ISO_8859_1))
                .contains("X-Envelope-To: <bob@example.net>")
                .contains("filename=\"invoice.pdf.exe\"");
        // Postfix's amavisfeed client was told the message was accepted, one recipient discarded
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.maillog().contains("but 1 DISCARD"));
        // nothing stays in the front MTA's queue
        Thread.sleep(200);
        assertThat(services.delivered(m)).hasSize(1);
    }

    @Test
    void cleanAttachmentPassesWithItsHeaders() throws Exception {
        String m = marker();
        assertThat(send(List.of("bob@example.net"), m, "notes.txt")).startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 1);
        String got = services.delivered(m).get(0);
        assertThat(got)
                .contains("Delivered-To: bob@example.net")
                .contains("Subject: e2e " + m)
                .contains("Message-ID: <" + m + "@client.test>")
                .contains("filename=\"notes.txt\"")
                .containsPattern("\\(amavis, port " + services.filterPort + "\\)")
                .doesNotContain("X-Amavis-Alert")
                .doesNotContain("X-Quarantine-ID")
                .containsPattern("X-Virus-Scanned: .+")
                .contains("X-Spam-Flag: NO")
                .containsPattern("X-Spam-Status: No, score=-?[0-9.]+ tagged_above=-999 required=6\\.31\\s+tests=\\[");
        assertThat(logLines(m)).contains("Passed CLEAN {RelayedInbound}");
    }

    @Test
    void eicarIsDiscardedAndQuarantined() throws Exception {
        String m = marker();
        String eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        assertThat(send(List.of("bob@example.net"), m, "eicar.com.txt", eicar)).startsWith("250");
        String lines = logLines(m);
        assertThat(lines)
                .containsPattern("Blocked INFECTED \\(Eicar-Test-Signature[^)]*\\) \\{DiscardedInbound,Quarantined\\}")
                .contains("-> <bob@example.net>")
                .containsPattern("quarantine: virus-[A-Za-z0-9_+-]{12}");
        String name = lines.replaceAll("(?s).*quarantine: (virus-[A-Za-z0-9_+-]{12}).*", "$1");
        assertThat(Files.readString(quarantine.resolve(name), StandardCharsets.ISO_8859_1))
                .contains("X-Envelope-To-Blocked: <bob@example.net>")
                .contains("filename=\"eicar.com.txt\"");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.maillog().contains("INFECTED: Eicar-Test-Signature"));
        assertThat(services.delivered(m)).isEmpty();
    }

    @Test
    void gtubeIsTaggedForTheSpamLoverAndQuarantinedAndDiscardedForTheOthers() throws Exception {
        String m = marker();
        String gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
        assertThat(send(List.of("bob@example.net", "lover@example.net"), m, "note.txt", "text\n")
                        .startsWith("250"))
                .isTrue();
        // (the attachment is harmless; GTUBE goes in the body below)
        String g = marker();
        try (ScriptedClient c = new ScriptedClient(services.smtpPort)) {
            String reply = c.sendMail(
                    "EHLO",
                    "alice@example.org",
                    List.of("bob@example.net", "lover@example.net"),
                    "From: <alice@example.org>\r\nTo: <bob@example.net>\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                            + "Subject: e2e " + g + "\r\nMessage-ID: <" + g + "@client.test>\r\n\r\n" + gtube + "\r\n");
            c.command("QUIT");
            assertThat(reply).startsWith("250");
        }
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(g).size() == 1);
        String got = services.delivered(g).get(0);
        assertThat(got)
                .contains("Delivered-To: lover@example.net")
                .contains("X-Spam-Flag: YES")
                .containsPattern("X-Spam-Score: [0-9]{3,}")
                .contains("X-Spam-Level: " + "*".repeat(64))
                .containsPattern("X-Spam-Status: Yes, score=[0-9.]+ tagged_above=-999 required=6\\.31\\s+tests=\\[")
                .contains("GTUBE")
                .contains("Subject: ***SPAM*** e2e " + g);
        String lines = logLines(g);
        assertThat(lines)
                .containsPattern(
                        "Passed SPAM \\{DiscardedInbound,RelayedTaggedInbound,Quarantined\\}, .* -> <lover@example.net>")
                .containsPattern(
                        "Blocked SPAM \\{DiscardedInbound,RelayedTaggedInbound,Quarantined\\}, .* -> <bob@example.net>")
                .containsPattern("Hits: [0-9]{3,}")
                .containsPattern("quarantine: spam-[A-Za-z0-9_+-]{12}\\.gz");
        String name = lines.replaceAll("(?s).*quarantine: (spam-[A-Za-z0-9_+-]{12}\\.gz).*", "$1");
        try (java.io.InputStream in =
                new java.util.zip.GZIPInputStream(Files.newInputStream(quarantine.resolve(name)))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                    .contains("X-Envelope-To-Blocked: <bob@example.net>")
                    .contains(gtube);
        }
    }

    @Test
    void aVirusNameThatMeansSpamGivesSpamPointsNotAnInfection() throws Exception {
        String m = marker();
        // the test signature database names this marker Amavis.Test.Marker-1
        assertThat(send(List.of("bob@example.net"), m, "marker.txt", "AMAVIS-TEST-VIRUS-MARKER\n"))
                .startsWith("250");
        String lines = logLines(m);
        assertThat(lines)
                .containsPattern("Blocked SPAM \\{DiscardedInbound,Quarantined\\}, .* -> <bob@example.net>")
                .doesNotContain("INFECTED");
        assertThat(services.delivered(m)).isEmpty();
    }

    /** Runs last: it stops clamd. */
    @Test
    @Order(Integer.MAX_VALUE)
    void withClamdStoppedMidRunMailPassesUncheckedAndTaggedAsAmavisdNewDoes() throws Exception {
        long pid = Long.parseLong(
                Files.readString(services.state.resolve("pids/clamd.pid")).trim());
        ProcessHandle clamd = ProcessHandle.of(pid).orElseThrow();
        clamd.destroy();
        clamd.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        String m = marker();
        // the default ($virus_scanners_failure_is_fatal undef): CC_UNCHECKED, D_PASS, the subject tagged
        assertThat(send(List.of("bob@example.net"), m, "notes.txt")).startsWith("250");
        await().atMost(MailServices.deliveryWait())
                .until(() -> services.delivered(m).size() == 1);
        assertThat(services.delivered(m).get(0))
                .contains("Subject: ***UNCHECKED*** e2e " + m)
                .doesNotContain("X-Virus-Scanned");
        assertThat(logLines(m)).contains("Passed UNCHECKED");
    }
}
