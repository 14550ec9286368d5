package org.amavisd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MailId;
import org.amavisd.core.mail.MailParams;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;

/**
 * Mail amavisd writes itself (DSNs, notifications), sent as a message of its own through
 * $notify_method with the same relay client, PIPELINING and timeouts as any other. Its file lives
 * in the original message's work directory and goes with it.
 */
final class GeneratedMail {
    private GeneratedMail() {}

    /**
     * Sends {@code file} from {@code from} to {@code to} (with DSN NOTIFY=NEVER: no report about a
     * report) and returns the recipient, settled with the back end's answer.
     */
    static Recipient send(
            SmtpRelayClient relay,
            ForwardMethod notifyMethod,
            MessageContext original,
            EmailAddress from,
            EmailAddress to,
            Path file)
            throws IOException {
        Recipient r = new Recipient(to, "NEVER", null);
        MessageContext mail = new MessageContext(
                MailId.generate(),
                original.logId(),
                original.session(),
                null,
                from,
                MailParams.NONE,
                List.of(r),
                original.tempDir(),
                file,
                Files.size(file),
                Instant.now(),
                System.nanoTime());
        relay.relay(notifyMethod, mail, List.of(r), new byte[0]);
        return r;
    }
}
