package org.amavisd.core.smtp;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.mail.Recipient;

/**
 * Folds per-recipient outcomes into the single reply an SMTP client gets after DATA, the way
 * amavisd-new folds them: a tempfail anywhere wins (the front MTA retries and nothing is lost);
 * all rejected gives the (preferably the MTA's own) 5xx; all accepted gives the MTA's 250.
 *
 * <p>A mix of accepted and rejected recipients needs the rejected ones reported to the sender.
 * Once a DSN did that, the answer is 250; if none could be sent, the whole message is tempfailed:
 * a duplicate delivery is better than a silently dropped rejection.
 */
public final class ReplyFolding {
    private ReplyFolding() {}

    public static SmtpReply oneForAll(List<Recipient> recipients, String logId) {
        return oneForAll(recipients, logId, false);
    }

    /**
     * @param rejectionsReported the rejected recipients were reported to the sender by a DSN (or
     *     none was due): a mix of accepted and rejected is then the first acceptance, "..., but N
     *     REJECT", as amavisd-new words it
     */
    public static SmtpReply oneForAll(List<Recipient> recipients, String logId, boolean rejectionsReported) {
        if (recipients.isEmpty()) return SmtpReply.of(250, "2.5.0", "Ok, id=" + logId);
        for (Recipient r : recipients) {
            if (!r.isDone() || r.reply() == null) {
                return SmtpReply.of(451, "4.5.0", "id=" + logId + " - internal error: recipient " + r + " not settled");
            }
        }
        for (Recipient r : recipients) {
            if (r.reply().isTransient()) return r.reply();
        }
        SmtpReply rejectByMta = null;
        SmtpReply rejectByFilter = null;
        SmtpReply accept = null;
        SmtpReply held = null; // discarded, or a bounce whose DSN was suppressed
        int rejected = 0;
        int bounced = 0;
        int discarded = 0;
        for (Recipient r : recipients) {
            SmtpReply reply = r.reply();
            boolean byFilter = r.done() == Recipient.Done.BY_FILTER;
            if (r.bouncedByFilter() && reply.isPermanent()) {
                bounced++;
            } else if (reply.isPermanent()) {
                rejected++;
                // prefer the back end's genuine reject over one of our own, as amavisd-new does
                if (!byFilter) {
                    if (rejectByMta == null) rejectByMta = reply;
                } else if (rejectByFilter == null) {
                    rejectByFilter = reply;
                }
            } else if (byFilter && r.destiny() != Destiny.PASS) {
                discarded++;
                if (held == null) held = reply;
            } else if (accept == null) {
                accept = reply;
            }
        }
        SmtpReply reject = rejectByMta != null ? rejectByMta : rejectByFilter;
        if (rejected == recipients.size()) return reject;
        if ((rejected > 0 || bounced > 0) && !rejectionsReported) {
            return SmtpReply.of(
                    451,
                    "4.5.0",
                    "id=" + logId + " - " + (rejected + bounced)
                            + " recipient(s) rejected or bounced, and the rejections could not"
                            + " be reported to the sender: temporary failure");
        }
        SmtpReply base;
        if (accept != null) {
            base = accept;
        } else if (held != null) {
            base = held;
            discarded--;
        } else {
            base = SmtpReply.of(250, "2.5.0", "Ok, id=" + logId + ", BOUNCE");
            bounced = 0;
        }
        List<String> but = new ArrayList<>();
        if (discarded > 0) but.add(discarded + " DISCARD");
        if (bounced > 0) but.add(bounced + " BOUNCE");
        if (rejected > 0) but.add(rejected + " REJECT");
        if (but.isEmpty()) return base;
        return new SmtpReply(base.code(), base.enhanced(), List.of(base.text() + ", but " + String.join(", ", but)));
    }

    /**
     * The reply one recipient gets under LMTP: its own, except that a bounce becomes "250 2.5.0
     * Ok, id=..., BOUNCE" once the sender was told by a DSN (and a tempfail if that failed).
     */
    public static SmtpReply forRecipient(Recipient r, String logId, boolean rejectionsReported) {
        SmtpReply reply = r.reply();
        if (reply != null && r.bouncedByFilter() && reply.isPermanent()) {
            return rejectionsReported
                    ? SmtpReply.of(250, "2.5.0", "Ok, id=" + logId + ", BOUNCE")
                    : SmtpReply.of(451, "4.5.0", "id=" + logId + " - the bounce could not be sent: temporary failure");
        }
        return reply;
    }
}
