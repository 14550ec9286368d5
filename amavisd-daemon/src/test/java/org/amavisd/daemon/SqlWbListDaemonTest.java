package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.amavisd.policy.lookup.SqlSchema;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL white/black list (amavisd-new's wblist and mailaddr tables) in the spam check, on an
 * embedded H2 database: a whitelisted sender is never spam for that recipient, a blacklisted one
 * always is, and no spam scanner is asked about mail every recipient has listed.
 */
class SqlWbListDaemonTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final DaemonUnderTest daemon = new DaemonUnderTest();

    private static String msg(String from) {
        return "From: " + from + "\r\nTo: user@example.com\r\nDate: Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                + "Subject: hello\r\nMessage-ID: <" + from.replace('@', '.') + "@x>\r\n\r\nbody\r\n";
    }

    @Test
    void whiteAndBlackListedSendersFromSql() throws Exception {
        String url = "jdbc:h2:mem:wbdaemon;DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "", "");
                Statement st = c.createStatement()) {
            SqlSchema.create(c);
            for (String s : List.of(
                    "INSERT INTO policy (id, policy_name) VALUES (1, 'normal')",
                    "INSERT INTO users (id, priority, policy_id, email) VALUES (1, 9, 1, 'user@example.com')",
                    "INSERT INTO mailaddr (id, priority, email) VALUES (1, 9, 'friend@remote.test')",
                    "INSERT INTO mailaddr (id, priority, email) VALUES (2, 5, '@spam.test')",
                    "INSERT INTO wblist (rid, sid, wb) VALUES (1, 1, 'W')",
                    "INSERT INTO wblist (rid, sid, wb) VALUES (1, 2, 'B')")) {
                st.execute(s);
            }
            try (RecordingMta mta = RecordingMta.smtp()) {
                daemon.start(
                        dir,
                        mta.port(),
                        "@local_domains_acl = ('example.com');\n"
                                + "@lookup_sql_dsn = ( ['" + url + "', '', ''] );\n"
                                + "$sa_tag_level_deflt = -999; $sa_tag2_level_deflt = 6.31; $sa_kill_level_deflt = 6.31;\n"
                                // a spamd nobody runs: asking it would be logged as a failure
                                + "@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient', port => 1]);\n");
                int port = daemon.port();
                for (String from : List.of("friend@remote.test", "boss@spam.test")) {
                    try (ScriptedClient cl = new ScriptedClient(port)) {
                        assertThat(cl.sendMail("EHLO", from, List.of("user@example.com"), msg(from)))
                                .startsWith("250 ");
                    }
                }
                String white = mta.messages().get(0).data();
                String black = mta.messages().get(1).data();
                assertThat(white).contains("X-Spam-Flag: NO").contains("WHITELISTED");
                assertThat(black)
                        .contains("X-Spam-Flag: YES")
                        .contains("BLACKLISTED")
                        .contains("X-Spam-Score: 64");
                assertThat(Files.readString(dir.resolve("amavisd.log")))
                        .as("no scanner asked about mail every recipient listed")
                        .doesNotContain("spam_scan FAILED");
            }
        }
    }
}
