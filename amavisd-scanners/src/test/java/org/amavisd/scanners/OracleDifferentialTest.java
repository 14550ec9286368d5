package org.amavisd.scanners;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.amavisd.scanners.banned.BannedNameChecker;
import org.amavisd.scanners.banned.BannedVerdict;
import org.amavisd.scanners.banned.DecodedPartInfo;
import org.amavisd.scanners.decode.DecodeLimits;
import org.amavisd.scanners.decode.DecodeResult;
import org.amavisd.scanners.decode.Decoder;
import org.amavisd.scanners.header.HeaderChecker;
import org.amavisd.scanners.header.HeaderVerdict;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential check against amavisd-new (issue 4): the same messages go to Debian's
 * amavisd-new, started here in the foreground on loopback with Debian's conf.d (so its stock
 * $banned_filename_re) and no virus or spam scanner, and through our decoder, banned-name
 * checker and header checker with the rules read from the same 20-debian_defaults. The outcome
 * amavisd-new logs ("Passed CLEAN", "Blocked BANNED (%F)", "Passed BAD-HEADER-n") must be ours.
 *
 * <p>Where we knowingly differ, the case records both outcomes, so the test fails if either side
 * changes; docs/differences.md explains each. Cases whose outcome depends on an external program
 * amavisd-new did not find at startup (its "No decoder for .X" lines) are not compared.
 *
 * <p>Gated like the other end-to-end tests by the system property amavisd.e2e: "off" skips,
 * "required" fails when amavisd-new (or root) is missing, anything else skips then.
 */
class OracleDifferentialTest {
    private static final Path AMAVISD = Path.of("/usr/sbin/amavisd");
    private static final Path CONF_D = Path.of("/etc/amavis/conf.d");
    private static final Path DEBIAN_DEFAULTS = CONF_D.resolve("20-debian_defaults");
    private static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");
    private static final Pattern LOG_OUTCOME =
            Pattern.compile("\\) (?:Passed|Blocked) (.+?) \\{(?:Relayed|Discarded|Rejected|Bounced|Tempfailed)");
    private static final Pattern NO_DECODER = Pattern.compile("No decoder for\\s+(\\.\\S+)");

    private static Path state;
    private static Path logFile;
    private static Process amavisd;
    private static int amavisPort;
    private static SmtpSink sink;
    private static final Set<String> missingDecoders = new TreeSet<>();
    private static BannedNameChecker banned;
    private static int seq;

    // ---------------------------------------------------------------- oracle life cycle

    @BeforeAll
    static void startOracle() throws Exception {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root (amavisd-new starts as root)");
        if (!Files.isExecutable(AMAVISD)) missing.add(AMAVISD + " (Debian package amavisd-new)");
        if (!Files.isRegularFile(DEBIAN_DEFAULTS)) missing.add(DEBIAN_DEFAULTS + " (Debian package amavisd-new)");
        if (!missing.isEmpty()) {
            String why = "the differential test needs " + String.join(", ", missing)
                    + "; scripts/test as root installs what is missing";
            if (mode.equals("required")) Assertions.fail(why);
            Assumptions.abort(why);
        }
        banned = BannedNameChecker.of(debianBannedRules(), null);

        sink = new SmtpSink();
        amavisPort = freePort();
        state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-oracle-");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectories(state.resolve("home"));
        for (String d : List.of("tmp", "db", "quarantine")) Files.createDirectories(home.resolve(d));
        logFile = home.resolve("amavis.log");
        chownToAmavis(home);

        // The config is root's and in a directory amavis cannot write: amavisd-new re-reads it
        // after dropping privileges and refuses one it could have changed.
        Path conf = state.resolve("oracle.conf");
        Files.writeString(conf, oracleConf(home, amavisPort, sink.port()), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));

        List<String> cmd = new ArrayList<>(List.of(AMAVISD.toString()));
        for (Path f : debianConfFiles()) {
            cmd.add("-c");
            cmd.add(f.toString());
        }
        cmd.addAll(List.of("-c", conf.toString(), "foreground"));
        amavisd = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(state.resolve("amavisd.out").toFile())
                .start();
        waitUntilReady();
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            Matcher m = NO_DECODER.matcher(line);
            if (m.find()) missingDecoders.add(m.group(1));
        }
    }

    @AfterAll
    static void stopOracle() throws Exception {
        if (amavisd != null) {
            List<ProcessHandle> children = amavisd.descendants().toList();
            amavisd.destroy(); // SIGTERM: Net::Server stops its children
            if (!amavisd.waitFor(30, TimeUnit.SECONDS)) amavisd.destroyForcibly();
            for (ProcessHandle c : children) {
                if (c.isAlive()) c.destroyForcibly();
            }
        }
        if (sink != null) sink.close();
        if (state != null && !Boolean.getBoolean("amavisd.oracle.keep")) {
            try (Stream<Path> s = Files.walk(state)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static RegexTable debianBannedRules() throws Exception {
        PerlValue v =
                AmavisConf.load(DEBIAN_DEFAULTS).get("$banned_filename_re").orElseThrow();
        assertThat(v).isInstanceOf(RegexTable.class);
        return (RegexTable) v;
    }

    /** Debian's conf.d in run-parts order, as its init script loads it. */
    private static List<Path> debianConfFiles() throws IOException {
        try (Stream<Path> s = Files.list(CONF_D)) {
            return s.filter(p -> p.getFileName().toString().matches("[A-Za-z0-9_-]+"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    private static String oracleConf(Path home, int port, int sinkPort) {
        return """
            use strict;
            $daemon_user = 'amavis'; $daemon_group = 'amavis';
            $myhostname = 'oracle.example.test';
            $mydomain = 'example.test';
            @local_domains_acl = ('.example.test');
            $MYHOME = '%1$s';
            $TEMPBASE = '%1$s/tmp';
            $QUARANTINEDIR = '%1$s/quarantine';
            $db_home = '%1$s/db';
            $helpers_home = '%1$s';
            $pid_file = '%1$s/amavisd.pid';
            $lock_file = '%1$s/amavisd.lock';
            $enable_db = 0; $enable_global_cache = 0;
            $DO_SYSLOG = 0; $LOGFILE = '%1$s/amavis.log'; $log_level = 2;
            $inet_socket_bind = '127.0.0.1'; $inet_socket_port = %2$d;
            $unix_socketname = undef;
            $max_servers = 2;
            $forward_method = 'smtp:[127.0.0.1]:%3$d';
            $notify_method = $forward_method;
            @av_scanners = (); @av_scanners_backup = ();
            @bypass_virus_checks_maps = (1);
            @bypass_spam_checks_maps = (1);
            @bypass_banned_checks_maps = (0);
            @bypass_header_checks_maps = (0);
            $final_banned_destiny = D_DISCARD;
            $final_bad_header_destiny = D_PASS;
            $banned_files_quarantine_method = undef;
            $bad_header_quarantine_method = undef;
            $virus_admin = undef; $banned_admin = undef; $bad_header_admin = undef; $spam_admin = undef;
            $enable_dkim_verification = 0;
            1;
            """.formatted(home, port, sinkPort);
    }

    private static void chownToAmavis(Path top) throws IOException {
        UserPrincipalLookupService lookup = top.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName("amavis");
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("amavis");
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : s.toList()) {
                PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                v.setOwner(user);
                v.setGroup(group);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Until amavisd-new's log says its children are started and it greets on its port. */
    private static void waitUntilReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!amavisd.isAlive()) Assertions.fail("amavisd-new exited at startup:\n" + diagnostics());
            if (Files.exists(logFile)
                    && Files.readString(logFile, StandardCharsets.UTF_8).contains("Starting child process")) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), amavisPort), 1000);
                    return;
                } catch (IOException notYet) {
                    // keep waiting
                }
            }
            Thread.sleep(200);
        }
        Assertions.fail("amavisd-new did not become ready:\n" + diagnostics());
    }

    private static String diagnostics() throws IOException {
        StringBuilder sb = new StringBuilder();
        Path out = state.resolve("amavisd.out");
        if (Files.exists(out)) sb.append(Files.readString(out, StandardCharsets.UTF_8));
        if (Files.exists(logFile)) {
            List<String> l = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            sb.append(String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size())));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- the comparison

    /**
     * One message. {@code decoder}: the extension whose decoder amavisd-new needs for this case,
     * or null. {@code knownOracle} and {@code knownOurs}: for a known difference, what each side
     * gives (both null otherwise). {@code bareOracle} and {@code bareOurs}: the same for when
     * amavisd-new found no decoder for {@code decoder} at startup (both null: not compared then).
     */
    record Case(
            String name,
            byte[] message,
            String decoder,
            String knownOracle,
            String knownOurs,
            String bareOracle,
            String bareOurs) {
        Case(String name, byte[] message) {
            this(name, message, null, null, null, null, null);
        }

        Case needs(String ext) {
            return new Case(name, message, ext, knownOracle, knownOurs, bareOracle, bareOurs);
        }

        Case knownDifference(String oracle, String ours) {
            return new Case(name, message, decoder, oracle, ours, bareOracle, bareOurs);
        }

        Case withoutDecoder(String oracle, String ours) {
            return new Case(name, message, decoder, knownOracle, knownOurs, oracle, ours);
        }
    }

    @TestFactory
    Stream<DynamicTest> sameOutcomeAsAmavisdNew() throws Exception {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> compare(c)));
    }

    private void compare(Case c) throws Exception {
        if (c.message() == null) {
            String why = "its test file is missing: clamav-testfiles or rpmbuild not installed (Debian packages"
                    + " clamav-testfiles, rpm; scripts/test as root installs them)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        String oracle = oracleOutcome(c.message());
        String ours = ourOutcome(c.message());
        System.out.println("[oracle-diff] " + c.name() + ": amavisd-new " + oracle + "; ours " + ours);
        String expectOracle = c.knownOracle();
        String expectOurs = c.knownOurs();
        if (c.decoder() != null && missingDecoders.contains(c.decoder())) {
            if (c.bareOracle() == null) {
                Assumptions.abort("amavisd-new has no decoder for " + c.decoder() + " here (it said " + oracle
                        + ", we say " + ours + ")");
            }
            expectOracle = c.bareOracle();
            expectOurs = c.bareOurs();
        }
        if (expectOracle != null) {
            assertThat(oracle)
                    .as("amavisd-new (known difference, docs/differences.md)")
                    .isEqualTo(expectOracle);
            assertThat(ours).as("ours (known difference, docs/differences.md)").isEqualTo(expectOurs);
        } else {
            assertThat(ours).as("our outcome, amavisd-new's being " + oracle).isEqualTo(oracle);
        }
    }

    /** Sends the message to amavisd-new and returns what its log line says ("CLEAN", "BANNED (..)", ...). */
    private static String oracleOutcome(byte[] message) throws Exception {
        String messageId = messageId(message);
        if (Boolean.getBoolean("amavisd.oracle.keep")) {
            // kept for a look by hand: -Damavisd.oracle.keep=true
            Path cases = Files.createDirectories(state.resolve("cases"));
            Files.write(cases.resolve(messageId.replaceAll("[^A-Za-z0-9.-]", "_") + ".eml"), message);
        }
        String reply = smtpSend(amavisPort, message);
        assertThat(reply).as("amavisd-new's reply to DATA").startsWith("250");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (line.contains("Message-ID: " + messageId + ",")) {
                    Matcher m = LOG_OUTCOME.matcher(line);
                    if (m.find()) return m.group(1);
                }
            }
            Thread.sleep(50);
        }
        return Assertions.fail("no log line for " + messageId + " (reply " + reply + "):\n" + diagnostics());
    }

    /** The same decisions with our libraries, in amavisd-new's words. */
    private static String ourOutcome(byte[] message) throws Exception {
        Path dir = Files.createTempDirectory("oracle-diff-");
        try {
            Path file = dir.resolve("email.txt");
            Files.write(file, message);
            DecodeResult r = Decoder.decode(file, dir.resolve("parts"), DecodeLimits.DEFAULTS);
            BannedVerdict b = banned.check(DecodedPartInfo.root(r.tree()));
            if (b.isBanned()) return "BANNED (" + b.reasonShort().orElse("") + ")";
            HeaderVerdict h = new HeaderChecker().check(file);
            if (h.isBad()) return "BAD-HEADER-" + h.minor();
            if (r.mimeError() != null) return "BAD-HEADER-1"; // MIME error: CC_BADH minor 1
            return "CLEAN";
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String messageId(byte[] message) {
        Matcher m = Pattern.compile("(?m)^Message-ID: (<[^>\r\n]+>)")
                .matcher(new String(message, StandardCharsets.ISO_8859_1));
        assertThat(m.find()).as("test message has a Message-ID").isTrue();
        return m.group(1);
    }

    // ---------------------------------------------------------------- the corpus

    private static List<Case> cases() throws Exception {
        List<Case> c = new ArrayList<>();
        byte[] text = "This is not really a program.\r\n".getBytes(StandardCharsets.US_ASCII);
        c.add(new Case("plain clean text", plain("hello", "Just some text.\r\n")));
        c.add(new Case("setup.exe attached", mixed(attachment("application/octet-stream", "setup.exe", text))));
        c.add(new Case(
                "double extension invoice.pdf.exe",
                mixed(attachment("application/octet-stream", "invoice.pdf.exe", text))));
        c.add(new Case(
                "zip containing an .exe",
                mixed(attachment("application/zip", "tools.zip", zip(Map.of("setup.exe", text))))));
        c.add(new Case(
                "zip in a zip with a .scr",
                mixed(attachment(
                        "application/zip",
                        "outer.zip",
                        zip(Map.of("inner.zip", zip(Map.of("screensaver.scr", text))))))));
        c.add(new Case(
                "application/x-msdownload part", mixed(attachment("application/x-msdownload", "update.bin", text))));
        c.add(new Case("RFC 2231 name with .exe", mixed(rawAttachment("""
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.exe
                """, text))));
        c.add(new Case("RFC 2047 name with .exe", mixed(rawAttachment("""
                Content-Type: application/octet-stream; name="=?UTF-8?B?csOpc3Vtw6kuZXhl?="
                Content-Disposition: attachment; filename="=?UTF-8?B?csOpc3Vtw6kuZXhl?="
                """, text))));
        c.add(new Case(
                "CLSID name",
                mixed(attachment(
                        "application/octet-stream", "readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}", text))));
        c.add(new Case("a .com file", mixed(attachment("application/octet-stream", "command.com", text))));
        c.add(new Case(
                "tar.gz containing a .bat",
                mixed(attachment("application/gzip", "scripts.tar.gz", tarGz("run.bat", text)))));
        // amavisd-new leaves an attached message as one text part: names inside are not checked
        c.add(new Case(
                        "message/rfc822 with an .exe inside",
                        mixed(rawAttachment(
                                "Content-Type: message/rfc822\nContent-Disposition: attachment\n",
                                mixed(attachment("application/octet-stream", "payload.exe", text)))))
                .knownDifference("CLEAN", "BANNED (application/octet-stream,.asc,payload.exe)"));
        c.add(new Case(
                        "forwarded message (Received: first) with an .exe inside",
                        mixed(rawAttachment(
                                "Content-Type: message/rfc822\nContent-Disposition: attachment\n",
                                concat(
                                        "Received: from a.example.org by b.example.org; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                                                .getBytes(StandardCharsets.US_ASCII),
                                        mixed(attachment("application/octet-stream", "payload.exe", text))))))
                .knownDifference("CLEAN", "BANNED (application/octet-stream,.asc,payload.exe)"));
        c.add(new Case(
                "upper-case PHOTO.JPG.EXE", mixed(attachment("application/octet-stream", "PHOTO.JPG.EXE", text))));
        c.add(new Case(
                "trailing dot invoice.pdf.exe.",
                mixed(attachment("application/octet-stream", "invoice.pdf.exe.", text))));
        c.add(new Case(
                "blanks hiding the extension",
                mixed(attachment("application/octet-stream", "invoice.pdf" + " ".repeat(40) + ".exe", text))));
        c.add(new Case("application/hta part", mixed(attachment("application/hta", "page.html", text))));
        c.add(new Case(
                "name only in Content-Type",
                mixed(rawAttachment("Content-Type: application/octet-stream; name=\"setup.exe\"\n", text))));
        c.add(new Case(
                "two banned attachments",
                mixed(
                        attachment("application/octet-stream", "first.scr", text),
                        attachment("application/octet-stream", "second.exe", text))));
        // amavisd-new (MIME-tools) gives a uudecoded file the MIME type application/octet-stream
        c.add(new Case(
                        "uuencoded .exe in the body",
                        message(
                                defaultHeader("Subject: uu\r\n"),
                                "See below.\r\n\r\nbegin 644 virus.exe\r\n" + uuencode(text) + "`\r\nend\r\n"))
                .knownDifference("BANNED (application/octet-stream,.asc,virus.exe)", "BANNED (.asc,virus.exe)"));
        c.add(new Case(
                "text file in a zip",
                mixed(attachment(
                        "application/zip", "notes.zip", zip(Map.of("notes.txt", "just text\r\n".getBytes()))))));
        c.add(new Case("plain pdf name", mixed(attachment("application/pdf", "report.pdf", text))));

        // ClamAV's test files: real programs and archives, the program's name hidden or not
        c.add(testfile("clam.exe", "clam.exe", null));
        c.add(testfile("clam.exe", "data.bin", null));
        c.add(testfile("clam.zip", "archive.zip", null));
        c.add(testfile("clam.tar.gz", "archive.tar.gz", ".gz"));
        c.add(testfile("clam.exe.bz2", "data.bz2", ".bz2"));
        // both open .cab with cabextract and arj with arj/unarj (Debian's packages cabextract and arj)
        c.add(testfile("clam.cab", "archive.cab", ".cab"));
        // we open .7z ourselves; amavisd-new only with 7z/7zr/7za installed
        c.add(testfile("clam.7z", "archive.7z", ".7z").withoutDecoder("CLEAN", "BANNED (.exe,.exe-ms,clam.exe)"));
        c.add(testfile("clam.arj", "archive.arj", ".arj"));
        // a zip member compressed with bzip2: amavisd-new's own zip reader cannot unpack it (it
        // would use 7z, when installed, for zip files)
        c.add(testfile("clam.bz2.zip", "archive.zip", ".7z")
                .withoutDecoder("BANNED (clam.exe,UNDECIPHERABLE)", "BANNED (.exe,.exe-ms,clam.exe)"));
        c.add(testfile("clam.exe.rtf", "document.rtf", null));
        c.add(testfile("clam.pdf", "document.pdf", null));
        c.add(testfile("clam.newc.cpio", "archive.cpio", ".cpio"));
        // TNEF: amavisd-new's own reader (Convert::TNEF) and ours; an RPM through rpm2cpio and ours
        c.add(new Case(
                "winmail.dat with a program inside",
                mixed(attachment(
                        "application/ms-tnef", "winmail.dat", org.amavisd.scanners.decode.TnefTest.winmail(text)))));
        c.add(rpmCase(text));
        // ClamAV's TNEF sample has an attribute Convert::TNEF does not know: it gives up, we skip it
        c.add(testfile("clam.tnef", "winmail.dat", null).knownDifference("CLEAN", "BANNED (.exe,.exe-ms,clam.exe)"));
        // Debian has no ripole: amavisd-new leaves OLE2 documents packed; we unpack what is embedded
        c.add(testfile("clam.ole.doc", "document.doc", ".doc")
                .withoutDecoder("CLEAN", "BANNED (.exe,.exe-ms,Clam.exe,clam.exe)"));

        // bad headers
        c.add(new Case("8-bit Subject", plain("caf\u00e9 au lait", "text\r\n")));
        c.add(new Case("UTF-8 Subject", plainBytes(headerBytes("Subject: caf\u00c3\u00a9\r\n"), "text\r\n")));
        c.add(new Case("missing Date", message(defaultHeader(null, true, "Subject: no date\r\n"), "text\r\n")));
        c.add(new Case("duplicate Subject", message(defaultHeader("Subject: one\r\nSubject: two\r\n"), "text\r\n")));
        c.add(new Case(
                "overlong header line",
                message(defaultHeader("Subject: long\r\nX-Long: " + "x".repeat(1200) + "\r\n"), "text\r\n")));
        c.add(new Case("NUL in a header", message(defaultHeader("Subject: nul\u0000here\r\n"), "text\r\n")));
        c.add(new Case("bare CR in a header", message(defaultHeader("Subject: cr\rhere\r\n"), "text\r\n")));
        c.add(new Case(
                "whitespace-only continuation line",
                message(defaultHeader("Subject: ws\r\nX-Folded: a\r\n   \r\n b\r\n"), "text\r\n")));
        c.add(new Case(
                "missing From",
                message(
                        "Message-ID: " + nextId()
                                + "\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nTo: bob@example.test\r\n"
                                + "Subject: no from\r\n",
                        "text\r\n")));
        c.add(new Case(
                "duplicate Date",
                message(defaultHeader("Subject: dd\r\nDate: Tue, 2 Jan 2024 10:00:00 +0000\r\n"), "text\r\n")));
        c.add(new Case(
                "two Received fields",
                message(
                        defaultHeader("Subject: ok\r\nReceived: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                                + "Received: from c by d; Mon, 1 Jan 2024 10:00:00 +0000\r\n"),
                        "text\r\n")));
        c.add(new Case(
                "space in a field name", message(defaultHeader("Subject: sp\r\nX Bad Name: value\r\n"), "text\r\n")));
        c.add(new Case("C1 control in UTF-8", plainBytes(headerBytes("Subject: a\u00c2\u0085b\r\n"), "text\r\n")));
        c.add(new Case(
                "8-bit in From",
                message(defaultHeader("Subject: f\r\nSender: J\u00fcrgen <j@example.org>\r\n"), "text\r\n")));
        c.add(new Case("tab in Subject", plain("a\tb", "text\r\n")));
        // MIME framing: a part may have no header fields (RFC 2046 5.1.1), in a digest it is then
        // a message (5.1.5); MIME::Parser's errors make BAD-HEADER-1
        c.add(new Case("part without header fields", multipartBody("mixed", "--B\r\n\r\nno header here\r\n--B--\r\n")));
        c.add(new Case(
                "digest of parts without header fields",
                multipartBody(
                        "digest",
                        "--B\r\n\r\nFrom: x@example.org\r\nSubject: one\r\n\r\nbody one\r\n"
                                + "--B\r\n\r\nFrom: y@example.org\r\nSubject: two\r\n\r\nbody two\r\n--B--\r\n")));
        c.add(new Case(
                "boundary never found (unexpected end of preamble)",
                multipartBody("mixed", "--other\r\nContent-Type: text/plain\r\n\r\nhello\r\n")));
        c.add(new Case(
                "closing boundary missing",
                multipartBody("mixed", "--B\r\nContent-Type: text/plain\r\n\r\ncut off\r\n")));
        c.add(new Case(
                "part header cut off by the closing boundary",
                multipartBody(
                        "mixed",
                        "--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: text/plain\r\n--B--\r\n")));
        c.add(new Case(
                "inner multipart closed by the outer boundary",
                multipartBody(
                        "mixed",
                        "--B\r\nContent-Type: multipart/alternative; boundary=\"I\"\r\n\r\n--I\r\n"
                                + "Content-Type: text/plain\r\n\r\nplain\r\n--B--\r\n")));
        c.add(new Case(
                "multipart without boundary",
                message(
                        defaultHeader("Subject: mime\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n"),
                        "text\r\n")));
        return c;
    }

    /** An RPM built by rpmbuild (rpm2cpio refuses made-up headers) with a program inside. */
    private static Case rpmCase(byte[] program) throws Exception {
        String name = "rpm with a program inside";
        if (!Files.isExecutable(Path.of("/usr/bin/rpmbuild"))) return new Case(name, null); // compare() says why
        Path top = Files.createTempDirectory("oracle-rpm-");
        try {
            byte[] rpm = org.amavisd.scanners.decode.PackagesAndCompressorsTest.rpmbuild(top, program, "w9.gzdio");
            return new Case(name, mixed(attachment("application/x-rpm", "tool.rpm", rpm))).needs(".rpm");
        } finally {
            try (Stream<Path> s = Files.walk(top)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A multipart message of this subtype with boundary "B" and this body. */
    private static byte[] multipartBody(String subtype, String body) {
        return message(
                defaultHeader("Subject: framing\r\nMIME-Version: 1.0\r\nContent-Type: multipart/" + subtype
                        + "; boundary=\"B\"\r\n"),
                body);
    }

    private static Case testfile(String file, String attachAs, String decoder) throws IOException {
        String name = "clamav-testfiles " + file + " as " + attachAs;
        Path p = TESTFILES.resolve(file);
        if (!Files.isReadable(p)) {
            return new Case(name, null); // compare() says why
        }
        Case c = new Case(name, mixed(attachment("application/octet-stream", attachAs, Files.readAllBytes(p))));
        return decoder == null ? c : c.needs(decoder);
    }

    private static synchronized String nextId() {
        return "<diff-" + (++seq) + "." + ProcessHandle.current().pid() + "@client.example.org>";
    }

    /** Message-ID first, so that amavisd-new logs it whatever follows; Date optional. */
    private static String defaultHeader(String extra) {
        return defaultHeader(null, false, extra);
    }

    private static String defaultHeader(String contentType, boolean noDate, String extra) {
        StringBuilder h = new StringBuilder("Message-ID: " + nextId() + "\r\n");
        if (!noDate) h.append("Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n");
        h.append("From: Alice <alice@example.org>\r\nTo: bob@example.test\r\n");
        h.append(extra);
        if (contentType != null) h.append(contentType);
        return h.toString();
    }

    private static byte[] headerBytes(String extra) {
        return defaultHeader(extra).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] message(String header, String body) {
        return (header + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] plain(String subject, String body) {
        return message(defaultHeader("Subject: " + subject + "\r\n"), body);
    }

    private static byte[] plainBytes(byte[] header, String body) {
        return concat(header, ("\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A multipart/mixed message: a text part, then the given part (its header and body). */
    private static byte[] mixed(byte[]... parts) {
        String b = "=-b" + seq + "-=";
        String head = defaultHeader(
                null,
                false,
                "Subject: attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + b
                        + "\"\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((head + "\r\nThis is a MIME message.\r\n\r\n--" + b
                        + "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n\r\n--" + b
                        + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) out.writeBytes(("\r\n--" + b + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(parts[i]);
        }
        out.writeBytes(("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] attachment(String type, String name, byte[] content) {
        return rawAttachment(
                "Content-Type: " + type + "; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name
                        + "\"\n",
                content);
    }

    /** A base64 part with the given header fields (LF-separated, made CRLF), or an embedded message as is. */
    private static byte[] rawAttachment(String header, byte[] content) {
        String h = header.strip().replace("\n", "\r\n") + "\r\n";
        if (header.contains("message/rfc822")) {
            return concat((h + "\r\n").getBytes(StandardCharsets.UTF_8), content);
        }
        String body = Base64.getMimeEncoder().encodeToString(content);
        return (h + "Content-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The body lines of a uuencoded file (without "begin" and the final "`" and "end" lines). */
    private static String uuencode(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int off = 0; off < data.length; off += 45) {
            int n = Math.min(45, data.length - off);
            sb.append(uuChar(n));
            for (int i = 0; i < n; i += 3) {
                int b0 = data[off + i] & 0xff;
                int b1 = i + 1 < n ? data[off + i + 1] & 0xff : 0;
                int b2 = i + 2 < n ? data[off + i + 2] & 0xff : 0;
                sb.append(uuChar(b0 >> 2))
                        .append(uuChar(((b0 << 4) | (b1 >> 4)) & 0x3f))
                        .append(uuChar(((b1 << 2) | (b2 >> 6)) & 0x3f))
                        .append(uuChar(b2 & 0x3f));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static char uuChar(int v) {
        return v == 0 ? '`' : (char) (v + 32);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] tarGz(String member, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            TarArchiveEntry e = new TarArchiveEntry(member);
            e.setSize(content.length);
            t.putArchiveEntry(e);
            t.write(content);
            t.closeArchiveEntry();
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- SMTP, both ways

    /** One SMTP transaction; returns the reply to the end of DATA. */
    private static String smtpSend(int port, byte[] message) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO client.example.org", "250");
            command(out, in, "MAIL FROM:<alice@example.org>", "250");
            command(out, in, "RCPT TO:<bob@example.test>", "250");
            command(out, in, "DATA", "354");
            out.write(dotStuff(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = readReply(in);
            command(out, in, "QUIT", "221");
            return reply;
        }
    }

    private static byte[] dotStuff(byte[] m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length + 64);
        boolean lineStart = true;
        for (byte b : m) {
            if (lineStart && b == '.') out.write('.');
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void command(OutputStream out, InputStream in, String cmd, String code) throws IOException {
        out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(InputStream in, String code) throws IOException {
        String r = readReply(in);
        assertThat(r).as("SMTP reply").startsWith(code);
    }

    /** A whole (possibly multi-line) reply, lines joined by newlines. */
    private static String readReply(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = readLine(in);
            if (line == null) throw new IOException("connection closed; so far: " + all);
            all.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-')
                return all.toString().trim();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') b.write(c);
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** The back end amavisd-new forwards to: accepts every message and forgets it. */
    private static final class SmtpSink implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;

        SmtpSink() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::acceptLoop, "oracle-sink");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "oracle-sink-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s;
                    BufferedReader r =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    OutputStream w = s.getOutputStream()) {
                w.write("220 sink.example.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                w.flush();
                String line;
                while ((line = r.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                    String reply;
                    if (verb.equals("DATA")) {
                        w.write("354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                        w.flush();
                        while ((line = r.readLine()) != null && !line.equals(".")) {
                            // discard
                        }
                        reply = "250 2.0.0 Ok: queued";
                    } else if (verb.equals("QUIT")) {
                        w.write("221 2.0.0 Bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        w.flush();
                        return;
                    } else {
                        reply = "250 Ok";
                    }
                    w.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    w.flush();
                }
            } catch (IOException e) {
                // the peer went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
