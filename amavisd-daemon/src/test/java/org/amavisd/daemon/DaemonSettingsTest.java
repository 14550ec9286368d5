package org.amavisd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.amavisd.smtp.server.ServerConfig.ListenAddress;
import org.junit.jupiter.api.Test;

class DaemonSettingsTest {
    private static DaemonSettings settings(String conf) throws Exception {
        return DaemonSettings.from(AmavisConf.parse(conf, "test.conf"));
    }

    @Test
    void embeddedDefaultsAreAmavisdNewsDefaults() throws Exception {
        DaemonSettings s = DaemonSettings.from(AmavisConf.defaults());
        assertThat(s.listeners())
                .containsExactly(new ListenAddress("127.0.0.1", 10024), new ListenAddress("::1", 10024));
        assertThat(s.forwardMethod()).isEqualTo(ForwardMethod.parse("smtp:[127.0.0.1]:10025"));
        assertThat(s.maxServers()).isEqualTo(2);
        assertThat(s.myHome()).isEqualTo(Path.of("/var/amavis"));
        assertThat(s.tempBase()).isEqualTo(Path.of("/var/amavis"));
        assertThat(s.pidFile()).isEqualTo(Path.of("/var/amavis/amavisd.pid"));
        assertThat(s.smtpdTimeout()).isEqualTo(Duration.ofMinutes(8));
        assertThat(s.recipientLimit()).isEqualTo(1100);
        assertThat(s.messageSizeLimit()).isZero();
        assertThat(s.preserveEvidence()).isTrue();
        assertThat(s.inetAcl().test(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(s.inetAcl().test(InetAddress.getByName("::1"))).isTrue();
        assertThat(s.inetAcl().test(InetAddress.getByName("192.0.2.1"))).isFalse();
    }

    @Test
    void readsTheIssueTwoSettings() throws Exception {
        DaemonSettings s = settings("""
                $MYHOME = '/srv/amavis';
                $max_servers = 4;
                $inet_socket_port = [10024, 10026];
                $inet_socket_bind = '127.0.0.1';
                @inet_acl = qw(127.0.0.1 [::1] !10.1.1.1 10.0.0.0/8);
                $forward_method = 'lmtp:[::1]:10025';
                $smtpd_timeout = 2*60;
                $smtpd_message_size_limit = 30*1024*1024;
                $log_level = 3;
                1;
                """);
        assertThat(s.listeners())
                .containsExactly(new ListenAddress("127.0.0.1", 10024), new ListenAddress("127.0.0.1", 10026));
        assertThat(s.maxServers()).isEqualTo(4);
        assertThat(s.tempBase()).as("$TEMPBASE follows $MYHOME").isEqualTo(Path.of("/srv/amavis"));
        assertThat(s.forwardMethod()).isEqualTo(new ForwardMethod("lmtp", "::1", 10025));
        assertThat(s.smtpdTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.messageSizeLimit()).isEqualTo(30L * 1024 * 1024);
        assertThat(s.logLevel()).isEqualTo(3);
        assertThat(s.inetAcl().test(InetAddress.getByName("10.1.1.1"))).isFalse();
        assertThat(s.inetAcl().test(InetAddress.getByName("10.9.9.9"))).isTrue();
    }

    @Test
    void relayTimeoutsDefaultToAmavisdNewsBuiltInValuesAndCanBeSet() throws Exception {
        assertThat(DaemonSettings.from(AmavisConf.defaults()).relayTimeouts())
                .isEqualTo(new SmtpRelayClient.Timeouts(
                        Duration.ofSeconds(35),
                        Duration.ofSeconds(300),
                        Duration.ofSeconds(180),
                        Duration.ofSeconds(600)));
        DaemonSettings s = settings("""
                $smtp_connect_timeout = 10;
                $smtp_command_timeout = 60;
                $smtp_data_xfer_timeout = 2*60;
                $smtp_data_done_timeout = 15*60;
                """);
        assertThat(s.relayTimeouts())
                .isEqualTo(new SmtpRelayClient.Timeouts(
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(120),
                        Duration.ofSeconds(900)));
        assertThatThrownBy(() -> settings("\n$smtp_data_done_timeout = 0;"))
                .hasMessageMatching("(?s)test\\.conf:2:\\d+: .*")
                .hasMessageContaining("$smtp_data_done_timeout")
                .hasMessageContaining("must be a positive number of seconds");
    }

    @Test
    void aSizeLimitBelow64KiBIsRaisedAsAmavisdNewDoes() throws Exception {
        assertThat(settings("$smtpd_message_size_limit = 1000;").messageSizeLimit())
                .isEqualTo(65536);
    }

    @Test
    void badValuesAreErrorsThatNameFileLineAndColumn() {
        assertThatThrownBy(() -> settings("$max_servers = 2;\n  $forward_method = 'pipe:flags=q';\n"))
                .hasMessageMatching("(?s)test\\.conf:2:\\d+: .*")
                .hasMessageContaining("$forward_method")
                .hasMessageContaining("unsupported forward method 'pipe:flags=q'");
        assertThatThrownBy(() -> settings("@inet_acl = qw(127.0.0.1 localhost);"))
                .hasMessageMatching("(?s)test\\.conf:1:\\d+: .*")
                .hasMessageContaining("not an IP address or network: 'localhost'");
        assertThatThrownBy(() -> settings("$inet_socket_port = [10024, 'x'];"))
                .hasMessageContaining("not a port number");
        assertThatThrownBy(() -> settings("$max_servers = 0;"))
                .hasMessageContaining("$max_servers: must be at least 1");
    }

    @Test
    void aQuarantineMethodThatCannotBeCarriedOutIsRefusedWhereItWasSet() throws Exception {
        // taken per message, each of these would tempfail every message it applies to, for ever
        assertThatThrownBy(() -> DaemonSettings.checkBanks(
                        AmavisConf.parse("use strict;\n$spam_quarantine_method = 'sql:';\n1;\n", "q.conf")))
                .hasMessageContaining("q.conf:2:")
                .hasMessageContaining("$spam_quarantine_method")
                .hasMessageContaining("not supported yet");
        DaemonSettings.checkBanks(AmavisConf.parse("$virus_quarantine_method = 'local:virus-%b';\n1;\n", "q.conf"));
        assertThatThrownBy(() -> DaemonSettings.checkBanks(AmavisConf.parse(
                        "$virus_quarantine_method = 'local:virus-%b';\n$mail_digest_algorithm = 'CRC32';\n1;\n",
                        "q.conf")))
                .hasMessageContaining("q.conf:2:")
                .hasMessageContaining("$mail_digest_algorithm: unknown digest algorithm 'CRC32'");
        assertThatThrownBy(() -> DaemonSettings.checkBanks(AmavisConf.parse(
                        "$policy_bank{'X'} = { banned_files_quarantine_method => 'bsmtp:/x/%m' };\n1;\n", "q.conf")))
                .hasMessageContaining("bank 'X': banned_files_quarantine_method")
                .hasMessageContaining("not supported yet");
        // the defaults and an empty method (no quarantine) are fine
        DaemonSettings.checkBanks(AmavisConf.defaults());
        DaemonSettings.checkBanks(
                AmavisConf.parse("$spam_quarantine_method = '';\n$clean_quarantine_method = undef;\n1;\n", "q.conf"));
    }

    @Test
    void firstInfectedStopsScanReachesTheVirusScan() throws Exception {
        String entry = "@av_scanners = (['ClamAV-clamd', \\&ask_daemon, [\"CONTSCAN {}\\n\", \"127.0.0.1:3310\"],"
                + " qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (.*) FOUND$/m]);\n";
        assertThat(VirusChecks.fromConf(AmavisConf.parse(entry + "1;\n", "v.conf"), false)
                        .options()
                        .firstInfectedStops())
                .as("amavisd-new's default is undef: every scanner is asked")
                .isFalse();
        assertThat(VirusChecks.fromConf(
                                AmavisConf.parse(entry + "$first_infected_stops_scan = 1;\n1;\n", "v.conf"), false)
                        .options()
                        .firstInfectedStops())
                .isTrue();
    }
}
