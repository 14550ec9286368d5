package org.amavisd.core.smtp;

import java.util.List;
import org.amavisd.core.mail.Recipient;

/**
 * Folds per-recipient outcomes into the single reply an SMTP client gets after DATA, the way
 * amavisd-new folds them: a tempfail anywhere wins (the front MTA retries and nothing is lost);
 * all rejected gives the (preferably the MTA's own) 5xx; all accepted gives the MTA's 250.
 *
 * <p>A mix of accepted and rejected recipients needs a DSN for the rejected ones. Until DSNs
 * exist the relay avoids the mix where it can (it aborts before DATA when the back end rejects
 * some RCPTs), and where it cannot (an LMTP back end) the whole message is tempfailed: a
 * duplicate delivery is better than a silently dropped rejection.
 */
public final class ReplyFolding {
    private ReplyFolding() {}

    public static SmtpReply oneForAll(List<Recipient> recipients, String logId) {
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
        int rejected = 0;
        for (Recipient r : recipients) {
            SmtpReply reply = r.reply();
            if (reply.isPermanent()) {
                rejected++;
                // prefer the back end's genuine reject over one of our own, as amavisd-new does
                if (r.done() == Recipient.Done.BY_MTA) {
                    if (rejectByMta == null) rejectByMta = reply;
                } else if (rejectByFilter == null) {
                    rejectByFilter = reply;
                }
            } else if (accept == null) {
                accept = reply;
            }
        }
        SmtpReply reject = rejectByMta != null ? rejectByMta : rejectByFilter;
        if (rejected == recipients.size()) return reject;
        if (rejected == 0) return accept;
        return SmtpReply.of(451, "4.5.0", "id=" + logId + " - " + (recipients.size() - rejected)
                + " recipient(s) accepted but " + rejected + " rejected by the back end;"
                + " temporary failure until DSN generation is available");
    }
}
