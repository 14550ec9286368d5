package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad value of each kind, through the command line a sysadmin types (showconfig, start,
 * reload): one line {@code amavisd: configuration error: FILE:LINE:COLUMN: message} that points
 * at where the value was written, exit 1, and no stack trace.
 */
class ConfigErrorCliTest {
    /** The bad setting is always on this line of the file. */
    private static final int LINE = 4;

    @TempDir
    Path dir;

    /**
     * @param setting the line written to the config
     * @param at the text of that line the error must point at (its first occurrence)
     * @param says a part of the message
     */
    private record Case(String setting, String at, String says) {
        @Override
        public String toString() {
            return setting;
        }
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                        new Case(
                                "@lookup_sql_dsn = ( ['DBI:mysql:database=x;host=127.0.0.1', 'user', 'pw'] );",
                                "=",
                                "no MySQL/MariaDB driver is bundled"),
                        new Case("@lookup_sql_dsn = ( ['garbage', 'u', 'p'] );", "=", "@lookup_sql_dsn: not a DBI"),
                        new Case(
                                "$enable_ldap = 1; $default_ldap = { hostname => 'localhost', tls => 1 };",
                                "= {",
                                "$default_ldap: tls => 1 (StartTLS) is not supported"),
                        new Case(
                                "$enable_ldap = 1; $default_ldap = { hostname => 'ldap://bad host/' };",
                                "= {",
                                "$default_ldap: "),
                        new Case("$banned_namepath_re = qr'(abc';", "qr", "cannot use regular expression"),
                        new Case("$max_servers = 'many';", "=", "$max_servers expects a number"),
                        new Case("$inet_socket_port = 'abc';", "=", "$inet_socket_port: not a port number"),
                        new Case("@mynetworks = qw(127.0.0.0/8 10.0.0.300/8);", "=", "@mynetworks: not an IP address"),
                        new Case("@inet_acl = qw(127.0.0.1 1.2.3.4/99);", "=", "@inet_acl: bad prefix length"),
                        new Case(
                                "@client_ipaddr_policy = ( [qw(1.2.3.999)] => 'MYNETS' );",
                                "=",
                                "@client_ipaddr_policy: not an IP address"),
                        new Case("@av_scanners = ( ['ClamAV', \\&ask_daemon] );", "=", "@av_scanners entry 1"),
                        new Case(
                                "@spam_scanners = ( ['SA', 'Nonexistent::Module'] );",
                                "=",
                                "unknown spam scanner class"),
                        new Case(
                                "$virus_quarantine_method = 'sql:';",
                                "=",
                                "$virus_quarantine_method: quarantine method 'sql:'"),
                        new Case("$forward_method = 'bogus';", "=", "unsupported forward method 'bogus'"),
                        new Case(
                                "$policy_bank{'X'} = { forward_method => 'bogus:1' };",
                                "= {",
                                "bank 'X': forward_method"),
                        new Case(
                                "$policy_bank{'X'} = { mynetworks_maps => [[qw(300.1.1.1)]] };",
                                "= {",
                                "bank 'X': mynetworks_maps: not an IP address"),
                        new Case(
                                "dkim_key('example.com', 'sel', '/nonexistent/key.pem');",
                                "dkim_key",
                                "dkim_key: cannot open PEM file /nonexistent/key.pem"),
                        new Case("$dkim_dns_resolver = 'bad host:xx';", "=", "$dkim_dns_resolver: not a DNS server"),
                        new Case("$TEMPBASE = \"/tmp/\\0x\";", "=", "$TEMPBASE: not a file name"))
                .flatMap(c -> Stream.of("showconfig", "start", "reload").map(cmd -> Arguments.of(cmd, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badConfigurations")
    void aBadValueIsOneLineAtWhereItWasWritten(String command, Case c) throws Exception {
        String error = run(command, c.setting());
        Path conf = dir.resolve("amavisd.conf");
        int column = c.setting().indexOf(c.at()) + 1;
        assertThat(error.lines().filter(l -> !l.isBlank()))
                .as(error)
                .singleElement()
                .asString()
                .startsWith("amavisd: configuration error: " + conf + ":" + LINE + ":" + column + ": ")
                .contains(c.says());
        assertThat(error).doesNotContain("\tat ").doesNotContain("Exception");
    }

    /** With signing on, a key file that is no key stops the start at its own dkim_key call, not the first one. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"showconfig", "start"})
    void aSigningKeyThatIsNoKeyIsRefusedAtItsOwnCall(String command) throws Exception {
        Path good = dir.resolve("good.pem");
        org.amavisd.dkim.KeyCommands.genrsa(good, 1024);
        Path bad = Files.writeString(dir.resolve("bad.pem"), "not a key\n");
        String error = run(
                command,
                "$enable_dkim_signing = 1; dkim_key('a.example', 's', '" + good + "');\n"
                        + "  dkim_key('b.example', 's', '" + bad + "');");
        assertThat(error.strip())
                .startsWith("amavisd: configuration error: " + dir.resolve("amavisd.conf") + ":" + (LINE + 1) + ":3: ")
                .contains("dkim_key: cannot use the signing key " + bad)
                .doesNotContain("\n");
    }

    /** Runs the command line on a config with {@code setting} at line {@link #LINE}; its stderr, after exit 1. */
    private String run(String command, String setting) throws Exception {
        Path conf = dir.resolve("amavisd.conf");
        Files.writeString(
                conf,
                "use strict;\n$MYHOME = '" + dir.resolve("home") + "';\n$inet_socket_bind = '127.0.0.1';\n" + setting
                        + "\n1;\n");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            exit = Main.run("-c", conf.toString(), command);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String error = stderr.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(error).isEqualTo(1);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain("amavisd started");
        return error;
    }
}
