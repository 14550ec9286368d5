package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.amavisd.policy.conf.PerlValue.RegexValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qr// evaluation and the file-reading and table-building helpers of amavisd.conf. */
class RegexConfTest {
    @TempDir
    Path dir;

    private static PerlValue eval(String conf, String var) throws ConfigException {
        return AmavisConf.parse(conf, "t.conf").get(var).orElseThrow();
    }

    @Test
    void qrInterpolatesUnlessApostrophesAndQuotesWithQ() throws Exception {
        String conf = "$mydomain = 'ex.com'; @x = (qr/^\\Q$mydomain\\E$/i, qr'^$mydomain$', qr{^${mydomain}\\.$});";
        PerlValue.ArrayRef a = (PerlValue.ArrayRef) eval(conf, "@x");
        RegexValue q = (RegexValue) a.elements().get(0);
        assertThat(q.source()).isEqualTo("^ex\\.com$");
        assertThat(q.compiled().find("EX.COM")).isTrue();
        assertThat(q.compiled().find("exxcom")).isFalse();
        assertThat(((RegexValue) a.elements().get(1)).source()).isEqualTo("^$mydomain$");
        assertThat(((RegexValue) a.elements().get(2)).source()).isEqualTo("^ex.com\\.$");
        assertThat(q.asString()).isEqualTo("(?^i:^ex\\.com$)");
    }

    @Test
    void untranslatablePatternIsAnErrorAtTheQr() {
        assertThatThrownBy(() -> AmavisConf.parse("$x = 1;\n  @y = (qr/a\\Kb/);", "t.conf"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.conf:2:9: ")
                .hasMessageContaining("\\K");
        assertThatThrownBy(() -> AmavisConf.parse("$banned_filename_re = new_RE(\n 'a(?{ 1 })');", "t.conf"))
                .hasMessageStartingWith("t.conf:2:2: ")
                .hasMessageContaining("(?{");
        assertThatThrownBy(() -> AmavisConf.parse("@y = (qr/user@example\\.com/);", "t.conf"))
                .hasMessageStartingWith("t.conf:1:7: ")
                .hasMessageContaining("@example");
    }

    @Test
    void newReBuildsATable() throws Exception {
        RegexTable t = (RegexTable) eval(
                "$banned_filename_re = new_RE(qr'a'i, [qr'b' => 0], 'c', [qr'd'], [qr'e' => undef]);",
                "$banned_filename_re");
        assertThat(t.entries()).extracting(e -> e.regex().source()).containsExactly("a", "b", "c", "d", "e");
        assertThat(t.entries())
                .extracting(RegexTable.Entry::result)
                .containsExactly(PerlValue.of(1), PerlValue.of(0), PerlValue.of(1), PerlValue.of(1), PerlValue.UNDEF);
    }

    @Test
    void readHashAndReadArrayFollowTheLookupFileFormat() throws Exception {
        Path f = dir.resolve("senders");
        Files.writeString(
                f,
                "# comment\nUser@Example.COM  -3.0 # why\n\"odd # one\"@x.org\n.Example.NET\n\n"
                        + "me@ex.com\tvalue with  spaces  \n");
        String q = f.toString().replace("'", "\\'");
        PerlValue.HashRef h = (PerlValue.HashRef) eval("$x = read_hash('" + q + "');", "$x");
        assertThat(h.entries())
                .containsExactly(
                        java.util.Map.entry("user@example.com", PerlValue.of("-3.0")),
                        java.util.Map.entry("odd # one@x.org", PerlValue.of("1")),
                        java.util.Map.entry(".example.net", PerlValue.of("1")),
                        java.util.Map.entry("me@ex.com", PerlValue.of("value with  spaces  ")));
        PerlValue.HashRef filled = (PerlValue.HashRef) eval("read_hash(\\%h, '" + q + "'); $h{'a@b'} = 2;", "%h");
        assertThat(filled.entries()).containsKeys("user@example.com", "a@b");
        PerlValue.ArrayRef a = (PerlValue.ArrayRef) eval("@a = @{read_array('" + q + "')};", "@a");
        assertThat(a.elements())
                .extracting(PerlValue::asString)
                .containsExactly(
                        "User@Example.COM  -3.0", "odd # one@x.org", ".Example.NET", "me@ex.com\tvalue with  spaces");
        assertThatThrownBy(() -> AmavisConf.parse("$x = read_hash('" + dir.resolve("none") + "');", "t.conf"))
                .hasMessageStartingWith("t.conf:1:6: ")
                .hasMessageContaining("Can't open file");
    }

    @Test
    void readTextAndL10nTemplates() throws Exception {
        Path l = Files.createDirectories(dir.resolve("de_DE"));
        Files.writeString(l.resolve("charset"), "# a comment\nutf-8   # the charset\n");
        for (String n : List.of("dsn", "virus-sender", "virus-admin", "virus-recipient", "spam-sender", "spam-admin")) {
            Files.writeString(l.resolve("template-" + n + ".txt"), "Grüße " + n + "\n");
        }
        AmavisConf c = AmavisConf.parse(
                "read_l10n_templates('de_DE', '" + dir + "');\n" + "$notify_spam_admin_templ = read_text('"
                        + l.resolve("template-dsn.txt") + "');",
                "t.conf");
        assertThat(c.scalar("notify_sender_templ")).contains("Grüße dsn\n");
        assertThat(c.scalar("notify_virus_recips_templ")).contains("Grüße virus-recipient\n");
        assertThat(c.scalar("notify_spam_admin_templ")).as("no encoding: bytes").contains("GrÃ¼Ã\u009fe dsn\n");
        assertThat(c.warnings()).isEmpty();
        assertThatThrownBy(() -> AmavisConf.parse("read_l10n_templates('xx', '" + dir + "');", "t.conf"))
                .hasMessageContaining("Can't open file " + dir + "/xx/charset");
    }

    @Test
    void dkimKeysAreRecordedInOrder() throws Exception {
        Path key = Files.writeString(dir.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\n");
        AmavisConf c = AmavisConf.parse(
                "dkim_key('Example.com', 'sel1', '" + key + "');\n" + "dkim_key(qr/./, 'sel2', '" + key
                        + "', t => 's', k => 'x');",
                "t.conf");
        assertThat(c.dkimKeys()).hasSize(2);
        assertThat(c.dkimKeys().get(0).domain()).isEqualTo(PerlValue.of("example.com"));
        assertThat(c.dkimKeys().get(1).domain()).isInstanceOf(RegexValue.class);
        assertThat(c.dkimKeys().get(1).options()).containsEntry("t", "s").containsEntry("k", "rsa");
        assertThat(c.warnings()).isEmpty();
        assertThatThrownBy(() -> AmavisConf.parse(
                        "dkim_key('a.com','s','" + key + "');dkim_key('A.com','s','" + key + "');", "t.conf"))
                .hasMessageContaining("already in use");
        assertThatThrownBy(() -> AmavisConf.parse("dkim_key('a.com','s','" + key + "', 't');", "t.conf"))
                .hasMessageContaining("key/value pairs");
    }

    @Test
    void aKeyFileDkimKeyCannotOpenIsAnErrorAtTheCallAsInAmavisdNew() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> AmavisConf.parse("$x = 1;\n  dkim_key('a.com', 's', '" + missing + "');", "t.conf"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.conf:2:3: dkim_key: cannot open PEM file " + missing + ": no such file");
        assertThatThrownBy(() -> AmavisConf.parse("dkim_key('a.com', 's', '" + dir + "');", "t.conf"))
                .hasMessageEndingWith(": not a regular file");
    }
}
