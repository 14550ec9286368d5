package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.scanners.LoopbackService;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amavisd-new's default entry ['SpamAssassin', 'Amavis::SpamControl::SpamAssassin'], built from the
 * configuration as the daemon builds it, against a real spamd on loopback (testenv/start-services.sh,
 * SERVICES=spamd) named by $spamd_socket.
 */
class SpamAssassinViaSpamdE2ETest {
    static LoopbackService spamd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        spamd = LoopbackService.start("spamd", "/usr/sbin/spamd", "spamd", "SPAMD_PORT", 24783);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spamd != null) spamd.stop();
    }

    private SpamAssassinViaSpamd entry(String extra) throws Exception {
        var c = SpamScanners.fromConfig(AmavisConf.parse(
                "$spamd_socket = '127.0.0.1:" + spamd.port() + "';\n" + extra + "1;\n", "amavisd.conf"));
        return (SpamAssassinViaSpamd) c.scanners().get(0);
    }

    private static SpamRequest request(Path msg) {
        return SpamRequest.of(msg, "<alice@example.org>", List.of("<bob@example.net>"));
    }

    @Test
    void theDefaultEntryScoresGtubeAndHamThroughSpamd() throws Exception {
        SpamAssassinViaSpamd sa = entry("");
        assertThat(sa.probe()).isTrue();
        SpamCheck gtube = sa.check(request(Messages.write(tmp, "gtube.eml", Messages.gtube())));
        assertThat(gtube.verdict()).isEqualTo(Verdict.SPAM);
        assertThat(gtube.hasTest("GTUBE")).as(gtube.testsString()).isTrue();
        assertThat(gtube.scannerName()).isEqualTo("SpamAssassin");
        SpamCheck ham = sa.check(request(Messages.write(tmp, "ham.eml", Messages.ham())));
        assertThat(ham.verdict()).isEqualTo(Verdict.HAM);
    }

    @Test
    void theUserNameGoesToSpamdAsItsUserHeader() throws Exception {
        SpamAssassinViaSpamd sa = entry("$daemon_user = 'amavis';\n");
        SpamCheck r = sa.check(request(Messages.write(tmp, "gtube.eml", Messages.gtube())), "nobody");
        assertThat(r.verdict()).isEqualTo(Verdict.SPAM);
        Path log = spamd.state().resolve("spamd").resolve("spamd.log");
        // spamd's log line: "spamd: checking message <...> for nobody:65534"
        assertThat(Files.readString(log)).contains(" for nobody:");
        assertThat(sa.check(request(Messages.write(tmp, "g2.eml", Messages.gtube())))
                        .verdict())
                .isEqualTo(Verdict.SPAM);
        assertThat(Files.readString(log)).contains(" for amavis:");
    }
}
