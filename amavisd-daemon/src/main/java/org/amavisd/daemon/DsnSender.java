package org.amavisd.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.amavisd.core.dsn.DeliveryStatusNotification;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.smtp.protocol.Xtext;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a non-delivery report to a message's sender through $notify_method, from the null
 * sender, as a message of its own relayed like any other (so the same client, PIPELINING and
 * timeouts apply). Its file lives in the message's work directory and goes with it.
 */
final class DsnSender {
    private static final Logger log = LoggerFactory.getLogger(DsnSender.class);

    private final String myhostname;
    private final ForwardMethod notifyMethod;
    private final SmtpRelayClient relay;

    DsnSender(String myhostname, ForwardMethod notifyMethod, SmtpRelayClient relay) {
        this.myhostname = myhostname;
        this.notifyMethod = notifyMethod;
        this.relay = relay;
    }

    /** True once the back end accepted the report. */
    boolean send(MessageContext msg, List<Recipient> failed) {
        if (notifyMethod == null) {
            log.warn("DSN: $notify_method is undef, no DSN sent to {}", msg.sender());
            return false;
        }
        Path file = msg.tempDir().resolve("dsn.txt");
        try {
            DeliveryStatusNotification.write(msg, failed, myhostname, file);
            Recipient to = GeneratedMail.send(
                    relay,
                    notifyMethod,
                    myhostname,
                    msg,
                    EmailAddress.NULL_SENDER,
                    msg.sender(),
                    "rfc822;" + Xtext.encode(msg.sender().address()), // the original recipient, as amavisd-new
                    file);
            if (to.reply().isPositive()) {
                log.info("DSN: sent to {} for {} rejected recipient(s), {}", msg.sender(), failed.size(), to.reply());
                return true;
            }
            log.warn("DSN: not accepted for {}: {}", msg.sender(), to.reply());
        } catch (IOException | RuntimeException e) {
            log.error("DSN: cannot send to {}: {}", msg.sender(), e.toString());
        }
        return false;
    }
}
