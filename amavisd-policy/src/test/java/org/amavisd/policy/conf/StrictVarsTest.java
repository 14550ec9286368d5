package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** use strict as amavisd-new's Perl applies it to a config file (compiled in package Amavis::Conf). */
class StrictVarsTest {
    @TempDir
    Path dir;

    private static AmavisConf conf(String text) throws ConfigException {
        return AmavisConf.parse(text, "t.conf");
    }

    @Test
    void anUndeclaredVariableUnderUseStrictIsRefusedWithPerlsWords() {
        assertThatThrownBy(() -> conf("use strict;\n$max_servers = 3;\n  $max_server = 4;\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.conf:3:3: Global symbol \"$max_server\" requires explicit package name"
                        + " (did you forget to declare \"my $max_server\"?); did you mean $max_servers?");
        assertThatThrownBy(() -> conf("use strict;\n@x = (1);\n"))
                .hasMessageStartingWith("t.conf:2:1: Global symbol \"@x\"");
        assertThatThrownBy(() -> conf("use strict;\n$myhostname = \"host.$dommain\";\n"))
                .as("inside a string too")
                .hasMessageContaining("Global symbol \"$dommain\"");
        assertThatThrownBy(() -> conf("use strict;\n$h{a} = 1;\n")).hasMessageContaining("Global symbol \"%h\"");
    }

    @Test
    void theWholeFileIsCheckedBeforeAnyOfItRunsAsPerlCompilesIt() {
        assertThatThrownBy(() -> conf("use strict;\n$log_level = 1 ? 2 : $nosuch;\n"))
                .as("a branch never taken")
                .hasMessageStartingWith("t.conf:2:22: Global symbol \"$nosuch\"");
    }

    @Test
    void declaredAmavisdNewsOwnQualifiedAndSpecialVariablesAreFine() throws Exception {
        AmavisConf c = conf("""
                use strict;
                my $d = 'example.com';
                our @nets = qw(10.0.0.0/8);
                use vars qw($helper %table);
                $helper = 1; $table{a} = 1;
                @mynetworks = @nets;
                $mydomain = $d;
                $policy_bank{'MYNETS'} = { originating => 1 };
                %final_destiny_by_ccat = ();
                $DO_SYSLOG = 1;
                $smtp_connect_timeout = 30;
                $Amavis::Conf::other = 1;
                $ENV{PATH} = '/bin'; $_ = 1;
                1;
                """);
        assertThat(c.scalar("$mydomain")).contains("example.com");
    }

    @Test
    void withoutUseStrictOrAfterNoStrictAnUnknownNameIsOnlyAWarning() throws Exception {
        assertThat(conf("$nosuch_setting = 1;\n").warnings())
                .singleElement()
                .satisfies(w -> assertThat(w.message()).startsWith("unknown variable $nosuch_setting"));
        assertThat(conf("use strict;\nno strict 'vars';\n$nosuch_setting = 1;\n")
                        .warnings())
                .hasSize(1);
        assertThat(conf("use strict 'refs';\n$nosuch_setting = 1;\n").warnings())
                .as("strict refs alone does not check variables")
                .hasSize(1);
    }

    @Test
    void strictEndsWithItsFileButUseVarsIsSeenByTheFilesAfter() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "use strict;\nuse vars qw($shared);\n$shared = 1;\n");
        Path b = Files.writeString(dir.resolve("b"), "use strict;\n$shared = 2;\n");
        Path c = Files.writeString(dir.resolve("c"), "$loose = 1;\n");
        AmavisConf conf = AmavisConf.load(dir);
        assertThat(conf.scalar("$shared")).contains("2");
        assertThat(conf.scalar("$loose")).contains("1");
        Files.writeString(c, "our $mine = 1;\n");
        Files.writeString(dir.resolve("d"), "use strict;\n$mine = 2;\n");
        assertThatThrownBy(() -> AmavisConf.load(dir))
                .as("our is scoped to its file")
                .hasMessageStartingWith(dir.resolve("d") + ":2:1: Global symbol \"$mine\"");
        assertThat(a).exists();
        assertThat(b).exists();
    }
}
