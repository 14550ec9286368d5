package org.amavisd.scanners.av;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.amavisd.policy.conf.AmavisConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The virus scanners against a real clamd (and clamscan) on loopback, and against peers that misbehave. */
class ClamdScanTest {
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    static final String EICAR_NAME = "Eicar-Test-Signature.UNOFFICIAL";
    static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");
    static final Duration SHORT = Duration.ofSeconds(2);

    static ClamdService clamd;
    Path dir;

    @BeforeAll
    static void startClamd() throws Exception {
        clamd = ClamdService.start();
    }

    @AfterAll
    static void stopClamd() throws Exception {
        if (clamd != null) clamd.stop();
    }

    @BeforeEach
    void scanDirectory() throws IOException {
        // readable by clamd whatever user it runs as (CONTSCAN reads the files itself)
        dir = Files.createTempDirectory(
                Path.of("/tmp"),
                "amavisd-av-parts-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private Path write(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        p.toFile().setReadable(true, false);
        return p;
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.US_ASCII));
    }

    private Path eicarZip(String name) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("nothing to see\n".getBytes(StandardCharsets.US_ASCII));
            z.putNextEntry(new ZipEntry("docs/eicar.com"));
            z.write(EICAR.getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        p.toFile().setReadable(true, false);
        return p;
    }

    private ScanTarget target() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ScanTarget(dir, s.sorted().toList());
        }
    }

    private ClamdClient client(SocketSpec s) {
        return new ClamdClient(s, SHORT, Duration.ofSeconds(60));
    }

    /** Entries as a config would write them, read by the config reader. */
    static AvScannerConfig.Scanners scanners(String primary, String backup) throws Exception {
        AmavisConf conf = AmavisConf.parse(
                "@av_scanners = (" + primary + ");\n@av_scanners_backup = (" + backup + ");\n1;\n", "test.conf");
        return AvScannerConfig.from(conf);
    }

    /** Debian's stock ClamAV-clamd entry, with the test clamd's socket. */
    String stockClamd() {
        return "['ClamAV-clamd', \\&ask_daemon, [\"CONTSCAN {}\\n\", \"" + clamd.unixSocket() + "\"],\n"
                + "  qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ]";
    }

    static String streamEntry(String name, String socket) {
        return "['" + name + "', \\&ask_daemon, [\"{}/*\", '" + socket + "'],\n"
                + "  qr/\\bOK$/m, qr/\\bFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ]";
    }

    static VirusScan scan(AvScannerConfig.Scanners s) {
        return new VirusScan(s, new VirusScan.Options(SHORT, Duration.ofSeconds(60), Duration.ofSeconds(120), false));
    }

    @Test
    void pingAndVersionOverTcpAndUnixSocket() throws Exception {
        for (SocketSpec s : List.of(clamd.tcp(), clamd.unix())) {
            assertThat(client(s).ping()).isEqualTo("PONG");
            assertThat(client(s).version()).startsWith("ClamAV ");
        }
    }

    @Test
    void eicarIsFoundAndACleanFilePassesOverBothSockets() throws Exception {
        Path eicar = write("p001", EICAR);
        Path clean = write("p002", "Hello, this is a harmless text.\n");
        for (SocketSpec s : List.of(clamd.tcp(), clamd.unix())) {
            ClamdReply r = client(s).instream(eicar);
            assertThat(r.status()).isEqualTo(ClamdReply.Status.FOUND);
            assertThat(r.detail()).isEqualTo(EICAR_NAME);
            assertThat(r.path()).isEqualTo(eicar.toString());
            assertThat(client(s).instream(clean).status()).isEqualTo(ClamdReply.Status.OK);
        }
    }

    @Test
    void everyClamavTestfileIsFoundByInstreamSessionAndByContscan() throws Exception {
        ClamdService.require(Files.isDirectory(TESTFILES), TESTFILES + " (Debian package clamav-testfiles)");
        List<Path> files;
        try (Stream<Path> s = Files.list(TESTFILES)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(ClamdClient.MAX_IN_FLIGHT); // so that requests queue up
        List<ClamdReply> replies = client(clamd.unix()).instreamAll(files, false);
        assertThat(replies).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            assertThat(replies.get(i).path()).isEqualTo(files.get(i).toString());
            assertThat(replies.get(i).status()).as(files.get(i).toString()).isEqualTo(ClamdReply.Status.FOUND);
            assertThat(replies.get(i).detail()).isEqualTo("Clamav.Test.File-6.UNOFFICIAL");
        }
        List<ClamdReply> cont = client(clamd.tcp()).contScan(TESTFILES);
        assertThat(cont)
                .extracting(ClamdReply::path)
                .containsExactlyInAnyOrderElementsOf(
                        files.stream().map(Path::toString).toList());
        assertThat(cont).allSatisfy(r -> assertThat(r.status()).isEqualTo(ClamdReply.Status.FOUND));
    }

    @Test
    void zipWithEicarIsFoundByTheStockEntryThroughContscanOfTheDirectory() throws Exception {
        write("p001", "a text part\n");
        eicarZip("p002");
        VirusScanResult r = scan(scanners(stockClamd(), "")).scan(target());
        assertThat(r.outcome()).isEqualTo(VirusScanResult.Outcome.INFECTED);
        assertThat(r.virusNames()).containsExactly(EICAR_NAME);
        assertThat(r.detectingScanners()).containsExactly("ClamAV-clamd");
        assertThat(r.output()).contains("p002: " + EICAR_NAME + " FOUND").doesNotContain(dir.toString());
        assertThat(r.runs()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(ScannerRun.Status.INFECTED);
            assertThat(run.elapsed()).isPositive();
        });
    }

    @Test
    void zipWithEicarIsFoundByInstreamOfEachPartOverTcpAndUnixSocket() throws Exception {
        write("p001", "a text part\n");
        eicarZip("p002");
        write("p003", EICAR); // two infected parts: one name, reported once
        for (String sock : List.of("clamd:127.0.0.1:" + clamd.port, "clamd:" + clamd.unixSocket())) {
            VirusScanResult r =
                    scan(scanners(streamEntry("ClamAV-clamd-stream", sock), "")).scan(target());
            assertThat(r.outcome()).as(sock).isEqualTo(VirusScanResult.Outcome.INFECTED);
            assertThat(r.virusNames()).containsExactly(EICAR_NAME);
            assertThat(r.output()).contains("p002: " + EICAR_NAME + " FOUND", "p003: " + EICAR_NAME + " FOUND");
        }
    }

    @Test
    void cleanPartsAreCleanForContscanMultiscanAndInstream() throws Exception {
        write("p001", "a text part\n");
        write("p002", "another one\n");
        String multi =
                stockClamd().replace("'ClamAV-clamd'", "'ClamAV-clamd-multi'").replace("CONTSCAN", "MULTISCAN");
        VirusScanResult r = scan(scanners(
                        stockClamd() + ",\n" + multi + ",\n" + streamEntry("stream", "clamd:127.0.0.1:" + clamd.port),
                        ""))
                .scan(target());
        assertThat(r.outcome()).isEqualTo(VirusScanResult.Outcome.CLEAN);
        assertThat(r.virusNames()).isEmpty();
        assertThat(r.runs())
                .extracting(ScannerRun::status)
                .containsOnly(ScannerRun.Status.CLEAN)
                .hasSize(3);
    }

    @Test
    void clamscanOnTheCommandLineFindsTheZipAndPassesCleanParts() throws Exception {
        ClamdService.require(
                Files.isExecutable(Path.of("/usr/bin/clamscan")), "/usr/bin/clamscan (Debian package clamav)");
        // the stock backup entry, with the test signature database (there is no downloaded one)
        String entry = "['ClamAV-clamscan', 'clamscan',\n  \"--stdout --no-summary -r --database=" + clamd.database()
                + " --tempdir=/tmp {}\",\n  [0], qr/:.*\\sFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ]";
        write("p001", "a text part\n");
        VirusScanResult clean = scan(scanners(entry, "")).scan(target());
        assertThat(clean.outcome()).isEqualTo(VirusScanResult.Outcome.CLEAN);
        eicarZip("p002");
        VirusScanResult infected = scan(scanners(entry, "")).scan(target());
        assertThat(infected.outcome()).isEqualTo(VirusScanResult.Outcome.INFECTED);
        assertThat(infected.virusNames()).containsExactly(EICAR_NAME);
        assertThat(infected.detectingScanners()).containsExactly("ClamAV-clamscan");
    }

    @Test
    void aCommandLineScannerThatFailsOrHangsIsAFailure() throws Exception {
        ClamdService.require(
                Files.isExecutable(Path.of("/usr/bin/clamscan")), "/usr/bin/clamscan (Debian package clamav)");
        write("p001", EICAR);
        // no signature database there: clamscan exits 2, neither clean (0) nor infected
        String broken =
                "['broken-clamscan', ['/nonexistent/clamscan', 'clamscan'],\n  \"--stdout --no-summary -r --database="
                        + dir.resolve("no-such-db") + " {}\",\n  [0], [1], qr/^.*?: (.*) FOUND$/m ]";
        // tail -f never ends: the scanner's time limit kills it
        String hangs = "['hangs', 'tail', '-f {}/*', [0], [1] ]";
        VirusScan vs = new VirusScan(
                scanners(broken + ",\n" + hangs, ""),
                new VirusScan.Options(SHORT, SHORT, Duration.ofSeconds(1), false));
        VirusScanResult r = vs.scan(target());
        assertThat(r.failed()).isTrue();
        assertThat(r.runs().get(0).error()).startsWith("unexpected exit 2, output=");
        assertThat(r.runs().get(1).error()).contains("did not finish within");
    }

    @Test
    void aPrimaryThatIsNotListeningFallsBackToTheBackup() throws Exception {
        int dead = ClamdService.freePort();
        eicarZip("p001");
        VirusScanResult r = scan(scanners(
                        streamEntry("dead-tcp", "clamd:127.0.0.1:" + dead) + ",\n"
                                + streamEntry("dead-unix", "/nonexistent/clamd.sock"),
                        stockClamd()))
                .scan(target());
        assertThat(r.outcome()).isEqualTo(VirusScanResult.Outcome.INFECTED);
        assertThat(r.detectingScanners()).containsExactly("ClamAV-clamd");
        assertThat(r.runs())
                .extracting(ScannerRun::scanner, ScannerRun::backup, ScannerRun::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("dead-tcp", false, ScannerRun.Status.FAILED),
                        org.assertj.core.groups.Tuple.tuple("dead-unix", false, ScannerRun.Status.FAILED),
                        org.assertj.core.groups.Tuple.tuple("ClamAV-clamd", true, ScannerRun.Status.INFECTED));
        assertThat(r.runs().get(0).error()).contains("127.0.0.1:" + dead);
    }

    @Test
    void oneWorkingPrimaryDecidesAndTheBackupsAreNotCalled() throws Exception {
        write("p001", "a text part\n");
        VirusScanResult r = scan(scanners(
                        streamEntry("dead", "clamd:127.0.0.1:" + ClamdService.freePort()) + ",\n" + stockClamd(),
                        streamEntry("backup", "clamd:127.0.0.1:" + clamd.port)))
                .scan(target());
        assertThat(r.outcome()).isEqualTo(VirusScanResult.Outcome.CLEAN);
        assertThat(r.runs()).extracting(ScannerRun::scanner).containsExactly("dead", "ClamAV-clamd");
    }

    @Test
    void whenEveryScannerFailsTheResultIsAFailureNamingEachOne() throws Exception {
        write("p001", EICAR);
        try (FakeServer garbage = new FakeServer(FakeServer.Behaviour.GARBAGE)) {
            VirusScanResult r = scan(scanners(
                            streamEntry("dead", "clamd:127.0.0.1:" + ClamdService.freePort()),
                            stockClamd()
                                    .replace(
                                            clamd.unixSocket().toString(),
                                            "127.0.0.1:" + garbage.spec().port())))
                    .scan(target());
            assertThat(r.failed()).isTrue();
            assertThat(r.infected()).isFalse();
            assertThat(r.failure())
                    .startsWith("ALL VIRUS SCANNERS FAILED")
                    .contains("dead: ", "ClamAV-clamd: unexpected output=\"HTTP/1.0 400");
            assertThat(r.runs()).extracting(ScannerRun::status).containsOnly(ScannerRun.Status.FAILED);
        }
    }

    @Test
    void aServerAnsweringGarbageToInstreamIsAFailure() throws Exception {
        write("p001", EICAR);
        try (FakeServer garbage = new FakeServer(FakeServer.Behaviour.GARBAGE)) {
            assertThatThrownBy(() -> client(garbage.spec()).instreamAll(target().files(), false))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not a clamd reply");
            assertThatThrownBy(() -> client(garbage.spec()).ping())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not a clamd reply: HTTP/1.0 400");
            VirusScanResult r = scan(scanners(
                            streamEntry(
                                    "garbage",
                                    "clamd:127.0.0.1:" + garbage.spec().port()),
                            ""))
                    .scan(target());
            assertThat(r.failed()).isTrue();
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndFails() throws Exception {
        write("p001", "text\n");
        try (FakeServer silent = new FakeServer(FakeServer.Behaviour.SILENT)) {
            VirusScan vs = new VirusScan(
                    scanners(
                            streamEntry(
                                            "silent-stream",
                                            "clamd:127.0.0.1:" + silent.spec().port()) + ",\n"
                                    + stockClamd()
                                            .replace(
                                                    clamd.unixSocket().toString(),
                                                    "127.0.0.1:" + silent.spec().port()),
                            ""),
                    new VirusScan.Options(SHORT, Duration.ofMillis(500), Duration.ofSeconds(30), false));
            VirusScanResult r = vs.scan(target());
            assertThat(r.failed()).isTrue();
            assertThat(r.runs()).allSatisfy(run -> assertThat(run.error()).contains("timed out"));
        }
    }

    @Test
    void aServerThatDiesMidStreamIsAFailure() throws Exception {
        write("p001", new byte[1 << 20]);
        try (FakeServer dies = new FakeServer(FakeServer.Behaviour.DIES)) {
            VirusScanResult r = scan(scanners(
                            streamEntry("dies", "clamd:127.0.0.1:" + dies.spec().port()), ""))
                    .scan(target());
            assertThat(r.failed()).isTrue();
            assertThat(r.runs().get(0).error()).isNotBlank();
        }
    }

    @Test
    void aStreamOverClamdsStreamMaxLengthIsAFailureThatSaysSo() throws Exception {
        Path big = dir.resolve("p001");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] mb = new byte[1 << 20];
            for (int i = 0; i < 26; i++) out.write(mb); // start-services.sh sets StreamMaxLength 25M
        }
        assertThatThrownBy(() -> client(clamd.tcp()).instream(big))
                .isInstanceOf(ClamdStreamLimitException.class)
                .hasMessageContaining("StreamMaxLength");
        VirusScanResult r = scan(scanners(streamEntry("stream", "clamd:" + clamd.unixSocket()), ""))
                .scan(target());
        assertThat(r.failed()).isTrue();
        assertThat(r.failure()).contains("StreamMaxLength");
    }

    @Test
    void clamdStoppedMidRunFailsOverToTheBackupAndThenFails() throws Exception {
        ClamdService second = ClamdService.start();
        try {
            write("p001", EICAR);
            VirusScan vs = scan(scanners(
                    streamEntry("second", "clamd:127.0.0.1:" + second.port),
                    streamEntry("first", "clamd:" + clamd.unixSocket())));
            VirusScanResult before = vs.scan(target());
            assertThat(before.detectingScanners()).containsExactly("second");
            second.stop();
            VirusScanResult after = vs.scan(target());
            assertThat(after.infected()).isTrue();
            assertThat(after.detectingScanners()).containsExactly("first");
            assertThat(after.runs().get(0).status()).isEqualTo(ScannerRun.Status.FAILED);
            VirusScanResult alone = scan(scanners(streamEntry("second", "clamd:127.0.0.1:" + second.port), ""))
                    .scan(target());
            assertThat(alone.failed()).isTrue();
        } finally {
            second.stop();
        }
    }

    @Test
    void noFilesIsCleanWithoutAskingAndNoScannersIsAFailure() throws Exception {
        VirusScanResult none = scan(scanners(streamEntry("dead", "clamd:127.0.0.1:" + ClamdService.freePort()), ""))
                .scan(new ScanTarget(dir, List.of()));
        assertThat(none.outcome()).isEqualTo(VirusScanResult.Outcome.CLEAN);
        VirusScanResult nothing = scan(scanners("", "")).scan(target());
        assertThat(nothing.failed()).isTrue();
        assertThat(nothing.failure()).isEqualTo("NO VIRUS SCANNERS AVAILABLE");
    }

    @Test
    void firstInfectedStopsScanAsksNoFurtherScannerOnceOneFindsAVirus() throws Exception {
        write("p001", EICAR);
        AvScannerConfig.Scanners two =
                scanners(stockClamd() + ",\n" + streamEntry("second", "clamd:127.0.0.1:" + clamd.port), "");
        VirusScanResult all = scan(two).scan(target());
        assertThat(all.runs()).extracting(ScannerRun::scanner).containsExactly("ClamAV-clamd", "second");
        assertThat(all.detectingScanners()).containsExactly("ClamAV-clamd", "second");

        VirusScanResult first = new VirusScan(
                        two, new VirusScan.Options(SHORT, Duration.ofSeconds(60), Duration.ofSeconds(120), true))
                .scan(target());
        assertThat(first.runs()).extracting(ScannerRun::scanner).containsExactly("ClamAV-clamd");
        assertThat(first.virusNames()).containsExactly(EICAR_NAME);
    }
}
