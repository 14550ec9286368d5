package org.amavisd.core.ccat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The replies amavisd-new gives blocked recipients, per destiny and blocking category. */
class BlockedReplyTest {
    private static final Ccat BANNED = Ccat.of(ContentCategory.BANNED);

    @Test
    void discardIsAcceptedWithTheReason() {
        assertThat(BlockedReply.of(Destiny.DISCARD, BANNED, "id=4711-01 - BANNED: .exe,.exe-ms,invoice.pdf.exe", false)
                        .toString())
                .isEqualTo("250 2.7.0 Ok, discarded, id=4711-01 - BANNED: .exe,.exe-ms,invoice.pdf.exe");
    }

    @Test
    void rejectBounceAndTempfail() {
        Ccat virus = Ccat.of(ContentCategory.VIRUS);
        assertThat(BlockedReply.of(Destiny.REJECT, virus, "id=1-01 - INFECTED: Eicar", false)
                        .toString())
                .isEqualTo("554 5.7.0 Reject, id=1-01 - INFECTED: Eicar");
        assertThat(BlockedReply.of(Destiny.BOUNCE, virus, "", false).toString()).isEqualTo("554 5.7.0 Bounce");
        assertThat(BlockedReply.of(Destiny.TEMPFAIL, virus, "x", false).toString())
                .isEqualTo("450 4.7.0 Temporary failure, x");
    }

    @Test
    void statusFollowsTheBlockingCategory() {
        assertThat(BlockedReply.of(Destiny.REJECT, Ccat.of(ContentCategory.OVERSIZED), "", false)
                        .toString())
                .isEqualTo("552 5.3.4 Reject");
        assertThat(BlockedReply.of(
                                Destiny.REJECT,
                                Ccat.of(ContentCategory.BAD_HEADER, ContentCategory.BADH_8BIT),
                                "",
                                false)
                        .toString())
                .isEqualTo("554 5.6.3 Reject");
        assertThat(BlockedReply.of(
                                Destiny.REJECT,
                                Ccat.of(ContentCategory.BAD_HEADER, ContentCategory.BADH_CONTROL),
                                "",
                                false)
                        .toString())
                .isEqualTo("554 5.6.0 Reject");
        assertThat(BlockedReply.of(Destiny.REJECT, Ccat.of(ContentCategory.MTA), "", false)
                        .toString())
                .isEqualTo("550 5.3.5 Reject");
    }

    @Test
    void softBounceMakesRejectsTempfails() {
        assertThat(BlockedReply.of(Destiny.REJECT, BANNED, "r", true).toString())
                .isEqualTo("450 4.7.0 Reject (soft_bounce), r");
        assertThat(BlockedReply.of(Destiny.DISCARD, BANNED, "", true).code()).isEqualTo(450);
    }

    @Test
    void destinyNumbersAreAmavisdNews() {
        assertThat(Destiny.of(1)).isEqualTo(Destiny.PASS);
        assertThat(Destiny.of(0)).isEqualTo(Destiny.DISCARD);
        assertThat(Destiny.of(-2)).isEqualTo(Destiny.BOUNCE);
        assertThat(Destiny.of(-3)).isEqualTo(Destiny.REJECT);
        assertThat(Destiny.of(-4)).isEqualTo(Destiny.TEMPFAIL);
        assertThatThrownBy(() -> Destiny.of(5)).hasMessageContaining("not a destiny");
        assertThatThrownBy(() -> BlockedReply.of(Destiny.PASS, BANNED, "", false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
