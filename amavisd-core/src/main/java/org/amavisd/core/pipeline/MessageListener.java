package org.amavisd.core.pipeline;

import java.util.List;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.smtp.SmtpReply;

/** Told about every message once its replies have gone to the front MTA: the log line, statistics. */
@FunctionalInterface
public interface MessageListener {
    /**
     * @param sent the replies sent after DATA (one under SMTP, one per recipient under LMTP)
     * @param failure what went wrong inside the filter, or null
     */
    void messageDone(MessageContext message, List<SmtpReply> sent, Throwable failure);

    MessageListener NONE = (m, s, f) -> {};
}
