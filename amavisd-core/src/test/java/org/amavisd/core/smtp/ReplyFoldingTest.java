package org.amavisd.core.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.Recipient;
import org.junit.jupiter.api.Test;

class ReplyFoldingTest {
    private static Recipient byMta(String reply) {
        Recipient r = new Recipient(new EmailAddress("r@x"), null, null);
        r.doneByMta(SmtpReply.parse(reply), null);
        return r;
    }

    private static Recipient byFilter(String reply) {
        Recipient r = new Recipient(new EmailAddress("r@x"), null, null);
        r.doneByFilter(SmtpReply.parse(reply));
        return r;
    }

    private static Recipient blocked(Destiny d, String reply) {
        Recipient r = byFilter(reply);
        r.setDestiny(d);
        return r;
    }

    private static final String MTA_OK = "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok";

    // the replies below are what amavisd-new 2.13 answered for the same recipients (docs/configuration.md)
    @Test
    void discardedAloneIsItsOwnReplyAndBesideADeliveryACount() {
        Recipient d = blocked(Destiny.DISCARD, "250 2.7.0 Ok, discarded, id=1-01 - BANNED: x.exe");
        assertThat(ReplyFolding.oneForAll(List.of(d), "1-01").toString())
                .isEqualTo("250 2.7.0 Ok, discarded, id=1-01 - BANNED: x.exe");
        assertThat(ReplyFolding.oneForAll(List.of(byMta(MTA_OK), d), "1-01").toString())
                .isEqualTo(MTA_OK + ", but 1 DISCARD");
    }

    @Test
    void bouncedNeedsTheDsnSentThenIs250Bounce() {
        Recipient b = blocked(Destiny.BOUNCE, "554 5.7.0 Bounce, id=1-01 - BANNED: x.exe");
        assertThat(ReplyFolding.oneForAll(List.of(b), "1-01", true).toString())
                .isEqualTo("250 2.5.0 Ok, id=1-01, BOUNCE");
        assertThat(ReplyFolding.oneForAll(List.of(byMta(MTA_OK), b), "1-01", true)
                        .toString())
                .isEqualTo(MTA_OK + ", but 1 BOUNCE");
        assertThat(ReplyFolding.oneForAll(List.of(b), "1-01", false).code())
                .as("DSN not sent: nothing may be lost")
                .isEqualTo(451);
        assertThat(ReplyFolding.forRecipient(b, "1-01", true).toString()).isEqualTo("250 2.5.0 Ok, id=1-01, BOUNCE");
        assertThat(ReplyFolding.forRecipient(b, "1-01", false).code()).isEqualTo(451);
    }

    @Test
    void suppressedBounceAndFilterRejects() {
        Recipient s = blocked(Destiny.BOUNCE, "250 2.5.0 Ok, id=1-01, DISCARD(bounce.suppressed)");
        assertThat(ReplyFolding.oneForAll(List.of(s), "1-01").toString())
                .isEqualTo("250 2.5.0 Ok, id=1-01, DISCARD(bounce.suppressed)");
        Recipient rej = blocked(Destiny.REJECT, "554 5.7.0 Reject, id=1-01 - BANNED: x.exe");
        assertThat(ReplyFolding.oneForAll(List.of(rej), "1-01").toString())
                .isEqualTo("554 5.7.0 Reject, id=1-01 - BANNED: x.exe");
        assertThat(ReplyFolding.oneForAll(List.of(byMta(MTA_OK), rej), "1-01", true)
                        .toString())
                .isEqualTo(MTA_OK + ", but 1 REJECT");
    }

    @Test
    void anyTempfailWins() {
        assertThat(ReplyFolding.oneForAll(List.of(byMta("250 2.0.0 ok"), byMta("450 4.2.0 later")), "1-01")
                        .toString())
                .isEqualTo("450 4.2.0 later");
    }

    @Test
    void allRejectedGivesTheMtasRejectBeforeOurs() {
        assertThat(ReplyFolding.oneForAll(List.of(byFilter("554 5.7.0 ours"), byMta("550 5.1.1 theirs")), "1-01")
                        .toString())
                .isEqualTo("550 5.1.1 theirs");
    }

    @Test
    void allAcceptedGivesTheFirstAcceptance() {
        assertThat(ReplyFolding.oneForAll(List.of(byMta("250 2.0.0 a"), byMta("250 2.0.0 b")), "1-01")
                        .toString())
                .isEqualTo("250 2.0.0 a");
    }

    @Test
    void mixedAcceptAndRejectNotReportedIsATempfail() {
        SmtpReply r = ReplyFolding.oneForAll(List.of(byMta("250 2.0.0 a"), byMta("550 5.1.1 b")), "1-01");
        assertThat(r.code()).isEqualTo(451);
        assertThat(r.text()).startsWith("id=1-01 - 1 recipient(s) rejected or bounced");
    }

    @Test
    void mixedAcceptAndRejectOnceReportedIs250WithTheCountAsAmavisdNewSaysIt() {
        SmtpReply r = ReplyFolding.oneForAll(
                List.of(byMta("250 2.0.0 Ok: queued as X"), byMta("550 5.1.1 b"), byMta("554 5.7.1 c")), "1-01", true);
        assertThat(r.toString()).isEqualTo("250 2.0.0 Ok: queued as X, but 2 REJECT");
        assertThat(ReplyFolding.oneForAll(List.of(byMta("450 4.2.0 later"), byMta("550 5.1.1 b")), "1-01", true)
                        .code())
                .as("a tempfail still wins")
                .isEqualTo(450);
    }

    @Test
    void unsettledRecipientOrNoneAtAll() {
        Recipient open = new Recipient(new EmailAddress("r@x"), null, null);
        assertThat(ReplyFolding.oneForAll(List.of(open), "1-01").code()).isEqualTo(451);
        assertThat(ReplyFolding.oneForAll(List.of(), "1-01").toString()).isEqualTo("250 2.5.0 Ok, id=1-01");
    }
}
