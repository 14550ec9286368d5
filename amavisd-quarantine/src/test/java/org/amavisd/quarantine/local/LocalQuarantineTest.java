package org.amavisd.quarantine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MailId;
import org.amavisd.core.mail.MailParams;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.mail.SessionInfo;
import org.amavisd.quarantine.QuarantineException;
import org.amavisd.quarantine.QuarantineMethod;
import org.amavisd.quarantine.QuarantineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalQuarantineTest {
    private static final String MESSAGE =
            "Received: from a by b\r\nFrom: a@example.org\r\nTo: b@example.net\r\nSubject: test\r\n\r\nbody line\r\n";

    @TempDir
    Path tmp;

    private MessageContext message(String text) throws IOException {
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Path file = spool.resolve("email.txt");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return message(file, new MailId("AbCdEfGhIj12", "secret"));
    }

    private MessageContext message(Path file, MailId id) throws IOException {
        return new MessageContext(
                id,
                "12345-01",
                new SessionInfo("127.0.0.1", 1234, "127.0.0.1", 10024, "front.test", "ESMTP"),
                null,
                new EmailAddress("a@example.org"),
                MailParams.NONE,
                List.of(
                        new Recipient(new EmailAddress("b@example.net"), null, null),
                        new Recipient(new EmailAddress("c@example.net"), null, null)),
                file.getParent(),
                file,
                Files.size(file),
                Instant.parse("2024-01-31T22:59:58Z"),
                System.nanoTime());
    }

    private static final String ENVELOPE = "Return-Path: <a@example.org>\r\n"
            + "Delivered-To: virus-quarantine\r\n"
            + "X-Envelope-From: <a@example.org>\r\n"
            + "X-Envelope-To: <b@example.net>,\r\n <c@example.net>\r\n"
            + "X-Envelope-To-Blocked:\r\n"
            + "X-Quarantine-ID: <AbCdEfGhIj12>\r\n";

    private Path quarantineDir() throws IOException {
        return Files.createDirectories(tmp.resolve("quarantine"));
    }

    @Test
    void storesPlain() throws Exception {
        Path q = quarantineDir();
        QuarantineResult r = new LocalQuarantine(q, 0)
                .store(
                        message(MESSAGE),
                        QuarantineMethod.parse("local:virus-%m"),
                        "Virus",
                        List.of("virus-quarantine"));
        assertThat(r.path()).isEqualTo(q.resolve("virus-AbCdEfGhIj12"));
        assertThat(r.quarantineId()).isEqualTo("AbCdEfGhIj12");
        assertThat(r.headerValue()).isEqualTo("<AbCdEfGhIj12>");
        assertThat(r.quarantineType()).isEqualTo('F');
        assertThat(r.ccatName()).isEqualTo("Virus");
        assertThat(Files.readString(r.path(), StandardCharsets.US_ASCII)).isEqualTo(ENVELOPE + MESSAGE);
        assertThat(r.bytesWritten()).isEqualTo(Files.size(r.path()));
        if (q.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(r.path())))
                    .isEqualTo("rw-r-----");
        }
    }

    @Test
    void storesGzipped() throws Exception {
        Path q = quarantineDir();
        QuarantineResult r = new LocalQuarantine(q, 0)
                .store(
                        message(MESSAGE),
                        QuarantineMethod.parse("local:spam-%m.gz"),
                        "Spam",
                        List.of("virus-quarantine"));
        assertThat(r.path()).isEqualTo(q.resolve("spam-AbCdEfGhIj12.gz"));
        assertThat(r.quarantineType()).isEqualTo('Z');
        try (InputStream in = new GZIPInputStream(Files.newInputStream(r.path()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(ENVELOPE + MESSAGE);
        }
    }

    @Test
    void replacesTheMessagesReturnPathAndKeepsTheRest() throws Exception {
        String withRp = "Return-Path: <old@example.org>\r\nreturn-path:\r\n <folded@x>\r\n" + MESSAGE;
        QuarantineResult r = new LocalQuarantine(quarantineDir(), 0)
                .store(message(withRp), QuarantineMethod.parse("local:"), "Virus", List.of("virus-quarantine"));
        assertThat(r.path().getFileName().toString()).isEqualTo("AbCdEfGhIj12");
        assertThat(Files.readString(r.path(), StandardCharsets.US_ASCII)).isEqualTo(ENVELOPE + MESSAGE);
    }

    @Test
    void blockedRecipientsAndSeveralQuarantineAddresses() throws Exception {
        MessageContext msg = message(MESSAGE);
        msg.recipients().get(1).doneByFilter(org.amavisd.core.smtp.SmtpReply.of(250, "2.7.0", "Ok, discarded"));
        QuarantineResult r = new LocalQuarantine(quarantineDir(), 0)
                .store(msg, QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("a-quar", "b-quar"));
        assertThat(Files.readString(r.path(), StandardCharsets.US_ASCII))
                .startsWith("Return-Path: <a@example.org>\r\nDelivered-To: a-quar, b-quar\r\n")
                .contains("X-Envelope-To-Blocked: <c@example.net>\r\n");
    }

    @Test
    void subdirLevelZeroOneTwo() throws Exception {
        Path q0 = Files.createDirectories(tmp.resolve("q0"));
        Path q1 = Files.createDirectories(tmp.resolve("q1"));
        Path q2 = Files.createDirectories(tmp.resolve("q2"));
        QuarantineMethod m = QuarantineMethod.parse("local:virus-%m");
        List<String> to = List.of("virus-quarantine");
        assertThat(new LocalQuarantine(q0, 0)
                        .store(message(MESSAGE), m, "Virus", to)
                        .path())
                .isEqualTo(q0.resolve("virus-AbCdEfGhIj12"));
        assertThat(new LocalQuarantine(q1, 1)
                        .store(message(MESSAGE), m, "Virus", to)
                        .path())
                .isEqualTo(q1.resolve("A/virus-AbCdEfGhIj12"));
        // amavisd-new has one level only: 2 and above behave as 1
        assertThat(new LocalQuarantine(q2, 2)
                        .store(message(MESSAGE), m, "Virus", to)
                        .path())
                .isEqualTo(q2.resolve("A/virus-AbCdEfGhIj12"));
        // all 62 one-character subdirectories are prepared at once
        try (var s = Files.list(q1)) {
            assertThat(s.filter(Files::isDirectory).count()).isEqualTo(62);
        }
        assertThat(q1.resolve("z")).isDirectory();
        assertThat(q1.resolve("0")).isDirectory();
    }

    @Test
    void subdirGoesBeforeTheLastNameComponent() throws Exception {
        Path q = quarantineDir();
        Files.createDirectories(q.resolve("W7/spam"));
        MessageContext msg = message(MESSAGE);
        msg.attach(org.amavisd.quarantine.PartitionTag.class, new org.amavisd.quarantine.PartitionTag("7"));
        QuarantineResult r = new LocalQuarantine(q, 1)
                .store(msg, QuarantineMethod.parse("local:W%P/spam/%m.gz"), "Spam", List.of("spam-quarantine"));
        assertThat(r.path()).isEqualTo(q.resolve("W7/spam/A/AbCdEfGhIj12.gz"));
    }

    @Test
    void nameExpansions() throws Exception {
        Path q = quarantineDir();
        MessageContext msg = message(MESSAGE);
        msg.attach(org.amavisd.quarantine.BodyDigest.class, new org.amavisd.quarantine.BodyDigest("d41d8cd9"));
        QuarantineResult r = new LocalQuarantine(q, 0, java.time.ZoneId.of("UTC"))
                .store(msg, QuarantineMethod.parse("local:%n-%i-%b-%m-100%%"), "Virus", List.of("q"));
        assertThat(r.path()).isEqualTo(q.resolve("12345-01-20240131T225958-d41d8cd9-AbCdEfGhIj12-100%"));
    }

    @Test
    void bodyDigestMissingIsAQuarantineException() throws Exception {
        assertThatThrownBy(() -> new LocalQuarantine(quarantineDir(), 0)
                        .store(message(MESSAGE), QuarantineMethod.parse("local:%b"), "Virus", List.of("q")))
                .isInstanceOf(QuarantineException.class);
    }

    @Test
    void refusesToOverwrite() throws Exception {
        Path q = quarantineDir();
        Files.writeString(q.resolve("virus-AbCdEfGhIj12"), "earlier");
        assertThatThrownBy(() -> new LocalQuarantine(q, 0)
                        .store(message(MESSAGE), QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("q")))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readString(q.resolve("virus-AbCdEfGhIj12"))).isEqualTo("earlier");
    }

    @Test
    void unwritableDirectoryIsAQuarantineException() throws Exception {
        Path q = quarantineDir();
        assumeTrue(q.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeTrue(!Files.isWritable(q), "running as root: permissions are not enforced");
            assertThatThrownBy(() -> new LocalQuarantine(q, 0)
                            .store(message(MESSAGE), QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("q")))
                    .isInstanceOf(QuarantineException.class)
                    .hasMessageContaining("virus-AbCdEfGhIj12");
            assertThatThrownBy(() -> new LocalQuarantine(q, 1)
                            .store(message(MESSAGE), QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("q")))
                    .isInstanceOf(QuarantineException.class)
                    .hasMessageContaining("subdirectories");
        } finally {
            Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void unwritablePathIsAQuarantineExceptionEvenForRoot() throws Exception {
        Path q = quarantineDir();
        Files.writeString(q.resolve("notadir"), "a file where a directory should be");
        assertThatThrownBy(() -> new LocalQuarantine(q, 0)
                        .store(
                                message(MESSAGE),
                                QuarantineMethod.parse("local:notadir/virus-%m"),
                                "Virus",
                                List.of("q")))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("can't create quarantine file");
        assertThatThrownBy(() -> new LocalQuarantine(q, 1)
                        .store(
                                message(MESSAGE),
                                QuarantineMethod.parse("local:notadir/virus-%m"),
                                "Virus",
                                List.of("q")))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("subdirectories");
    }

    @Test
    void missingDirectoryOrMissingSpoolIsAQuarantineException() throws Exception {
        assertThatThrownBy(() -> new LocalQuarantine(tmp.resolve("nope"), 0)
                        .store(message(MESSAGE), QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("q")))
                .isInstanceOf(QuarantineException.class)
                .hasMessageContaining("not supported yet");
        Path q = quarantineDir();
        MessageContext msg = message(MESSAGE);
        Files.delete(msg.messageFile());
        assertThatThrownBy(() -> new LocalQuarantine(q, 0)
                        .store(msg, QuarantineMethod.parse("local:virus-%m"), "Virus", List.of("q")))
                .isInstanceOf(QuarantineException.class);
        // the partial file is removed
        assertThat(q.resolve("virus-AbCdEfGhIj12")).doesNotExist();
    }

    @Test
    void nonLocalMethodIsRefused() throws Exception {
        assertThatThrownBy(() -> new LocalQuarantine(quarantineDir(), 0)
                        .store(message(MESSAGE), QuarantineMethod.NONE, "Virus", List.of("q")))
                .isInstanceOf(QuarantineException.class);
    }

    @Test
    void largeMessageRoundTripsPlainAndGzipped() throws Exception {
        Path spool = Files.createDirectories(tmp.resolve("big"));
        Path file = spool.resolve("email.txt");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] header = "From: a@example.org\r\nSubject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(header);
            md.update(header);
            for (long n = 0; n < 20L * 1024 * 1024; n += line.length) {
                out.write(line);
                md.update(line);
            }
        }
        String expected = HexFormat.of().formatHex(md.digest());
        Path q = quarantineDir();
        MessageContext msg = message(file, new MailId("BbCdEfGhIj12", "s"));
        for (String method : List.of("local:big-%m", "local:big-%m.gz")) {
            QuarantineResult r =
                    new LocalQuarantine(q, 0).store(msg, QuarantineMethod.parse(method), "Virus", List.of("q"));
            try (InputStream raw = Files.newInputStream(r.path());
                    InputStream in = method.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                byte[] env = LocalQuarantine.envelopeHeader(msg, List.of("q")).getBytes(StandardCharsets.US_ASCII);
                assertThat(in.readNBytes(env.length)).isEqualTo(env);
                assertThat(sha256(in)).isEqualTo(expected);
            }
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        return HexFormat.of().formatHex(md.digest());
    }
}
