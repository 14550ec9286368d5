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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    private Amavisd daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private int start(int backEnd, String extra) throws Exception {
        if (daemon != null) daemon.stop();
        Path q = Files.createDirectories(dir.resolve("quarantine"));
        daemon = TestDaemon.start(dir, backEnd, "$QUARANTINEDIR = '" + q + "';\n" + BANNED + extra);
        return daemon.ports().get(0);
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
}
