package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amavisd.scanners.LoopbackService;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against Debian's rspamd (bookworm: 3.4) on loopback, started by testenv/start-services.sh
 * (SERVICES=rspamd): the normal worker with the stock rules, no Redis, DNS unreachable.
 */
class RspamdClientE2ETest {
    static LoopbackService rspamd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        rspamd = LoopbackService.start("rspamd", "/usr/bin/rspamd", "rspamd", "RSPAMD_PORT", 23833);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rspamd != null) rspamd.stop();
    }

    private RspamdClient client(Double factor, Long bodyLimit) {
        return new RspamdClient(
                "Local Rspamd",
                new RspamdClient.Options(
                        URI.create("http://127.0.0.1:" + rspamd.port() + "/checkv2"),
                        Duration.ofSeconds(60),
                        bodyLimit,
                        factor,
                        "mta.example.test",
                        null));
    }

    private static SpamRequest request(Path msg) {
        return new SpamRequest(
                msg,
                "<alice@example.org>",
                List.of("<bob@example.net>"),
                "127.0.0.1",
                "localhost",
                "localhost",
                "4ABCD123",
                "");
    }

    @Test
    void gtubeIsRejectedAsSpam() throws Exception {
        SpamCheck r = client(null, null).check(request(Messages.write(tmp, "gtube.eml", Messages.gtube())));
        assertThat(r.action()).isEqualTo("reject");
        assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
        assertThat(r.hasTest("GTUBE")).as(r.testsString()).isTrue();
        assertThat(r.requiredScore()).isNotNull();
        assertThat(r.score()).isGreaterThanOrEqualTo(r.requiredScore());
        assertThat(r.scannerName()).isEqualTo("Local Rspamd");
    }

    @Test
    void hamIsNotSpam() throws Exception {
        SpamCheck r = client(null, null).check(request(Messages.write(tmp, "ham.eml", Messages.ham())));
        assertThat(r.verdict()).isNotEqualTo(Verdict.SPAM);
        assertThat(r.action()).isNotEqualTo("reject");
        assertThat(r.score()).isLessThan(r.requiredScore());
        assertThat(r.hasTest("GTUBE")).isFalse();
        assertThat(r.tests()).isNotEmpty().allSatisfy(t -> assertThat(t.score()).isNotNull());
    }

    @Test
    void scoreFactorScalesScoreAndRequiredScore() throws Exception {
        Path msg = Messages.write(tmp, "gtube.eml", Messages.gtube());
        SpamCheck plain = client(null, null).check(request(msg));
        SpamCheck scaled = client(5.0 / 15.0, null).check(request(msg));
        assertThat(scaled.score()).isCloseTo(plain.score() / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scaled.requiredScore())
                .isCloseTo(plain.requiredScore() / 3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void overTheBodySizeLimitTheLateGtubeIsNotSent() throws Exception {
        // rspamd looks for GTUBE only in text parts up to some 10 KB: a 6.5 KB body, cut at 500 bytes
        Path msg = Messages.write(tmp, "long.eml", Messages.gtubeAfter(100));
        assertThat(client(null, null).check(request(msg)).hasTest("GTUBE")).isTrue();
        SpamCheck cut = client(null, 500L).check(request(msg));
        assertThat(cut.truncated()).isTrue();
        long header = Messages.header("a long letter").replace("\n", "\r\n").length() - 2;
        assertThat(cut.bytesSent()).isEqualTo(header + 500);
        assertThat(cut.hasTest("GTUBE")).isFalse();
    }
}
