package org.amavisd.scanners.av;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.junit.jupiter.api.Test;

class AvScannerConfigTest {
    private static final Path STOCK = Path.of("/etc/amavis/conf.d/15-av_scanners");

    private static AvScannerConfig.Scanners read(String text, String... installed) throws ConfigException {
        AmavisConf conf = AmavisConf.parse(text + "\n1;\n", "test.conf");
        java.util.Set<String> have = java.util.Set.of(installed);
        return AvScannerConfig.from(
                conf.get("@av_scanners").orElseThrow(),
                conf.origin("@av_scanners"),
                conf.get("@av_scanners_backup").orElse(org.amavisd.policy.conf.PerlValue.UNDEF),
                conf.origin("@av_scanners_backup"),
                name -> have.contains(name) ? Optional.of(Path.of("/usr/bin", name)) : Optional.empty());
    }

    @Test
    void theStockClamdEntryIsASimpleDaemonOnAUnixSocket() throws Exception {
        AvScannerConfig.Scanners s = read("""
                @av_scanners = (
                 ['ClamAV-clamd',
                   \\&ask_daemon, ["CONTSCAN {}\\n", "/var/run/clamav/clamd.ctl"],
                   qr/\\bOK$/m, qr/\\bFOUND$/m,
                   qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],
                );
                @av_scanners_backup = (
                  ['ClamAV-clamscan', 'clamscan',
                    "--stdout --no-summary -r --tempdir=/tmp {}",
                    [0], qr/:.*\\sFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],
                );""", "clamscan");
        AvScanner c = s.primary().get(0);
        assertThat(c.name()).isEqualTo("ClamAV-clamd");
        assertThat(c.kind()).isEqualTo(AvScanner.Kind.DAEMON_SIMPLE);
        assertThat(c.template()).isEqualTo("CONTSCAN {}\n");
        assertThat(c.sockets()).containsExactly(SocketSpec.parse("/var/run/clamav/clamd.ctl"));
        assertThat(c.clean().matches(0, "/tmp/x/parts: OK")).isTrue();
        assertThat(c.infected().matches(0, "/tmp/x/parts/p002: Eicar FOUND")).isTrue();
        AvScanner b = s.backup().get(0);
        assertThat(b.kind()).isEqualTo(AvScanner.Kind.COMMAND);
        assertThat(b.program()).isEqualTo(Path.of("/usr/bin/clamscan"));
        assertThat(b.clean().exitCodes()).containsExactly(0);
        assertThat(s.warnings()).isEmpty();
    }

    @Test
    void debiansInstalledListReadsWithOnlyTheClamdEntryWhenNoProgramIsInstalled() throws Exception {
        ClamdService.require(Files.isRegularFile(STOCK), STOCK + " (Debian package amavisd-new)");
        AmavisConf conf = AmavisConf.load(STOCK);
        AvScannerConfig.Scanners s = AvScannerConfig.from(
                conf.get("@av_scanners").orElseThrow(),
                conf.origin("@av_scanners"),
                conf.get("@av_scanners_backup").orElseThrow(),
                conf.origin("@av_scanners_backup"),
                name -> Optional.empty());
        assertThat(s.primary()).extracting(AvScanner::name).containsExactly("ClamAV-clamd");
        assertThat(s.backup()).isEmpty();
        assertThat(s.disabled())
                .anySatisfy(d -> assertThat(d).startsWith("ClamAV-clamscan: no program found (clamscan)"));
        // the AVP entry's chdir subs are the only thing we cannot honour
        assertThat(s.warnings()).allSatisfy(w -> assertThat(w).contains("is ignored"));
        // list ranges and sums in exit codes ([1..7], 4+1) evaluate to numbers
        AvScannerConfig.Scanners all = AvScannerConfig.from(
                conf.get("@av_scanners").orElseThrow(),
                conf.origin("@av_scanners"),
                conf.get("@av_scanners_backup").orElseThrow(),
                conf.origin("@av_scanners_backup"),
                name -> Optional.of(Path.of("/opt/bin", name)));
        assertThat(all.primary())
                .filteredOn(a -> a.name().equals("MkS_Vir daemon"))
                .singleElement()
                .satisfies(a -> assertThat(a.infected().exitCodes()).containsExactly(1, 2, 3, 4, 5, 6, 7));
        assertThat(all.backup())
                .filteredOn(a -> a.name().equals("F-PROT Antivirus for UNIX"))
                .singleElement()
                .satisfies(a -> assertThat(a.infected().exitCodes()).contains(5, 6, 7, 9, 13, 15));
    }

    @Test
    void streamingAndSeveralSocketsAndTcpForms() throws Exception {
        AvScannerConfig.Scanners s = read("""
                @av_scanners = (
                 ['stream', \\&ask_daemon, ["{}/*", ['clamd:[::1]:3310', 'clamd:/run/clamav/clamd.ctl']],
                   qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (.*) FOUND$/m ],
                 ['tcp', \\&ask_daemon, ["MULTISCAN {}\\n", '127.0.0.1:3310'], qr/\\bOK$/m, qr/\\bFOUND$/m ],
                );""");
        assertThat(s.primary().get(0).kind()).isEqualTo(AvScanner.Kind.DAEMON_CLAMD);
        assertThat(s.primary().get(0).sockets())
                .containsExactly(
                        new SocketSpec("clamd", null, "::1", 3310),
                        new SocketSpec("clamd", Path.of("/run/clamav/clamd.ctl"), null, 0));
        assertThat(s.primary().get(1).sockets()).containsExactly(new SocketSpec(null, null, "127.0.0.1", 3310));
        assertThat(s.primary().get(1).virusNames()).isNull();
    }

    @Test
    void entriesWeCannotRunAreLeftOutWithAWarning() throws Exception {
        AvScannerConfig.Scanners s = read("""
                @av_scanners = (
                 ['Sophos SSSP', \\&ask_daemon, ["{}", 'sssp:/var/run/savdi/sssp.sock'], qr/^DONE OK\\b/m, qr/^VIRUS\\b/m ],
                 ['ClamAV-clamav.pm', \\&ask_clamav, "*", [0], qr/FOUND/m, qr/^(.*) FOUND$/m ],
                 ['custom', sub { (0, '', []) }, "*", [0], [1] ],
                 ['ClamAV-clamd', \\&ask_daemon, ["CONTSCAN {}\\n", "/var/run/clamav/clamd.ctl"], qr/\\bOK$/m, qr/\\bFOUND$/m ],
                );""");
        assertThat(s.primary()).extracting(AvScanner::name).containsExactly("ClamAV-clamd");
        assertThat(s.warnings())
                .hasSize(3)
                .anySatisfy(w -> assertThat(w).contains("'Sophos SSSP'", "protocol 'sssp:' is not supported"))
                .anySatisfy(w -> assertThat(w).contains("\\&ask_clamav is not supported"))
                .anySatisfy(w -> assertThat(w).contains("an anonymous sub is not supported"));
    }

    @Test
    void malformedEntriesAreConfigErrorsNamingTheEntry() {
        assertThatThrownBy(() -> read("@av_scanners = ('ClamAV');"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("@av_scanners entry 1 must be a list");
        assertThatThrownBy(() -> read("@av_scanners = (['x', \\&ask_daemon, ['CONTSCAN {}', 'no-socket'], [0], [1]]);"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("entry 1 ('x')")
                .hasMessageContaining("not a socket");
        assertThatThrownBy(() -> read("@av_scanners = (['x', 'clamscan', '{}', ['zero'], [1]]);", "clamscan"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exit codes must be numbers");
        assertThatThrownBy(() -> read("@av_scanners = (['x', \\&ask_daemon, 'CONTSCAN {}', [0], [1]]);"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("needs [query, socket]");
    }

    @Test
    void socketSpecifications() {
        assertThat(SocketSpec.parse("/var/run/clamav/clamd.ctl").isUnix()).isTrue();
        assertThat(SocketSpec.parse("clamd:127.0.0.1:3310"))
                .isEqualTo(new SocketSpec("clamd", null, "127.0.0.1", 3310));
        assertThat(SocketSpec.parse("[::1]:3310")).isEqualTo(new SocketSpec(null, null, "::1", 3310));
        assertThat(SocketSpec.parse("localhost:3310")).isEqualTo(new SocketSpec(null, null, "localhost", 3310));
        assertThat(SocketSpec.parse("clamd:[::1]:3310").toString()).isEqualTo("clamd:[::1]:3310");
        assertThatThrownBy(() -> SocketSpec.parse("127.0.0.1:99999")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clamdReplyLines() {
        assertThat(ClamdReply.parse("/tmp/p 1: Eicar-Test-Signature FOUND"))
                .isEqualTo(new ClamdReply("/tmp/p 1", ClamdReply.Status.FOUND, "Eicar-Test-Signature"));
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ClamdReply("stream", ClamdReply.Status.OK, ""));
        assertThat(ClamdReply.parse("INSTREAM size limit exceeded. ERROR"))
                .isEqualTo(new ClamdReply("", ClamdReply.Status.ERROR, "INSTREAM size limit exceeded."));
        assertThat(ClamdReply.parse("/x: lstat() failed: No such file or directory. ERROR")
                        .detail())
                .isEqualTo("lstat() failed: No such file or directory.");
        assertThat(ClamdReply.parse("<html>").status()).isEqualTo(ClamdReply.Status.UNPARSEABLE);
    }
}
