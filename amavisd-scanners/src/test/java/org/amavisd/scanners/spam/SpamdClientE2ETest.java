package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.amavisd.scanners.LoopbackService;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real spamd on loopback, started by testenv/start-services.sh (SERVICES=spamd). */
class SpamdClientE2ETest {
    static LoopbackService spamd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        spamd = LoopbackService.start("spamd", "/usr/sbin/spamd", "spamd", "SPAMD_PORT", 23783);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spamd != null) spamd.stop();
    }

    private SpamdClient client(Long bodyLimit, Double factor, SpamdClient.Request request) {
        return new SpamdClient(
                "SpamdClient",
                new SpamdClient.Options(
                        List.of(InetSocketAddress.createUnresolved("127.0.0.1", spamd.port())),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        bodyLimit,
                        factor,
                        request,
                        null));
    }

    private static SpamRequest request(Path msg) {
        return SpamRequest.of(msg, "<alice@example.org>", List.of("<bob@example.net>"));
    }

    @Test
    void gtubeIsSpamWithTheGtubeRule() throws Exception {
        SpamCheck r = client(null, null, null).check(request(Messages.write(tmp, "gtube.eml", Messages.gtube())));
        assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
        assertThat(r.score()).isGreaterThanOrEqualTo(1000.0);
        assertThat(r.requiredScore()).isEqualTo(5.0);
        assertThat(r.hasTest("GTUBE")).as(r.testsString()).isTrue();
        assertThat(r.truncated()).isFalse();
        assertThat(r.scannerName()).isEqualTo("SpamdClient");
    }

    @Test
    void theProjectsOwnSamplesTooGtubeAndHam() throws Exception {
        SpamdClient c = client(null, null, null);
        assertThat(c.check(request(spamd.sample("gtube.eml"))).verdict()).isEqualTo(Verdict.SPAM);
        SpamCheck ham = c.check(request(spamd.sample("ham.eml")));
        assertThat(ham.verdict()).isEqualTo(Verdict.HAM);
        assertThat(ham.score()).isLessThan(5.0);
    }

    @Test
    void hamIsNotSpam() throws Exception {
        SpamCheck r = client(null, null, null).check(request(Messages.write(tmp, "ham.eml", Messages.ham())));
        assertThat(r.verdict()).isEqualTo(Verdict.HAM);
        assertThat(r.score()).isLessThan(5.0);
        assertThat(r.hasTest("GTUBE")).isFalse();
    }

    @Test
    void scoreFactorMultipliesTheScore() throws Exception {
        Path msg = Messages.write(tmp, "gtube.eml", Messages.gtube());
        double plain = client(null, null, null).check(request(msg)).score();
        SpamCheck scaled = client(null, 0.5, null).check(request(msg));
        assertThat(scaled.score()).isEqualTo(plain * 0.5);
        assertThat(scaled.requiredScore()).isEqualTo(5.0); // spamd's own threshold, as reported
    }

    @Test
    void reportRequestGivesScoresAndTheReport() throws Exception {
        SpamCheck r = client(null, null, SpamdClient.Request.REPORT)
                .check(request(Messages.write(tmp, "gtube.eml", Messages.gtube())));
        assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
        assertThat(r.report()).contains("GTUBE");
        assertThat(r.tests()).contains(new SpamCheck.Test("GTUBE", 1000.0));
        assertThat(r.testsString()).contains("GTUBE=1000");
    }

    @Test
    void overTheBodySizeLimitOnlyTheStartIsSentAndTheLateGtubeIsNotSeen() throws Exception {
        // GTUBE sits some 20 KB into the body (within what SpamAssassin scans of a part, 50 KB);
        // a 10 KB body limit cuts it off
        Path msg = Messages.write(tmp, "long.eml", Messages.gtubeAfter(300));
        long size = Files.size(msg);
        SpamCheck whole = client(null, null, null).check(request(msg));
        assertThat(whole.verdict()).isEqualTo(Verdict.SPAM);
        assertThat(whole.truncated()).isFalse();
        assertThat(whole.bytesSent()).isGreaterThan(size);

        SpamCheck cut = client(10_000L, null, null).check(request(msg));
        assertThat(cut.truncated()).isTrue();
        long header = Messages.header("a long letter").replace("\n", "\r\n").length() - 2;
        assertThat(cut.bytesSent()).isEqualTo(header + 1 + 10_000);
        assertThat(cut.hasTest("GTUBE")).as(cut.testsString()).isFalse();
        assertThat(cut.verdict()).isEqualTo(Verdict.HAM);
    }

    @Test
    void slightlyOverTheLimitIsSentWhole() throws Exception {
        // under 5 KiB over the limit: amavisd-new sends all of it
        Path msg = Messages.write(tmp, "long.eml", Messages.gtubeAfter(100)); // ~6 KB body
        SpamCheck r = client(3_000L, null, null).check(request(msg));
        assertThat(r.truncated()).isFalse();
        assertThat(r.hasTest("GTUBE")).isTrue();
    }
}
