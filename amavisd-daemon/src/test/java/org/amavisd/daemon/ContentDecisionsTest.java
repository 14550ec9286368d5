package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content checks and destinies through the daemon's sockets: a front MTA (ScriptedClient)
 * sends, a recording back end (RecordingMta) receives. The replies expected are the ones
 * amavisd-new 2.13 gave for the same cases (docs/configuration.md, "Content checks").
 */
class ContentDecisionsTest {
    private static final String RULES =
            "$banned_filename_re = new_RE( qr'.\\.(exe|vbs|pif|scr|bat|cmd|com|cpl)$'i, qr'^\\.(exe-ms)$' );\n"
                    + "@local_domains_acl = ('example.com');\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private Path quarantine() {
        return dir.resolve("quarantine");
    }

    private int start(int backEnd, String extra) throws Exception {
        Files.createDirectories(quarantine());
        daemon.start(dir, backEnd, "$QUARANTINEDIR = '" + quarantine() + "';\n" + RULES + extra);
        return daemon.port();
    }

    private static String message(String id, String attachmentName) {
        String b = "=-=b=-=";
        return "From: s@remote.test\r\nTo: user@example.com\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                + "Subject: test " + id + "\r\nMessage-ID: <" + id + "@remote.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + b + "\r\n"
                + "Content-Type: application/octet-stream; name=\"" + attachmentName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + attachmentName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getEncoder().encodeToString("just some bytes\n".getBytes(StandardCharsets.US_ASCII))
                + "\r\n--" + b + "--\r\n";
    }

    private static String send(int port, String from, List<String> rcpts, String message) throws Exception {
        try (ScriptedClient c = new ScriptedClient(port)) {
            return c.sendMail("EHLO", from, rcpts, message);
        }
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("amavisd.log"));
    }

    private List<Path> quarantined() throws Exception {
        try (Stream<Path> s = Files.list(quarantine())) {
            return s.toList();
        }
    }

    @Test
    void bannedIsDiscardedAndQuarantinedWhileTheLoverGetsItWithAlerts() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "@banned_files_lovers_maps = (['lover@example.com']);\n");
            {
                assertThat(send(
                                port,
                                "s@remote.test",
                                List.of("user@example.com", "lover@example.com"),
                                message("banned1", "invoice.pdf.exe")))
                        .matches("250 2\\.0\\.0 from MTA\\(smtp:\\[127\\.0\\.0\\.1\\]:\\d+\\): 250 .*, but 1 DISCARD");
            }
            assertThat(mta.messages()).hasSize(1);
            RecordingMta.Message m = mta.messages().get(0);
            assertThat(m.rcptTo()).containsExactly("<lover@example.com>");
            String mailId = daemonMailId(m.data());
            assertThat(m.data())
                    .startsWith("X-Quarantine-ID: <" + mailId + ">\r\n"
                            + "X-Amavis-Alert: BANNED, message contains\r\n"
                            + " application/octet-stream,.asc,invoice.pdf.exe\r\nReceived: from ")
                    .contains("Subject: test banned1\r\n");
            List<Path> q = quarantined();
            assertThat(q).hasSize(1);
            assertThat(q.get(0).getFileName().toString()).isEqualTo("banned-" + mailId);
            assertThat(Files.readString(q.get(0), StandardCharsets.ISO_8859_1))
                    .contains("X-Envelope-From: <s@remote.test>")
                    .contains("X-Envelope-To-Blocked: <user@example.com>\r\n")
                    .contains("Subject: test banned1");
            assertThat(log())
                    .contains("Blocked BANNED (application/octet-stream,.asc,invoice.pdf.exe)"
                            + " {DiscardedInbound,RelayedTaggedInbound,Quarantined}, [127.0.0.1] <s@remote.test> -> <user@example.com>,"
                            + " quarantine: banned-" + mailId)
                    .contains(
                            "Passed BANNED (application/octet-stream,.asc,invoice.pdf.exe)"
                                    + " {DiscardedInbound,RelayedTaggedInbound,Quarantined}, [127.0.0.1] <s@remote.test> -> <lover@example.com>");
        }
    }

    /** The mail_id our Received field names ("id MAILID"). */
    private static String daemonMailId(String data) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\bid ([A-Za-z0-9_+-]{12})\\b").matcher(data);
        assertThat(m.find()).as("mail_id in " + data).isTrue();
        return m.group(1);
    }

    @Test
    void cleanMailPassesUntouchedApartFromOurReceived() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            {
                assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("clean", "notes.txt")))
                        .matches("250 2\\.0\\.0 from MTA.*");
            }
            assertThat(mta.messages()).hasSize(1);
            assertThat(mta.messages().get(0).data())
                    .startsWith("Received: from ")
                    .doesNotContain("X-Amavis-Alert");
            assertThat(quarantined()).isEmpty();
            assertThat(log())
                    .contains("Passed CLEAN {RelayedInbound}, [127.0.0.1] <s@remote.test> -> <user@example.com>");
        }
    }

    @Test
    void bounceSendsADsnAndAnswers250Bounce() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$final_banned_destiny = D_BOUNCE;\n");
            {
                assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("b1", "x.scr")))
                        .matches("250 2\\.5\\.0 Ok, id=\\d+-\\d+, BOUNCE");
                assertThat(send(port, "", List.of("user@example.com"), message("b2", "x.scr")))
                        .as("no bounce to the null sender")
                        .matches("250 2\\.5\\.0 Ok, id=\\d+-\\d+, DISCARD\\(bounce\\.suppressed\\)");
            }
            assertThat(mta.messages()).hasSize(1);
            RecordingMta.Message dsn = mta.messages().get(0);
            assertThat(dsn.mailFrom()).startsWith("<>");
            // as amavisd-new: the DSN names its original recipient and asks for no NOTIFY of its own
            assertThat(dsn.rcptTo()).containsExactly("<s@remote.test> ORCPT=rfc822;s@remote.test");
            assertThat(dsn.mailFrom()).matches("<> SIZE=\\d+ ENVID=AM\\.[A-Za-z0-9_-]{12}\\.\\d{8}T\\d{6}Z@\\S+");
            assertThat(dsn.data())
                    .contains("Subject: BANNED contents from you (application/octet-stream,.asc,x.scr): test b1")
                    .contains("Final-Recipient: rfc822; user@example.com")
                    .contains("Status: 5.7.0");
            assertThat(quarantined()).hasSize(2);
            assertThat(log()).contains("{BouncedInbound,Quarantined}").contains("{NoBounceInbound,Quarantined}");
        }
    }

    @Test
    void rejectAloneIs554AndBesideADeliveryIsReportedByDsn() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(
                    mta.port(),
                    "$final_banned_destiny = D_REJECT;\n@banned_files_lovers_maps = (['lover@example.com']);\n");
            {
                assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("r1", "x.com")))
                        .matches(
                                "554 5\\.7\\.0 Reject, id=\\d+-\\d+ - BANNED: application/octet-stream,\\.asc,x\\.com");
                assertThat(send(
                                port,
                                "s@remote.test",
                                List.of("user@example.com", "lover@example.com"),
                                message("r2", "x.com")))
                        .matches("250 2\\.0\\.0 from MTA.*, but 1 REJECT");
            }
            assertThat(mta.messages()).hasSize(2);
            assertThat(mta.messages().get(0).rcptTo()).containsExactly("<lover@example.com>");
            assertThat(mta.messages().get(1).mailFrom()).startsWith("<>");
            assertThat(mta.messages().get(1).data()).contains("Final-Recipient: rfc822; user@example.com");
        }
    }

    @Test
    void aQuarantineThatCannotBeWrittenTempfailsAndNothingIsRelayed() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "@banned_files_lovers_maps = (['lover@example.com']);\n");
            Files.delete(quarantine());
            Files.writeString(quarantine(), "not a directory");
            {
                assertThat(send(
                                port,
                                "s@remote.test",
                                List.of("user@example.com", "lover@example.com"),
                                message("q", "x.exe")))
                        .startsWith("451 4.5.0 id=")
                        .contains("quarantine FAILED");
            }
            assertThat(mta.messages()).isEmpty();
        }
    }

    @Test
    void anArchiveOverTheFileLimitIsUncheckedHeldAndTaggedForLocalRecipientsOnly() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            // the MIME parts fit in $MAXFILES, the zip's ten members do not: CC_UNCHECKED (over limits)
            int port = start(mta.port(), "$MAXFILES = 6;\n");
            String b = "=-=z=-=";
            String msg = "From: s@remote.test\r\nTo: user@example.com\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                    + "Subject: test u\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n"
                    + "Content-Type: text/plain\r\n\r\nhello\r\n--" + b + "\r\n"
                    + "Content-Type: application/zip; name=\"many.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + Base64.getMimeEncoder().encodeToString(zipOfTen()) + "\r\n--" + b + "--\r\n";
            assertThat(send(port, "s@remote.test", List.of("user@example.com", "other@elsewhere.test"), msg))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages()).hasSize(2);
            RecordingMta.Message local = mta.messages().stream()
                    .filter(m -> m.rcptTo().contains("<user@example.com>"))
                    .findFirst()
                    .orElseThrow();
            RecordingMta.Message remote = mta.messages().stream()
                    .filter(m -> m.rcptTo().contains("<other@elsewhere.test>"))
                    .findFirst()
                    .orElseThrow();
            // as amavisd-new: the reason decoding stopped in X-Amavis-Hold, on every copy
            assertThat(local.data())
                    .startsWith("X-Amavis-Hold: Maximum number of files (6) exceeded\r\n")
                    .contains("Subject: ***UNCHECKED*** test u\r\n");
            assertThat(remote.data())
                    .startsWith("X-Amavis-Hold: Maximum number of files (6) exceeded\r\n")
                    .contains("Subject: test u\r\n");
            assertThat(log()).contains("Passed UNCHECKED {RelayedTaggedInbound,RelayedOpenRelay}");
        }
    }

    private static byte[] zipOfTen() throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(bytes)) {
            for (int i = 0; i < 10; i++) {
                z.putNextEntry(new java.util.zip.ZipEntry("f" + i + ".txt"));
                z.write(("file " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void badHeaderPassesQuarantinedWithAlertAndAddressExtensionForTheLocalRecipient() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$recipient_delimiter = '+';\n$addr_extension_bad_header = 'badh';\n");
            String msg = "From: s@remote.test\r\nSubject: one\r\nSubject: two\r\n\r\nbody\r\n";
            assertThat(send(port, "s@remote.test", List.of("user+old@example.com", "other@elsewhere.test"), msg))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages()).hasSize(2);
            RecordingMta.Message local = mta.messages().stream()
                    .filter(m -> m.rcptTo().stream().anyMatch(x -> x.startsWith("<user+badh@example.com>")))
                    .findFirst()
                    .orElseThrow();
            RecordingMta.Message remote = mta.messages().stream()
                    .filter(m -> m.rcptTo().contains("<other@elsewhere.test>"))
                    .findFirst()
                    .orElseThrow();
            // as amavisd-new 2.13: the first problem in the alert, the highest minor (duplicate: 8) in the log
            assertThat(local.data()).startsWith("X-Quarantine-ID: <").contains("X-Amavis-Alert: BAD HEADER SECTION, ");
            assertThat(remote.data()).startsWith("X-Amavis-Alert: BAD HEADER SECTION, ");
            assertThat(quarantined()).hasSize(1);
            assertThat(quarantined().get(0).getFileName().toString()).startsWith("badh-");
            assertThat(log()).contains("Passed BAD-HEADER-8 {RelayedTaggedInbound,RelayedOpenRelay,Quarantined}");
        }
    }

    @Test
    void aMimeErrorIsABadHeaderOfMinorOne() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            String msg = "From: s@remote.test\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n--xyz\r\n"
                    + "Content-Type: text/plain\r\n\r\nno closing boundary\r\n";
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), msg))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(log()).contains("Passed BAD-HEADER-1 {RelayedInbound,Quarantined}");
            assertThat(mta.messages().get(0).data()).contains("X-Amavis-Alert: BAD HEADER SECTION, MIME error: ");
        }
    }

    @Test
    void withDecodingBypassedThereAreNoMimeErrors() throws Exception {
        // amavisd-new parses the MIME structure only to decode: $bypass_decode_parts means no MIME errors
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$bypass_decode_parts = 1;\n");
            String msg = "From: s@remote.test\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed\r\n\r\n--xyz\r\n"
                    + "Content-Type: text/plain\r\n\r\nno boundary parameter, no closing boundary\r\n";
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), msg))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(log()).contains("Passed CLEAN");
            assertThat(mta.messages().get(0).data()).doesNotContain("X-Amavis-Alert");
        }
    }

    @Test
    void theBannedAdminIsNotifiedThroughTheNotifyMethod() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(
                    mta.port(),
                    "$banned_admin = 'postmaster@example.com';\n$mailfrom_notify_admin = 'virusalert@example.com';\n");
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("n1", "x.exe")))
                    .startsWith("250 2.7.0 Ok, discarded");
            assertThat(mta.messages()).hasSize(1);
            RecordingMta.Message note = mta.messages().get(0);
            assertThat(note.mailFrom()).startsWith("<virusalert@example.com>");
            // as amavisd-new: a plain RCPT, so a notification that fails comes back to its sender,
            // and an ENVID naming the transaction
            assertThat(note.rcptTo()).containsExactly("<postmaster@example.com>");
            assertThat(note.mailFrom())
                    .matches("<virusalert@example\\.com> SIZE=\\d+ ENVID=AM\\.[A-Za-z0-9_-]{12}\\.\\d{8}T\\d{6}Z@\\S+");
            assertThat(note.data())
                    .contains(
                            "Subject: BANNED contents (application/octet-stream,.asc,x.exe) in mail FROM [127.0.0.1] <s@remote.test>")
                    .contains("From: \"Content-filter at amavis.test\" <virusalert@example.com>")
                    .contains("Banned name: application/octet-stream,.asc,x.exe")
                    .contains("The message has been quarantined as: banned-")
                    .contains("The message WAS NOT relayed to:\r\n<user@example.com>: 250 2.7.0 Ok, discarded");
        }
    }

    @Test
    void overTheRecipientsSizeLimitIsBouncedWith552InTheReport() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            // a limit under 64 KiB is raised to 64 KiB unless $enforce_smtpd_message_size_limit_64kb_min is off
            int port = start(
                    mta.port(),
                    "@message_size_limit_maps = ( { 'small@example.com' => 300 } );\n"
                            + "$enforce_smtpd_message_size_limit_64kb_min = 0;\n");
            assertThat(send(
                            port,
                            "s@remote.test",
                            List.of("small@example.com", "user@example.com"),
                            message("o", "a.txt")))
                    .matches("250 2\\.0\\.0 from MTA.*, but 1 BOUNCE");
            assertThat(mta.messages()).hasSize(2);
            assertThat(mta.messages().get(0).rcptTo()).containsExactly("<user@example.com>");
            assertThat(mta.messages().get(1).data())
                    .contains("Subject: OVERSIZED contents from you")
                    .contains("Status: 5.3.4")
                    .contains("Final-Recipient: rfc822; small@example.com");
            assertThat(log())
                    .contains(
                            "Blocked OVERSIZED {BouncedInbound,RelayedInbound}, [127.0.0.1] <s@remote.test> -> <small@example.com>");
        }
        daemon.stop();
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "@message_size_limit_maps = ( { 'small@example.com' => 300 } );\n");
            assertThat(send(port, "s@remote.test", List.of("small@example.com"), message("o2", "a.txt")))
                    .as("300 bytes is raised to 64 KiB by default")
                    .matches("250 2\\.0\\.0 from MTA.*");
        }
    }

    @Test
    void underLmtpEachRecipientHearsItsOwnFate() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(
                    mta.port(),
                    "$final_banned_destiny = D_BOUNCE;\n@banned_files_lovers_maps = (['lover@example.com']);\n");
            try (ScriptedClient c = new ScriptedClient(port)) {
                c.reply();
                c.command("LHLO front.test");
                c.command("MAIL FROM:<s@remote.test>");
                c.command("RCPT TO:<user@example.com>");
                c.command("RCPT TO:<lover@example.com>");
                c.command("DATA");
                c.send(ScriptedClient.dotStuff(message("l1", "x.pif")) + ".\r\n");
                assertThat(c.reply()).matches("250 2\\.5\\.0 Ok, id=\\d+-\\d+, BOUNCE");
                assertThat(c.reply()).matches("250 2\\.0\\.0 from MTA.*");
            }
            assertThat(mta.messages()).hasSize(2); // the lover's copy and the DSN
            assertThat(mta.messages().get(1).data()).contains("Final-Recipient: rfc822; user@example.com");
        }
    }

    @Test
    void withoutMailfromNotifyAdminTheNotificationComesFromTheFromAddress() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$banned_admin = 'postmaster@example.com';\n");
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("n2", "x.exe")))
                    .startsWith("250 2.7.0 Ok, discarded");
            // as amavisd-new: the address of $hdrfrom_notify_admin, not the null sender
            assertThat(mta.messages().get(0).mailFrom()).startsWith("<postmaster@amavis.test>");
        }
    }

    /** A scanner entry that cannot work: nothing listens on port 1. */
    private static final String DEAD_SCANNER = "@av_scanners = (['Dead-clamd', \\&ask_daemon, [\"CONTSCAN {}\\n\","
            + " \"127.0.0.1:1\"], qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m]);\n";

    @Test
    void whenEveryVirusScannerFailsTheMailIsUncheckedOrWithFailureIsFatalTempfailed() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), DEAD_SCANNER);
            // amavisd-new 2.13's default: CC_UNCHECKED, whose destiny (D_PASS) and subject tag apply
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("v1", "a.txt")))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages().get(0).data())
                    .contains("Subject: ***UNCHECKED*** test v1")
                    .doesNotContain("X-Virus-Scanned");
            assertThat(log()).contains("Passed UNCHECKED {RelayedTaggedInbound}");
        }
        daemon.stop();
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), DEAD_SCANNER + "$virus_scanners_failure_is_fatal = 1;\n");
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("v2", "a.txt")))
                    .startsWith("451 4.5.0 Error in processing, id=")
                    .contains("virus_scan FAILED: AV: ALL VIRUS SCANNERS FAILED");
            assertThat(mta.messages()).isEmpty();
        }
    }

    /** A spamd that cannot work: nothing listens on port 1. */
    private static final String DEAD_SPAMD =
            "@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient', port => 1]);\n"
                    + "$sa_tag_level_deflt = -999;\n";

    @Test
    void aFailedSpamScannerPassesTheMailWithoutScoreOrWithFailureIsFatalTempfails() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), DEAD_SPAMD);
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("s1", "a.txt")))
                    .matches("250 2\\.0\\.0 from MTA.*");
            // no score: as amavisd-new, the spam fields say so (score=x), the known sign of a failed scanner
            assertThat(mta.messages().get(0).data()).contains("X-Spam-Status: No, score=x tagged_above=-999");
            assertThat(log()).contains("spam_scan FAILED: SpamdClient").contains("Hits: -");
        }
        daemon.stop();
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), DEAD_SPAMD + "$spam_scanners_failure_is_fatal = 1;\n");
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), message("s2", "a.txt")))
                    .startsWith("451 4.5.0 Error in processing, id=")
                    .contains("spam_scan FAILED: SpamdClient");
            assertThat(mta.messages()).isEmpty();
        }
    }

    @Test
    void mailWhoseDecodingStoppedAtALimitIsNotGivenToTheVirusScanners() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            // the scanner would fail and failure is fatal: a scan attempt would tempfail the message
            int port = start(mta.port(), DEAD_SCANNER + "$virus_scanners_failure_is_fatal = 1;\n$MAXFILES = 6;\n");
            String b = "=-=z=-=";
            String msg = "From: s@remote.test\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\nSubject: bomb\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b
                    + "\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + Base64.getMimeEncoder().encodeToString(zipOfTen()) + "\r\n--" + b + "--\r\n";
            assertThat(send(port, "s@remote.test", List.of("user@example.com"), msg))
                    .matches("250 2\\.0\\.0 from MTA.*");
            assertThat(log()).contains("NOTICE: Virus scanning skipped: Maximum number of files (6) exceeded");
            assertThat(mta.messages().get(0).data()).doesNotContain("X-Virus-Scanned");
        }
    }
}
