package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.amavisd.scanners.spam.SpamScanException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spamd client against loopback servers that are not spamd: what goes over the wire, and faults. */
class SpamdClientFaultsTest {
    @TempDir
    Path tmp;

    private static SpamdClient client(SocketAddress a, Long limit, Duration timeout) {
        return new SpamdClient(
                "SpamdClient",
                new SpamdClient.Options(
                        List.of(a), Duration.ofSeconds(2), timeout, limit, null, SpamdClient.Request.SYMBOLS, null));
    }

    private static SocketAddress local(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private SpamRequest request() throws IOException {
        return SpamRequest.of(
                Messages.write(tmp, "m.eml", Messages.ham()),
                "<alice@example.org>",
                List.of("<bob@example.net>", "<carol@example.net>"));
    }

    private static final byte[] OK =
            "SPAMD/1.1 0 EX_OK\r\nContent-length: 15\r\nSpam: True ; 7.5 / 5.0\r\n\r\nFOO_RULE,BAR_2\r\n"
                    .getBytes(StandardCharsets.US_ASCII);

    @Test
    void sendsSymbolsWithContentLengthAndAmavisdNewsPseudoHeader() throws Exception {
        SpamRequest req = request();
        long size = Files.size(req.message());
        String seen;
        try (FakeServer s = new FakeServer(OK, FakeServer.WHOLE_SPAMC_REQUEST)) {
            SpamCheck r = client(local(s.port()), null, Duration.ofSeconds(10)).check(req);
            assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
            assertThat(r.score()).isEqualTo(7.5);
            assertThat(r.requiredScore()).isEqualTo(5.0);
            assertThat(r.testsString()).isEqualTo("FOO_RULE,BAR_2");
            seen = new String(s.received.get(10, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1);
        }
        String prefix = "Return-Path: <alice@example.org>\r\n"
                + "X-Envelope-To: <bob@example.net>,\r\n <carol@example.net>\r\n"
                + "X-Amavis-PolicyBank: \r\n"
                + "X-Amavis-MessageSize: " + size + "\r\n";
        assertThat(seen)
                .startsWith("SYMBOLS SPAMC/1.5\r\nContent-length: " + (prefix.length() + size) + "\r\n\r\n" + prefix);
        assertThat(seen).endsWith(Files.readString(req.message(), StandardCharsets.ISO_8859_1));
    }

    private static volatile String unixSeen;

    @Test
    void aTruncatedMessageEndsInALineFeedAndSaysSoInItsSizeLine() throws Exception {
        Path msg = Messages.write(tmp, "long.eml", Messages.gtubeAfter(300));
        long size = Files.size(msg);
        long header = Messages.header("a long letter").replace("\n", "\r\n").length() - 2;
        long limit = header + 1 + 1000;
        try (FakeServer s = new FakeServer(OK, FakeServer.WHOLE_SPAMC_REQUEST)) {
            SpamCheck r = client(local(s.port()), 1000L, Duration.ofSeconds(10))
                    .check(SpamRequest.of(msg, "<>", List.of("<bob@example.net>")));
            assertThat(r.truncated()).isTrue();
            assertThat(r.bytesSent()).isEqualTo(limit);
            String got = new String(s.received.get(10, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1);
            String body = got.substring(got.indexOf("\r\n\r\n") + 4);
            assertThat(got).contains("Content-length: " + limit + "\r\n");
            assertThat(body).contains("X-Amavis-MessageSize: " + size + ", TRUNCATED to " + limit + "\r\n");
            assertThat(body).hasSize((int) limit).endsWith("\n").doesNotContain("GTUBE");
        }
    }

    @Test
    void nothingListeningIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SpamRequest req = request();
        assertThatThrownBy(
                        () -> client(local(port), null, Duration.ofSeconds(5)).check(req))
                .isInstanceOfSatisfying(SpamScanException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONNECT);
                    assertThat(e.scannerName()).isEqualTo("SpamdClient");
                    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
                });
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        SpamRequest req = request();
        try (FakeServer s = new FakeServer(null, Integer.MAX_VALUE)) {
            assertThatThrownBy(() ->
                            client(local(s.port()), null, Duration.ofSeconds(1)).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        }
    }

    @Test
    void garbageIsAProtocolFailure() throws Exception {
        SpamRequest req = request();
        byte[] garbage = "HTTP/1.0 200 OK\r\n\r\n<html>hello</html>\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeServer s = new FakeServer(garbage, 10)) {
            assertThatThrownBy(() ->
                            client(local(s.port()), null, Duration.ofSeconds(5)).check(req))
                    .isInstanceOfSatisfying(SpamScanException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                        assertThat(e.getMessage()).contains("not a spamd reply");
                    });
        }
    }

    @Test
    void aReplyWithoutASpamHeaderOrCutShortIsAProtocolFailure() throws Exception {
        SpamRequest req = request();
        byte[] noSpam = "SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeServer s = new FakeServer(noSpam, 10)) {
            assertThatThrownBy(() ->
                            client(local(s.port()), null, Duration.ofSeconds(5)).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class,
                            e -> assertThat(e.getMessage()).contains("without a Spam header"));
        }
        byte[] cut = "SPAMD/1.1 0 EX_OK\r\nContent-length: 50\r\nSpam: False ; 1.0 / 5.0\r\n\r\nFOO"
                .getBytes(StandardCharsets.US_ASCII);
        try (FakeServer s = new FakeServer(cut, 10)) {
            assertThatThrownBy(() ->
                            client(local(s.port()), null, Duration.ofSeconds(5)).check(req))
                    .isInstanceOfSatisfying(SpamScanException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                        assertThat(e.getMessage()).contains("cut short");
                    });
        }
    }

    @Test
    void spamdsOwnErrorCodeIsADaemonError() throws Exception {
        SpamRequest req = request();
        byte[] err =
                "SPAMD/1.0 76 Bad header line: (Content-Length mismatch)\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (FakeServer s = new FakeServer(err, 10)) {
            assertThatThrownBy(() ->
                            client(local(s.port()), null, Duration.ofSeconds(5)).check(req))
                    .isInstanceOfSatisfying(SpamScanException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.DAEMON_ERROR);
                        assertThat(e.getMessage()).contains("76 Bad header line");
                    });
        }
    }

    @Test
    void aUnixSocketWorksToo() throws Exception {
        Path sock = tmp.resolve("spamd.sock");
        try (ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                try (SocketChannel c = ss.accept()) {
                    var buf = java.nio.ByteBuffer.allocate(256);
                    c.read(buf); // the request's first bytes
                    buf.flip();
                    unixSeen = StandardCharsets.ISO_8859_1.decode(buf).toString();
                    c.write(java.nio.ByteBuffer.wrap(OK));
                } catch (IOException e) {
                    unixSeen = e.toString();
                }
            });
            t.start();
            SpamCheck r = client(UnixDomainSocketAddress.of(sock), null, Duration.ofSeconds(5))
                    .check(request());
            t.join(10_000);
            assertThat(r.score()).isEqualTo(7.5);
            assertThat(unixSeen).startsWith("SYMBOLS SPAMC/1.5\r\n");
        }
    }
}
