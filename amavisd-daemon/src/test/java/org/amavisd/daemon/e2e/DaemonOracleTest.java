package org.amavisd.daemon.e2e;

import static org.amavisd.daemon.e2e.OracleComparison.dated;
import static org.amavisd.daemon.e2e.OracleComparison.headers;
import static org.amavisd.daemon.e2e.OracleComparison.withAttachment;
import static org.amavisd.daemon.e2e.OracleComparison.withAttachments;
import static org.amavisd.daemon.e2e.OracleComparison.zip;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.amavisd.daemon.Amavisd;
import org.amavisd.daemon.e2e.OracleComparison.Case;
import org.amavisd.daemon.e2e.OracleComparison.Side;
import org.amavisd.daemon.e2e.OracleComparison.Systematic;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.smtp.testing.RecordingMta;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole daemon against amavisd-new: Debian's amavisd-new 2.13 and our daemon run side by side
 * on loopback with the same policy (one configuration text both read, see {@link #POLICY}), each
 * relaying to its own recording back end. The same messages go to both over SMTP; per message,
 * what an MTA and a sysadmin see must be the same: the reply after DATA, the back end's
 * transactions (envelope, the header fields added above the Received field, the subject, DSNs and
 * admin notifications by their Subject), the quarantine files (name prefix,
 * X-Envelope-To-Blocked, the fields written above the message, line ends) and the main log line
 * (category, action braces, bank, client, envelope). Ids, the back end's port and its queue ids
 * are normalised.
 *
 * <p>Where we knowingly differ, either the difference is one of {@link #SYSTEMATIC} (a rewrite of
 * one side that must still apply somewhere in the run) or the case records both sides' value for
 * that aspect ({@link #known}), so the test fails when either side changes. The deliberate ones are
 * explained in docs/differences.md. amavisd-new is started by {@link AmavisdNewOracle} with the
 * policy and its own runtime settings. Gated like the other end-to-end tests by the system property
 * amavisd.e2e ("required" fails without root and amavisd-new, "off" skips, otherwise it aborts).
 */
class DaemonOracleTest {
    /** Ports: the default bank, then the banks named here, in this order. */
    private static final List<String> BANKS = List.of("DEFAULT", "BOUNCE", "REJECT");

    /**
     * The policy both read. %1$s: the quarantine directory, %2$s: the log file, %3$s: the back
     * end's port, %4$s: the listening ports, %5$s: the port of bank BOUNCE, %6$s: of bank REJECT.
     */
    private static final String POLICY = """
        use strict;
        $myhostname = 'filter.example.test';
        $mydomain = 'example.com';
        @local_domains_acl = ('example.com');
        $inet_socket_bind = '127.0.0.1';
        $inet_socket_port = [%4$s];
        $DO_SYSLOG = 0; $LOGFILE = '%2$s'; $log_level = 2;
        $forward_method = 'smtp:[127.0.0.1]:%3$s';
        $notify_method = $forward_method;
        $QUARANTINEDIR = '%1$s';
        $MAXFILES = 8;
        @bypass_virus_checks_maps = (1);
        @bypass_spam_checks_maps = (1);
        $banned_filename_re = new_RE(
          qr'^\\.(exe-ms|dll)$',
          [ qr'^\\.(zip|gz)$' => 0 ],
          qr'.\\.(exe|vbs|pif|scr|bat|cmd|com|cpl)$'i,
        );
        @banned_files_lovers_maps = ( ['lover@example.com'] );
        $final_banned_destiny = D_DISCARD;
        $final_bad_header_destiny = D_PASS;
        $banned_files_quarantine_method = 'local:banned-%%b-%%m';
        $bad_header_quarantine_method = 'local:badh-%%m';
        $recipient_delimiter = '+';
        $addr_extension_bad_header = 'badh';
        $banned_admin = 'postmaster@example.com';
        $interface_policy{'%5$s'} = 'BOUNCE';
        $interface_policy{'%6$s'} = 'REJECT';
        $policy_bank{'BOUNCE'} = { final_banned_destiny => D_BOUNCE };
        $policy_bank{'REJECT'} = { final_banned_destiny => D_REJECT };
        1;
        """;

    private static final String SENDER = "s@remote.test";

    private static final List<Systematic> SYSTEMATIC = List.of(
            // our DSN's Subject ends with the original subject (docs/differences.md)
            Systematic.ours("dsn-subject", "transactions", "(DSN <>[^|]*? Subject: [^|]*?\\)): test [^ |]+", "$1"),
            // amavisd-new writes the quarantine file with LF line ends, we with CRLF
            Systematic.oracle("quarantine-line-ends", "quarantine-fields", "\\(LF\\)", "(CRLF)"));

    /** The comparison, with the known differences of single cases (see docs/differences.md). */
    private static final OracleComparison COMPARISON = new OracleComparison(SYSTEMATIC, v -> v);

    static {
        // X-Quarantine-ID: amavisd-new takes it from the first recipient of a group of equal edits (so
        // the remote recipient shares the local one's copy); we give it to local recipients only, in a
        // transaction of their own (docs/differences.md)
        known(
                "bad-header",
                "transactions",
                "RELAY <s@remote.test> -> <other@elsewhere.test>,<user+badh@example.com> ORCPT=rfc822;user+2Bold@example.com added[X-Quarantine-ID: <MAILID>; X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two",
                "RELAY <s@remote.test> -> <other@elsewhere.test> added[X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two | RELAY <s@remote.test> -> <user+badh@example.com> ORCPT=rfc822;user+2Bold@example.com added[X-Quarantine-ID: <MAILID>; X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two");
        // so the log line names two queue ids where amavisd-new names one
        knownQueueIds("bad-header", "BAD-HEADER-8", "<user+old@example.com>,<other@elsewhere.test>");
        knownQueueIds("bad-header-remote-first", "BAD-HEADER-8", "<other@elsewhere.test>,<user+old@example.com>");
        knownQueueIds("too-many-parts", "BAD-HEADER-1", "<user@example.com>,<other@elsewhere.test>");
        known(
                "bad-header-remote-first",
                "transactions",
                "RELAY <s@remote.test> -> <other@elsewhere.test>,<user+badh@example.com> ORCPT=rfc822;user+2Bold@example.com added[X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two",
                "RELAY <s@remote.test> -> <other@elsewhere.test> added[X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two | RELAY <s@remote.test> -> <user+badh@example.com> ORCPT=rfc822;user+2Bold@example.com added[X-Quarantine-ID: <MAILID>; X-Amavis-Alert: BAD HEADER SECTION, Missing required header field: \"Date\"; Received: ...] Subject: one / Subject: two");
        known(
                "too-many-parts",
                "transactions",
                "RELAY <s@remote.test> -> <other@elsewhere.test>,<user+badh@example.com> ORCPT=rfc822;user@example.com added[X-Quarantine-ID: <MAILID>; X-Amavis-Alert: BAD HEADER SECTION, MIME error: Unable to parse, perhaps message contains too many parts; Received: ...] Subject: test too-many-parts",
                "RELAY <s@remote.test> -> <other@elsewhere.test> added[X-Amavis-Alert: BAD HEADER SECTION, MIME error: Unable to parse, perhaps message contains too many parts; Received: ...] Subject: test too-many-parts | RELAY <s@remote.test> -> <user+badh@example.com> ORCPT=rfc822;user@example.com added[X-Quarantine-ID: <MAILID>; X-Amavis-Alert: BAD HEADER SECTION, MIME error: Unable to parse, perhaps message contains too many parts; Received: ...] Subject: test too-many-parts");
        // X-Amavis-Hold: amavisd-new's reason ends with the Perl source location of the limit; ours does not
        known(
                "too-many-files-in-zip",
                "transactions",
                "RELAY <s@remote.test> -> <other@elsewhere.test>,<user@example.com> added[X-Amavis-Hold: Maximum number of files (8) exceeded at /usr/share/perl5/Amavis/Unpackers/NewFilename.pm line 65.; Received: ...] Subject: test too-many-files-in-zip",
                "RELAY <s@remote.test> -> <other@elsewhere.test>,<user@example.com> added[X-Amavis-Hold: Maximum number of files (8) exceeded; Received: ...] Subject: test too-many-files-in-zip");
    }

    private static void knownQueueIds(String name, String category, String recipients) {
        String line = "Passed " + category + " {RelayedTaggedInbound,RelayedOpenRelay,Quarantined}, [127.0.0.1] "
                + "<s@remote.test> -> " + recipients + " q:badh-MAILID queued_as:";
        known(name, "log", line + "QID", line + "QID/QID");
    }

    private static void known(String name, String aspect, String oracle, String ours) {
        COMPARISON.known(name, aspect, oracle, ours);
    }

    private static Path state;
    private static AmavisdNewOracle oracle;
    private static RecordingMta oracleMta;
    private static RecordingMta ourMta;
    private static Amavisd ours;

    // ---------------------------------------------------------------- the two daemons

    @BeforeAll
    static void startBoth() throws Exception {
        AmavisdNewOracle.checkPrerequisites();
        state = AmavisdNewOracle.newStateDirectory();
        oracleMta = RecordingMta.smtp();
        ourMta = RecordingMta.smtp();

        Path home = state.resolve("home");
        Map<String, Integer> oraclePorts = OracleComparison.freePorts(BANKS);
        Path oracleLog = home.resolve("amavis.log");
        Path oraclePolicy = state.resolve("policy-oracle.conf");
        Files.writeString(oraclePolicy, policy(home.resolve("quarantine"), oracleLog, oracleMta.port(), oraclePorts));
        Path runtime = state.resolve("runtime-oracle.conf");
        Files.writeString(runtime, AmavisdNewOracle.runtimeSettings(home));
        oracle = AmavisdNewOracle.start(state, List.of(oraclePolicy, runtime), oracleLog, oraclePorts.get("DEFAULT"));
        Side oracleSide = new Side("amavisd-new", oraclePorts, oracleMta, oracleLog, home.resolve("quarantine"));

        Path ourHome = Files.createDirectories(state.resolve("ours"));
        Path ourQuarantine = Files.createDirectories(ourHome.resolve("quarantine"));
        Map<String, Integer> ourPorts = OracleComparison.freePorts(BANKS);
        Path ourLog = ourHome.resolve("amavisd.log");
        Path ourPolicy = state.resolve("policy-ours.conf");
        Files.writeString(
                ourPolicy, "$MYHOME = '" + ourHome + "';\n" + policy(ourQuarantine, ourLog, ourMta.port(), ourPorts));
        ours = new Amavisd(() -> AmavisConf.load(ourPolicy), s -> s, false);
        ours.start();
        Side ourSide = new Side("ours", ourPorts, ourMta, ourLog, ourQuarantine);
        COMPARISON.sides(oracle, oracleSide, ourSide);
    }

    @AfterAll
    static void stopBoth() throws Exception {
        if (ours != null) ours.stop();
        if (oracle != null) oracle.close();
        if (oracleMta != null) oracleMta.close();
        if (ourMta != null) ourMta.close();
        if (state != null && !Boolean.getBoolean("amavisd.oracle.keep")) {
            try (Stream<Path> s = Files.walk(state)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String policy(Path quarantine, Path log, int backEnd, Map<String, Integer> ports) {
        String list = BANKS.stream().map(b -> ports.get(b).toString()).collect(Collectors.joining(", "));
        return POLICY.formatted(quarantine, log, backEnd, list, ports.get("BOUNCE"), ports.get("REJECT"));
    }

    // ---------------------------------------------------------------- the messages

    static List<Case> cases() throws IOException {
        List<String> user = List.of("user@example.com");
        List<String> userAndLover = List.of("user@example.com", "lover@example.com");
        List<String> many = new ArrayList<>();
        for (int i = 1; i <= 12; i++) many.add("notes" + i + ".txt");
        return List.of(
                new Case("clean", "DEFAULT", SENDER, user, withAttachments("clean", List.of("notes.txt"))),
                // the originator IP of the log line: the oldest public address of the Received trace
                new Case(
                        "received-trace",
                        "DEFAULT",
                        SENDER,
                        user,
                        "Received: from mx.remote.test (mx.remote.test [198.51.100.7])\r\n"
                                + "\tby relay.remote.test (Postfix) with ESMTPS id 4AB1; Wed, 2 Dec 2026 00:00:02 +0000\r\n"
                                + "Received: from [192.168.1.5] (unknown [10.0.0.5])\r\n"
                                + "\tby mx.remote.test with ESMTPSA id 77; Wed, 2 Dec 2026 00:00:01 +0000\r\n"
                                + "Received: from client.remote.test (client.remote.test [203.0.113.9])\r\n"
                                + "\tby gw.remote.test (8.15.2/8.15.2) with ESMTP id x1; Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                                + "Received: by gw.remote.test (Postfix, from userid 0) id 1; Wed, 2 Dec 2026 00:00:00 +0000\r\n"
                                + dated("received-trace") + "\r\nbody\r\n"),
                new Case(
                        "banned-discard",
                        "DEFAULT",
                        SENDER,
                        user,
                        withAttachments("banned-discard", List.of("invoice.pdf.exe"))),
                new Case(
                        "banned-discard-lover",
                        "DEFAULT",
                        SENDER,
                        userAndLover,
                        withAttachments("banned-discard-lover", List.of("invoice.pdf.exe"))),
                new Case("banned-bounce", "BOUNCE", SENDER, user, withAttachments("banned-bounce", List.of("x.scr"))),
                new Case(
                        "banned-bounce-null-sender",
                        "BOUNCE",
                        "",
                        user,
                        withAttachments("banned-bounce-null-sender", List.of("x.scr"))),
                new Case("banned-reject", "REJECT", SENDER, user, withAttachments("banned-reject", List.of("x.com"))),
                new Case(
                        "banned-reject-mixed",
                        "REJECT",
                        SENDER,
                        userAndLover,
                        withAttachments("banned-reject-mixed", List.of("x.com"))),
                new Case(
                        "bad-header",
                        "DEFAULT",
                        SENDER,
                        List.of("user+old@example.com", "other@elsewhere.test"),
                        headers("bad-header", "Subject: one\r\nSubject: two\r\n") + "\r\nbody\r\n"),
                new Case(
                        "bad-header-remote-first",
                        "DEFAULT",
                        SENDER,
                        List.of("other@elsewhere.test", "user+old@example.com"),
                        headers("bad-header-remote-first", "Subject: one\r\nSubject: two\r\n") + "\r\nbody\r\n"),
                // a header and no body: not even the empty line after the header
                new Case("header-only", "DEFAULT", SENDER, user, dated("header-only")),
                new Case(
                        "mime-error",
                        "DEFAULT",
                        SENDER,
                        user,
                        dated("mime-error")
                                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n"
                                + "--xyz\r\nContent-Type: text/plain\r\n\r\nno closing boundary\r\n"),
                new Case(
                        "too-many-parts",
                        "DEFAULT",
                        SENDER,
                        List.of("user@example.com", "other@elsewhere.test"),
                        withAttachments("too-many-parts", many)),
                new Case(
                        "too-many-files-in-zip",
                        "DEFAULT",
                        SENDER,
                        List.of("user@example.com", "other@elsewhere.test"),
                        withAttachment(dated("too-many-files-in-zip"), "notes.zip", "application/zip", zip(many))));
    }

    // ---------------------------------------------------------------- the comparison

    @TestFactory
    Stream<DynamicTest> sameAsAmavisdNew() throws IOException {
        return Stream.of(
                        cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> COMPARISON.compare(c))),
                        Stream.of(DynamicTest.dynamicTest(
                                "our configuration reader takes amavisd-new's runtime settings", () -> {
                                    // they are given to amavisd-new only (they are about running it), but a
                                    // configuration written for amavisd-new holds them and must load here too
                                    AmavisConf conf = AmavisConf.load(state.resolve("runtime-oracle.conf"));
                                    assertThat(conf.warnings()).isEmpty();
                                    assertThat(conf.get("@bypass_virus_checks_maps"))
                                            .isPresent();
                                })),
                        Stream.of(DynamicTest.dynamicTest(
                                "every recorded difference still occurs", COMPARISON::checkEveryDifferenceOccurred)))
                .flatMap(t -> t);
    }
}
