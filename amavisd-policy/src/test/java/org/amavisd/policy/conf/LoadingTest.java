package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadingTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void confDirectoryIsReadInLexicalOrderWithRunPartsNames() throws Exception {
        write("50-user", "$max_servers = $max_servers + 1;\n$log_level = 5;\n");
        write("01-debian", "$max_servers = 10;\n$mydomain = 'example.net';\n");
        write("20-defaults", "$virus_admin = \"postmaster\\@$mydomain\";\n$log_level = 1;\n");
        write("50-user.dpkg-old", "$max_servers = 999;\n");
        write("50-user~", "$max_servers = 998;\n");
        write("99-broken.bak", "this is not perl ((");
        Files.createDirectory(dir.resolve("subdir"));

        AmavisConf c = AmavisConf.load(dir);

        assertThat(c.integer("max_servers")).isEqualTo(11);
        assertThat(c.integer("log_level")).isEqualTo(5);
        assertThat(c.scalar("virus_admin")).contains("postmaster@example.net");
        assertThat(c.origin("$log_level"))
                .isEqualTo(new Origin(dir.resolve("50-user").toString(), 2, 12));
        assertThat(c.origin("$mydomain").file()).endsWith("01-debian");
        assertThat(c.origin("$inet_acl")).isEqualTo(Origin.DEFAULT);
    }

    @Test
    void lexicalsDoNotLeakIntoLaterFiles() throws Exception {
        write("10-a", "my $tmp = 'a';\n$TEMPBASE = $tmp;\n");
        write("20-b", "$QUARANTINEDIR = \"[$tmp]\";\n");
        AmavisConf c = AmavisConf.load(dir);
        assertThat(c.scalar("TEMPBASE")).contains("a");
        assertThat(c.scalar("QUARANTINEDIR")).contains("[]");
    }

    @Test
    void lexicalNamedLikeASettingShadowsItOnlyInItsFile() throws Exception {
        write("10-a", "my $MYHOME = '/tmp/lexical';\n$TEMPBASE = $MYHOME;\n");
        write("20-b", "$QUARANTINEDIR = \"$MYHOME/q\";\n");
        AmavisConf c = AmavisConf.load(dir);
        assertThat(c.scalar("TEMPBASE")).contains("/tmp/lexical");
        assertThat(c.scalar("MYHOME")).contains("/var/amavis");
        assertThat(c.scalar("QUARANTINEDIR")).contains("/var/amavis/q");
        assertThat(c.assignedNames()).containsExactly("$TEMPBASE", "$QUARANTINEDIR");
    }

    @Test
    void singleFileIsLoaded() throws Exception {
        Path f = write("amavisd.conf", "$inet_socket_port = [10024, 10026];\n1;\n");
        AmavisConf c = AmavisConf.load(f);
        assertThat(c.list("$inet_socket_port")).containsExactly("10024", "10026");
    }

    @Test
    void errorsNameTheFileOfTheDirectory() throws Exception {
        write("01-ok", "$max_servers = 3;\n");
        write("02-bad", "\n\n  while (1) { }\n");
        assertThatThrownBy(() -> AmavisConf.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("02-bad") + ":3:3: unsupported construct 'while'");
    }

    @Test
    void missingFileIsAnError() {
        assertThatThrownBy(() -> AmavisConf.load(dir.resolve("nope.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("nope.conf:0:0: config file not found");
    }

    @Test
    void latin1FilesAreAccepted() throws Exception {
        Files.write(
                dir.resolve("latin"),
                "$sa_spam_subject_tag = '\u00e9t\u00e9 ';\n".getBytes(StandardCharsets.ISO_8859_1));
        AmavisConf c = AmavisConf.load(dir.resolve("latin"));
        assertThat(c.scalar("sa_spam_subject_tag")).contains("\u00e9t\u00e9 ");
    }

    @Test
    void afterDefaultsFollowTheFinalMyhome() throws Exception {
        write("10-first", "$QUARANTINEDIR = \"$MYHOME/virusmails\";\n");
        write("20-later", "$MYHOME = '/srv/amavis';\n$mydomain = 'example.org';\n");
        AmavisConf c = AmavisConf.load(dir);
        // before-defaults are visible while reading: QUARANTINEDIR used the old MYHOME
        assertThat(c.scalar("QUARANTINEDIR")).contains("/var/amavis/virusmails");
        // after-defaults are computed from final values
        assertThat(c.scalar("TEMPBASE")).contains("/srv/amavis");
        assertThat(c.scalar("pid_file")).contains("/srv/amavis/amavisd.pid");
        assertThat(c.scalar("db_home")).contains("/srv/amavis/db");
        assertThat(c.list("@zmq_sockets")).containsExactly("ipc:///srv/amavis/amavisd-zmq.sock");
        assertThat(c.scalar("X_HEADER_LINE")).contains("amavis at example.org");
        assertThat(c.scalar("X_HEADER_TAG")).contains("X-Virus-Scanned");
        assertThat(c.origin("$TEMPBASE")).isEqualTo(Origin.DEFAULT);
        assertThat(c.assignedNames()).containsExactly("$QUARANTINEDIR", "$MYHOME", "$mydomain");
    }

    @Test
    void explicitValueWinsOverAfterDefault() throws Exception {
        AmavisConf c = AmavisConf.parse("$TEMPBASE = '/tmp/amavis';\n$daemonize = 0;\n$MYHOME = '/x';", "t");
        assertThat(c.scalar("TEMPBASE")).contains("/tmp/amavis");
        // amavisd-new only supplies a pid file for a daemonized process
        assertThat(c.scalar("pid_file")).isEmpty();
        assertThat(c.scalar("db_home")).contains("/x/db");
    }
}
