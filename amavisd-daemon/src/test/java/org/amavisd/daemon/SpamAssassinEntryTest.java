package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * amavisd-new's default @spam_scanners entry, ['SpamAssassin', 'Amavis::SpamControl::SpamAssassin'],
 * through the daemon's sockets: asked of spamd at $spamd_socket, one request per SpamAssassin user
 * name, and a spamd that does not answer is one warning while the mail still passes.
 */
class SpamAssassinEntryTest {
    private static final String ENTRY = "@spam_scanners = (['SpamAssassin', 'Amavis::SpamControl::SpamAssassin']);\n"
            + "@local_domains_acl = ('example.com');\n$sa_tag_level_deflt = -999;\n";

    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private String log() throws Exception {
        return Files.readString(dir.resolve("amavisd.log"));
    }

    private static String message(String id) {
        return "From: s@remote.test\r\nTo: user@example.com\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                + "Subject: test " + id + "\r\nMessage-ID: <" + id
                + "@remote.test>\r\n\r\nhello\r\n";
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    @Test
    void spamdNotAnsweringGivesOneWarningAndMessagesStillPass() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (RecordingMta mta = RecordingMta.smtp()) {
            daemon.start(dir, mta.port(), ENTRY + "$spamd_socket = '127.0.0.1:" + dead + "';\n");
            int port = daemon.port();
            for (int i = 1; i <= 3; i++) {
                try (ScriptedClient c = new ScriptedClient(port)) {
                    assertThat(c.sendMail("EHLO", "s@remote.test", List.of("user@example.com"), message("m" + i)))
                            .matches("250 2\\.0\\.0 from MTA.*");
                }
            }
            assertThat(mta.messages()).hasSize(3);
            // the failed check's sign, as amavisd-new's: no score
            assertThat(mta.messages().get(2).data()).contains("X-Spam-Status: No, score=x tagged_above=-999");
        }
        String log = log();
        assertThat(count(log, "does not answer at 127.0.0.1:" + dead)).as(log).isEqualTo(1);
        assertThat(count(log, "spam_scan FAILED"))
                .as("not one warning per message")
                .isZero();
        assertThat(count(log, "Passed CLEAN")).as(log).isEqualTo(3);
    }

    @Test
    void withSpamScannersUnsetTheDefaultEntryAsksSpamdWithEachRecipientsUserName() throws Exception {
        try (FakeSpamd spamd = new FakeSpamd();
                RecordingMta mta = RecordingMta.smtp()) {
            // TestDaemon empties @spam_scanners; this configuration sets it back to the catalogue's default
            daemon.start(
                    dir,
                    mta.port(),
                    "@spam_scanners = (['SpamAssassin', 'Amavis::SpamControl::SpamAssassin']);\n"
                            + "@local_domains_acl = ('example.com');\n$sa_tag_level_deflt = -999;\n"
                            + "$spamd_socket = '127.0.0.1:" + spamd.port() + "';\n$daemon_user = 'amavis';\n"
                            + "@sa_username_maps = ({'bob@example.com' => 'bob'});\n");
            assertThat(log()).contains("using spamd at 127.0.0.1:" + spamd.port() + ", user amavis");
            try (ScriptedClient c = new ScriptedClient(daemon.port())) {
                assertThat(c.sendMail(
                                "EHLO", "s@remote.test", List.of("user@example.com", "bob@example.com"), message("u1")))
                        .startsWith("250 ");
            }
            assertThat(spamd.users).containsExactlyInAnyOrder("amavis", "bob");
            assertThat(mta.messages()).hasSize(2); // different spam headers: one transaction each
            String forBob = mta.messages().stream()
                    .filter(m -> m.rcptTo().toString().contains("bob@"))
                    .findFirst()
                    .orElseThrow()
                    .data();
            String forUser = mta.messages().stream()
                    .filter(m -> m.rcptTo().toString().contains("user@"))
                    .findFirst()
                    .orElseThrow()
                    .data();
            assertThat(forBob).contains("X-Spam-Score: 9");
            assertThat(forUser).contains("X-Spam-Score: 1");
        }
    }

    /** A spamd stand-in: PONG to PING; to SYMBOLS a score of 9 for user bob, 1 for anyone else. */
    static final class FakeSpamd implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        final List<String> users = new CopyOnWriteArrayList<>();
        private final Thread thread;

        FakeSpamd() throws IOException {
            thread = new Thread(this::serve, "fake-spamd");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    answer(s.getInputStream(), s.getOutputStream());
                } catch (IOException e) {
                    // closed, or a client that went away
                }
            }
        }

        private void answer(InputStream in, OutputStream out) throws IOException {
            String head = readHead(in);
            if (head.startsWith("PING")) {
                out.write("SPAMD/1.5 0 PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            Matcher len = Pattern.compile("(?im)^content-length: *(\\d+)").matcher(head);
            if (len.find()) in.readNBytes(Integer.parseInt(len.group(1)));
            Matcher user = Pattern.compile("(?im)^user: *(\\S+)").matcher(head);
            String u = user.find() ? user.group(1) : "";
            users.add(u);
            String score = u.toLowerCase(Locale.ROOT).equals("bob") ? "9.0" : "1.0";
            String body = "FAKE_RULE\r\n";
            out.write(("SPAMD/1.1 0 EX_OK\r\nContent-length: " + body.length() + "\r\nSpam: "
                            + (score.equals("9.0") ? "True" : "False") + " ; " + score + " / 5.0\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                String s = b.toString(StandardCharsets.US_ASCII);
                if (s.endsWith("\r\n\r\n")) return s;
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
