package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings whose undef means "off" in amavisd-new, loaded as a configuration sets them and
 * checked by their effect on a message through the daemon's sockets.
 */
class UndefMeansOffTest {
    private static final String BANNED =
            "$banned_filename_re = new_RE(qr'.\\.(exe|com)$'i);\n@local_domains_acl = ('example.com');\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private int start(int backEnd, String extra) throws Exception {
        Path q = Files.createDirectories(dir.resolve("quarantine"));
        daemon.start(dir, backEnd, "$QUARANTINEDIR = '" + q + "';\n" + BANNED + extra);
        return daemon.port();
    }

    static String message(String id, String attachmentName, byte[] data) {
        String b = "=-=b=-=";
        return "From: s@remote.test\r\nTo: user@example.com\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                + "Subject: test " + id + "\r\nMessage-ID: <" + id + "@remote.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + b + "\r\n"
                + "Content-Type: application/octet-stream; name=\"" + attachmentName + "\"\r\n"
                + "Content-Disposition: attachment; filename=\"" + attachmentName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(data)
                + "\r\n--" + b + "--\r\n";
    }

    static String send(int port, String message) throws Exception {
        try (ScriptedClient c = new ScriptedClient(port)) {
            return c.sendMail("EHLO", "s@remote.test", List.of("user@example.com"), message);
        }
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("amavisd.log"));
    }

    private static byte[] bzip2(String text) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(b)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    // ---- @decoders and the program settings ($bzip2, $lha, ...) ----

    @Test
    void aDecoderWhoseProgramSettingIsUndefLeavesTheArchivePacked() throws Exception {
        String msg = message("d1", "tool.exe.bz2", bzip2("MZ not really a program\n"));
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            assertThat(send(port, msg)).as("unpacked: tool.exe is banned").startsWith("250 2.7.0 Ok, discarded");
            assertThat(log()).contains("Found decoder for    .bz2  (read in Java)");
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            // as amavisd-new: ['bz2', \&do_uncompress, \$bunzip2] with $bzip2 undef has no program
            int port = start(mta.port(), "$bzip2 = undef;\n");
            assertThat(send(port, msg)).as("left packed: nothing banned seen").matches("250 2\\.0\\.0 from MTA.*");
            assertThat(log()).contains("No decoder for       .bz2");
        }
    }

    private List<Path> quarantined() throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("quarantine"))) {
            return s.toList();
        }
    }

    private static final byte[] SOME_BYTES = "just some bytes\n".getBytes(StandardCharsets.US_ASCII);

    // ---- quarantine methods ----

    @Test
    void anUndefQuarantineMethodKeepsNoCopy() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "");
            assertThat(send(port, message("q1", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
            assertThat(quarantined()).hasSize(1);
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$banned_files_quarantine_method = undef;\n");
            assertThat(send(port, message("q2", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
            assertThat(quarantined()).as("still only the first one").hasSize(1);
        }
    }

    // ---- banned rules ----

    @Test
    void anUndefBannedFilenameReOrNoBannedMapsBanNothing() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$banned_filename_re = undef;\n");
            assertThat(send(port, message("b1", "x.exe", SOME_BYTES))).matches("250 2\\.0\\.0 from MTA.*");
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "@banned_filename_maps = ();\n");
            assertThat(send(port, message("b2", "x.exe", SOME_BYTES))).matches("250 2\\.0\\.0 from MTA.*");
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            // as amavisd-new: an empty %banned_rules gets DEFAULT => $banned_filename_re after the config
            int port = start(mta.port(), "%banned_rules = ();\n");
            assertThat(send(port, message("b3", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
        }
    }

    // ---- administrators, their sender, $notify_method ----

    @Test
    void anAdminSetBackToUndefIsNotNotified() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), "$banned_admin = 'postmaster@example.com';\n$banned_admin = undef;\n");
            assertThat(send(port, message("a1", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
            assertThat(mta.messages()).isEmpty();
        }
    }

    @Test
    void anUndefMailfromNotifyAdminSendsFromTheHeaderFromAddress() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(
                    mta.port(),
                    "$banned_admin = 'postmaster@example.com';\n$mailfrom_notify_admin = 'x@example.com';\n"
                            + "$mailfrom_notify_admin = undef;\n");
            assertThat(send(port, message("a2", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
            assertThat(mta.messages().get(0).mailFrom()).startsWith("<postmaster@amavis.test>");
        }
    }

    @Test
    void anUndefNotifyMethodSendsNoNotification() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            // before: $notify_method undef fell back to $forward_method and the admin was told
            int port = start(mta.port(), "$banned_admin = 'postmaster@example.com';\n$notify_method = undef;\n");
            assertThat(send(port, message("n1", "x.exe", SOME_BYTES))).startsWith("250 2.7.0 Ok, discarded");
            assertThat(mta.messages()).isEmpty();
            assertThat(log())
                    .contains("$notify_method is undef: no notification and no DSN is sent")
                    .contains("NOTIFICATION: $notify_method is undef, admin postmaster@example.com not told");
        }
    }

    @Test
    void anUndefForwardMethodIsAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DaemonSettings.from(
                        org.amavisd.policy.conf.AmavisConf.parse("\n$forward_method = undef;\n1;\n", "amavisd.conf")))
                .isInstanceOf(org.amavisd.policy.conf.ConfigException.class)
                .hasMessageContaining("amavisd.conf:2")
                .hasMessageContaining("$forward_method")
                .hasMessageContaining("undef");
    }

    // ---- @av_scanners entries, $X_HEADER_TAG ----

    private static final String TRUE_SCANNER = "@av_scanners = (undef, ['Always clean', '/bin/true', '{}', [0], [1],"
            + " qr/^INFECTED: (.+)$/m], undef);\n@av_scanners_backup = (undef);\n";

    @Test
    void undefScannerEntriesAreSkippedAndAnUndefXHeaderTagIsTheDefaultOne() throws Exception {
        try (RecordingMta mta = RecordingMta.smtp()) {
            int port = start(mta.port(), TRUE_SCANNER);
            assertThat(send(port, message("v1", "a.txt", SOME_BYTES))).matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages().get(0).data()).contains("X-Virus-Scanned: amavis at ");
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            // as amavisd-new: undef gets the default name after the configuration is read
            int port = start(mta.port(), TRUE_SCANNER + "$X_HEADER_TAG = undef;\n");
            assertThat(send(port, message("v2", "a.txt", SOME_BYTES))).matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages().get(0).data()).contains("X-Virus-Scanned: amavis at ");
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            // '' is not a field name: none is added
            int port = start(mta.port(), TRUE_SCANNER + "$X_HEADER_TAG = '';\n");
            assertThat(send(port, message("v3", "a.txt", SOME_BYTES))).matches("250 2\\.0\\.0 from MTA.*");
            assertThat(mta.messages().get(0).data()).doesNotContain("X-Virus-Scanned");
        }
    }
}
