package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncludeAndHelpersTest {
    @TempDir
    Path dir;

    /**
     * Our choice, not amavisd-new's (which takes the directory amavisd was started in): a relative
     * name is looked up next to the file that names it, also for a file itself included, so the
     * same configuration reads the same files whether started by systemd (in /) or by hand.
     */
    @Test
    void aRelativeIncludeIsFoundNextToTheFileThatNamesIt() throws Exception {
        Files.createDirectories(dir.resolve("etc/site/parts"));
        Files.writeString(dir.resolve("etc/amavisd.conf"), "include_config_files('site/main.conf');\n");
        Files.writeString(
                dir.resolve("etc/site/main.conf"),
                "include_config_files('parts/a.conf', '../b.conf');\n$log_level = 1;\n");
        Files.writeString(dir.resolve("etc/site/parts/a.conf"), "$max_servers = 7;\n");
        Files.writeString(dir.resolve("etc/b.conf"), "$sa_tag_level_deflt = 3;\n");
        Path cwdTwin = Path.of("site/main.conf");
        assertThat(Files.exists(cwdTwin))
                .as("nothing of that name in the working directory")
                .isFalse();

        AmavisConf c = AmavisConf.load(dir.resolve("etc/amavisd.conf"));

        assertThat(c.integer("max_servers")).isEqualTo(7);
        assertThat(c.scalar("sa_tag_level_deflt")).contains("3");
        assertThat(c.origin("$max_servers").file())
                .isEqualTo(dir.resolve("etc/site/parts/a.conf").toString());
        Files.writeString(dir.resolve("etc/amavisd.conf"), "include_config_files('parts/a.conf');\n");
        assertThatThrownBy(() -> AmavisConf.load(dir.resolve("etc/amavisd.conf")))
                .as("not next to an included file either, only next to the one that names it")
                .hasMessageContaining("config file not found: " + dir.resolve("etc/parts/a.conf"));
    }

    @Test
    void includeConfigFilesEvaluatesInTheSharedStore() throws Exception {
        Files.createDirectory(dir.resolve("inc"));
        Files.writeString(
                dir.resolve("inc/site.conf"),
                "my $local = 'inner';\n$max_servers = $max_servers * 3;\n$TEMPBASE = \"$MYHOME/$local\";\n");
        Files.writeString(dir.resolve("other.conf"), "$log_level = 4;\n");
        Files.writeString(dir.resolve("amavisd.conf"), """
        my $local = 'outer';
        $max_servers = 5;
        include_config_files('inc/site.conf', "%s");
        $QUARANTINEDIR = "/q/$local";
        """.formatted(dir.resolve("other.conf")));

        AmavisConf c = AmavisConf.load(dir.resolve("amavisd.conf"));

        assertThat(c.integer("max_servers")).isEqualTo(15);
        assertThat(c.scalar("TEMPBASE")).contains("/var/amavis/inner");
        assertThat(c.integer("log_level")).isEqualTo(4);
        assertThat(c.scalar("QUARANTINEDIR")).contains("/q/outer");
        assertThat(c.origin("$max_servers"))
                .isEqualTo(new Origin(dir.resolve("inc/site.conf").toString(), 2, 14));
    }

    @Test
    void includeLoopsAndMissingFilesAreErrors() throws Exception {
        Files.writeString(dir.resolve("loop.conf"), "include_config_files('loop.conf');\n");
        assertThatThrownBy(() -> AmavisConf.load(dir.resolve("loop.conf")))
                .hasMessageContaining("loop.conf:1:1: include_config_files nested too deeply");
        Files.writeString(dir.resolve("a.conf"), "\n include_config_files('missing.conf');\n");
        assertThatThrownBy(() -> AmavisConf.load(dir.resolve("a.conf")))
                .hasMessageStartingWith(dir.resolve("a.conf") + ":2:2: include_config_files: config file not found");
    }

    @Test
    void backticksRunThroughTheShellAsDebiansIdiomsExpect() throws Exception {
        Path mailname = Files.writeString(dir.resolve("mailname"), "mx.example.com\nignored\n");
        AmavisConf c = AmavisConf.parse("""
        chomp($mydomain = `head -n 1 %s`);
        chomp($myhostname = `echo host.example.com`);
        $raw = `head -1 %s`;
        $piped = `printf 'a\\nb\\n' | tail -n 1`;
        @local_domains_acl = ( ".$mydomain" );
        """.formatted(mailname, mailname), "05-ids");
        assertThat(c.scalar("mydomain")).contains("mx.example.com");
        assertThat(c.scalar("myhostname")).contains("host.example.com");
        assertThat(c.scalar("raw")).contains("mx.example.com\n");
        assertThat(c.scalar("piped")).contains("b\n");
        assertThat(c.list("@local_domains_acl")).containsExactly(".mx.example.com");
        assertThat(c.warnings())
                .as("no command failed")
                .noneMatch(w -> w.message().contains("`"));
    }

    @Test
    void aFailingCommandYieldsWhatItPrintedAndAWarning() throws Exception {
        // Debian's 05-domain_id on a machine without /etc/mailname
        AmavisConf c = AmavisConf.parse("chomp($mydomain = `head -n 1 %s`);".formatted(dir.resolve("none")), "t");
        assertThat(c.scalar("mydomain")).contains("");
        assertThat(c.warnings())
                .singleElement()
                .extracting(ConfigWarning::message)
                .asString()
                .contains("`head -n 1 " + dir.resolve("none") + "` exited with status 1");
    }

    @Test
    void aCommandThatRunsTooLongIsKilled() {
        List<ConfigWarning> warnings = new java.util.ArrayList<>();
        String out = CommandRunner.output(
                "echo started; sleep 30", Origin.DEFAULT, warnings, java.time.Duration.ofMillis(300));
        assertThat(out).isEqualTo("started\n");
        assertThat(warnings)
                .singleElement()
                .extracting(ConfigWarning::message)
                .asString()
                .contains("killed after");
    }

    @Test
    void chompOnAPlainVariable() throws Exception {
        AmavisConf c = AmavisConf.parse("$x = \"abc\\n\"; chomp($x); $y = \"k\"; chomp $y;", "t");
        assertThat(c.scalar("x")).contains("abc");
        assertThat(c.scalar("y")).contains("k");
    }
}
