package org.amavisd.core.ccat;

import java.util.List;
import org.amavisd.core.smtp.SmtpReply;

/**
 * The reply for a recipient whose destiny keeps the message from them, built as amavisd-new
 * builds it: a status by the blocking category (554 5.7.0 for most, 552 5.3.4 oversized, 554 5.6.x
 * bad header, 550 5.3.5 MTA), turned into 450 for a tempfail or under $soft_bounce and into 250 for
 * a discard, then the destiny's word and the category's reason ("id=%n - BANNED: %F" expanded):
 * {@code 250 2.7.0 Ok, discarded, id=4711-01 - BANNED: .exe,.exe-ms,invoice.pdf.exe}.
 */
public final class BlockedReply {
    private BlockedReply() {}

    /**
     * @param reason the expanded %smtp_reason_by_ccat text for the blocking category, or empty
     * @param softBounce $soft_bounce: rejects and bounces become tempfails
     */
    public static SmtpReply of(Destiny destiny, Ccat blocking, String reason, boolean softBounce) {
        if (destiny == Destiny.PASS) throw new IllegalArgumentException("a passed recipient is not blocked");
        String status = status(blocking);
        int code = Integer.parseInt(status.substring(0, 3));
        String enhanced = status.substring(4);
        String soft = "";
        if (code >= 500) {
            int override = 0;
            if (destiny == Destiny.TEMPFAIL) {
                override = 450;
            } else if (softBounce) {
                override = 450;
                soft = " (soft_bounce)";
            } else if (destiny == Destiny.DISCARD) {
                override = 250;
            }
            if (override != 0) {
                code = override;
                enhanced = (override / 100) + enhanced.substring(1);
            }
        }
        String r = reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ").trim();
        if (r.length() > 453) r = r.substring(0, 450) + "...";
        return new SmtpReply(code, enhanced, List.of(destiny.word() + soft + (r.isEmpty() ? "" : ", " + r)));
    }

    /** amavisd-new's status for a blocking category: the exact key first, then the major, then the catch-all. */
    static String status(Ccat blocking) {
        if (blocking.major() == ContentCategory.BAD_HEADER && blocking.minor() == ContentCategory.BADH_8BIT)
            return "554 5.6.3";
        if (blocking.major() == ContentCategory.BAD_HEADER) return "554 5.6.0";
        if (blocking.major() == ContentCategory.OVERSIZED) return "552 5.3.4";
        if (blocking.major() == ContentCategory.MTA) return "550 5.3.5";
        return "554 5.7.0"; // virus, banned, unchecked, spam, spammy and the catch-all
    }
}
