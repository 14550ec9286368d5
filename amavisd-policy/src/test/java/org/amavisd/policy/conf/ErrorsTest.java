package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ErrorsTest {
    private static final String FILE = "/etc/amavis/conf.d/50-user";

    private static ConfigException fail(String text) {
        try {
            AmavisConf.parse(text, FILE);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    @Test
    void unsupportedStatementNamesConstructAndPosition() {
        ConfigException e = fail("use strict;\n$max_servers = 3;\n\n# loop\n    foreach my $x (1) { }\n");
        assertThat(e).hasMessage(FILE + ":5:5: unsupported construct 'foreach'");
        assertThat(e.origin()).isEqualTo(new Origin(FILE, 5, 5));
        assertThat(e.detail()).isEqualTo("unsupported construct 'foreach'");
    }

    @Test
    void statementModifierIsRejectedWhereItStands() {
        assertThat(fail("$log_level = 2 if 1;"))
                .hasMessage(FILE + ":1:16: unsupported construct statement modifier 'if'");
    }

    @Test
    void namedSubIsRejected() {
        assertThat(fail("\nsub foo { 1 }"))
                .hasMessageStartingWith(FILE + ":2:1: this file is Perl code ('sub foo'), not configuration");
        assertThat(fail("$x = 1;\n  package Amavis::Custom;\n"))
                .hasMessageStartingWith(FILE + ":2:3: this file is Perl code");
    }

    @Test
    void notYetImplementedHelpersAreNamed() {
        assertThat(fail("$x = 1;\n@a = (Opaque([1]));"))
                .hasMessage(FILE + ":2:7: unsupported construct 'Opaque' (not implemented yet)");
        assertThat(fail("read_hash(\\%h, '/nonexistent/x');"))
                .hasMessage(FILE + ":1:1: Can't open file /nonexistent/x for reading: No such file or directory");
    }

    @Test
    void syntaxErrorsCarryPosition() {
        assertThat(fail("$a = 1\n$b = 2;")).hasMessage(FILE + ":2:1: syntax error: expected ';' but found '$b'");
        assertThat(fail("@a = (1, 2;")).hasMessage(FILE + ":1:11: syntax error: expected ')' but found ';'");
        assertThat(fail("$s = 'open;"))
                .hasMessage(FILE + ":1:6: unterminated string or quote-like operator (missing ''')");
        assertThat(fail("$h = <<EOD;\nbody\n")).hasMessage(FILE + ":1:6: can't find here-document terminator \"EOD\"");
    }

    @Test
    void unknownBarewordAndFunction() {
        assertThat(fail("$x = FOO;"))
                .hasMessage(FILE + ":1:6: bareword 'FOO' not allowed (unknown function or constant)");
        assertThat(fail("$x = frob(1);")).hasMessage(FILE + ":1:6: unsupported construct 'frob()' (unknown function)");
    }

    @Test
    void wrongShapeIsAnErrorAtTheAssignment() {
        assertThat(fail("\n$max_servers = [1, 2];"))
                .hasMessage(FILE + ":2:14: $max_servers expects a number, got an array reference");
        assertThat(fail("$max_servers = 'many';"))
                .hasMessage(FILE + ":1:14: $max_servers expects a number, got 'many'");
        assertThat(fail("$myhostname = {a => 1};"))
                .hasMessage(FILE + ":1:13: $myhostname expects a plain scalar, got a hash reference");
        assertThat(fail("$policy_bank{'ORIG'} = 'originating';"))
                .hasMessage(FILE + ":1:22: %policy_bank entries must be hash references {...}, got 'originating'");
        assertThat(fail("%policy_bank = (ORIG => 1);"))
                .hasMessage(FILE + ":1:14: %policy_bank entry 'ORIG' must be a hash reference {...}, got '1'");
        assertThat(fail("$inet_socket_port = {10024 => 1};"))
                .hasMessageContaining("$inet_socket_port expects a scalar or an array reference");
    }

    @Test
    void integerAccessorReportsOriginOfTheValue() throws Exception {
        AmavisConf c = AmavisConf.parse("$log_level = 1;\n  $child_timeout = 2.5;", FILE);
        assertThatThrownBy(() -> c.integer("child_timeout"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE + ":2:18: $child_timeout must be an integer, got '2.5'");
        assertThatThrownBy(() -> c.integer("$QUARANTINEDIR"))
                .hasMessage("<default>:0:0: $QUARANTINEDIR must be an integer, got undef");
    }

    @Test
    void unknownVariableIsAWarningWithSuggestion() throws Exception {
        AmavisConf c =
                AmavisConf.parse("$max_server = 4;\n$inet_acl = '10.0.0.1';\n$zzqqxx = 1;\n$max_server = 5;", FILE);
        assertThat(c.warnings())
                .containsExactly(
                        new ConfigWarning(
                                new Origin(FILE, 1, 13), "unknown variable $max_server; did you mean $max_servers?"),
                        new ConfigWarning(
                                new Origin(FILE, 2, 11), "unknown variable $inet_acl; did you mean @inet_acl?"),
                        new ConfigWarning(new Origin(FILE, 3, 9), "unknown variable $zzqqxx"));
        assertThat(c.warnings().get(0).toString())
                .isEqualTo(FILE + ":1:13: warning: unknown variable $max_server; did you mean $max_servers?");
        // the value is still kept: it may be used by later expressions
        assertThat(c.scalar("max_server")).contains("5");
    }

    @Test
    void declaredVariablesAreNotUnknown() throws Exception {
        AmavisConf c = AmavisConf.parse("my $helper = 1; our $shared = 2; use vars qw($legacy); $legacy = 3;", FILE);
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void errorsInsideStringsPointAtTheVariable() {
        assertThat(fail("$x = 1;\n$y = \"abc ${a b}\";"))
                .hasMessage(FILE + ":2:11: unsupported construct '${a b}' in string");
        assertThat(fail("$y = qq{line1\n  @{[ 1 ]}};"))
                .hasMessage(FILE + ":2:3: unsupported construct '@{...}' in string");
        assertThat(fail("$y = <<EOT;\nfirst\n  x ${a b}\nEOT\n"))
                .hasMessage(FILE + ":3:5: unsupported construct '${a b}' in string");
    }

    @Test
    void readingAnUnknownVariableWarnsWithSuggestion() throws Exception {
        AmavisConf c = AmavisConf.parse("$virus_admin = \"postmaster\\@$mydomian\";\n@inet_acl = (@mynetwork);", FILE);
        assertThat(c.warnings())
                .containsExactly(
                        new ConfigWarning(
                                new Origin(FILE, 1, 29),
                                "use of unknown variable $mydomian (undefined); did you mean $mydomain?"),
                        new ConfigWarning(
                                new Origin(FILE, 2, 14),
                                "use of unknown variable @mynetwork (undefined); did you mean @mynetworks?"));
        assertThat(c.scalar("virus_admin")).contains("postmaster@");
    }
}
