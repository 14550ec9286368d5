package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.amavisd.scanners.spam.SpamScanException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rspamd client against loopback servers that are not rspamd: the request it sends, and faults. */
class RspamdClientFaultsTest {
    @TempDir
    Path tmp;

    private static RspamdClient client(int port, Duration timeout, RspamdClient.Credentials cred) {
        return new RspamdClient(
                "Rspamd",
                new RspamdClient.Options(
                        URI.create("http://127.0.0.1:" + port + "/checkv2"),
                        timeout,
                        null,
                        0.5,
                        "mta.example.test",
                        cred));
    }

    private SpamRequest request() throws IOException {
        return new SpamRequest(
                Messages.write(tmp, "m.eml", Messages.ham()),
                "<alice@example.org>",
                List.of("<bob@example.net>", "<carol@example.net>"),
                "192.0.2.7",
                "client.example.org",
                "client.example.org",
                "4ABCD123",
                "");
    }

    private static byte[] http(String status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                        + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A reply shaped like rspamd 3.4's (its fields and nesting), with an odd symbol name added. */
    static final String REPLY = "{\"is_skipped\":false,\"score\":21.5,\"required_score\":15.0,\"action\":\"reject\","
            + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0,\"metric_score\":0.0},"
            + "\"ODD,NAME=X\":{\"name\":\"ODD,NAME=X\",\"score\":1.5,\"metric_score\":1.5}},"
            + "\"messages\":{\"smtp_message\":\"Gtube pattern\"},\"message-id\":\"x@example.org\",\"time_real\":0.07}";

    @Test
    void sendsTheEnvelopeInRspamdsHeadersAndParsesTheReply() throws Exception {
        SpamRequest req = request();
        int len = (int) java.nio.file.Files.size(req.message());
        try (HttpRecorder s = new HttpRecorder(http("200 OK", REPLY))) {
            SpamCheck r = client(s.port(), Duration.ofSeconds(10), null).check(req);
            assertThat(r.score()).isEqualTo(21.5 * 0.5);
            assertThat(r.requiredScore()).isEqualTo(7.5);
            assertThat(r.action()).isEqualTo("reject");
            assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
            assertThat(r.testsString()).isEqualTo("GTUBE=0,ODD_NAME_X=1.5");
            String got = s.request.get(10, TimeUnit.SECONDS).toLowerCase();
            assertThat(got).startsWith("post /checkv2 http/1.1\r\n");
            assertThat(got)
                    .contains("\r\nfrom: <alice@example.org>\r\n")
                    .contains("\r\nrcpt: <bob@example.net>\r\n")
                    .contains("\r\nrcpt: <carol@example.net>\r\n")
                    .contains("\r\nip: 192.0.2.7\r\n")
                    .contains("\r\nhelo: client.example.org\r\n")
                    .contains("\r\nhostname: client.example.org\r\n")
                    .contains("\r\nqueue-id: 4abcd123\r\n")
                    .contains("\r\nmta-name: mta.example.test\r\n")
                    .contains("\r\ncontent-length: " + len + "\r\n")
                    .doesNotContain("authorization");
        }
    }

    @Test
    void credentialsGoOnlyToTheirNetloc() throws Exception {
        SpamRequest req = request();
        try (HttpRecorder s = new HttpRecorder(http("200 OK", REPLY))) {
            var cred = new RspamdClient.Credentials("127.0.0.1:" + s.port(), "realm", "marco", "polo");
            client(s.port(), Duration.ofSeconds(10), cred).check(req);
            assertThat(s.request.get(10, TimeUnit.SECONDS)).contains("Authorization: Basic bWFyY286cG9sbw==\r\n");
        }
        try (HttpRecorder s = new HttpRecorder(http("200 OK", REPLY))) {
            var cred = new RspamdClient.Credentials("elsewhere.example:443", "realm", "marco", "polo");
            client(s.port(), Duration.ofSeconds(10), cred).check(req);
            assertThat(s.request.get(10, TimeUnit.SECONDS)).doesNotContainIgnoringCase("authorization");
        }
    }

    @Test
    void nothingListeningIsAConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SpamRequest req = request();
        assertThatThrownBy(() -> client(port, Duration.ofSeconds(5), null).check(req))
                .isInstanceOfSatisfying(
                        SpamScanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONNECT));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        SpamRequest req = request();
        try (FakeServer s = new FakeServer(null, Integer.MAX_VALUE)) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(1), null).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        }
    }

    @Test
    void aReplyWhoseBodyNeverEndsTimesOut() throws Exception {
        SpamRequest req = request();
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"score\":"
                .getBytes(StandardCharsets.US_ASCII);
        try (HttpRecorder s = new HttpRecorder(head, true)) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(1), null).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
        }
    }

    @Test
    void garbageHttpErrorsAndJsonWithoutAScoreAreFailures() throws Exception {
        SpamRequest req = request();
        try (HttpRecorder s = new HttpRecorder("this is not HTTP at all\r\n".getBytes(StandardCharsets.US_ASCII))) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(5), null).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL));
        }
        try (HttpRecorder s = new HttpRecorder(http("200 OK", "<html>hello</html>"))) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(5), null).check(req))
                    .isInstanceOfSatisfying(SpamScanException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL);
                        assertThat(e.getMessage()).contains("not JSON");
                    });
        }
        try (HttpRecorder s = new HttpRecorder(http("200 OK", "{\"action\":\"reject\"}"))) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(5), null).check(req))
                    .isInstanceOfSatisfying(
                            SpamScanException.class,
                            e -> assertThat(e.getMessage()).contains("without a numeric score"));
        }
        try (HttpRecorder s = new HttpRecorder(http("500 Internal Server Error", "{\"error\":\"boom\"}"))) {
            assertThatThrownBy(
                            () -> client(s.port(), Duration.ofSeconds(5), null).check(req))
                    .isInstanceOfSatisfying(SpamScanException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.DAEMON_ERROR);
                        assertThat(e.getMessage()).contains("HTTP 500");
                    });
        }
    }
}
