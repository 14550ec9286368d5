package org.amavisd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MailId;
import org.amavisd.core.mail.MailParams;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.smtp.protocol.Xtext;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;

/**
 * Mail amavisd writes itself (DSNs, notifications), sent as a message of its own through
 * $notify_method with the same relay client, PIPELINING and timeouts as any other. Its file lives
 * in the original message's work directory and goes with it.
 */
final class GeneratedMail {
    private GeneratedMail() {}

    private static final DateTimeFormatter ENVID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * Sends {@code file} from {@code from} to {@code to} and returns the recipient, settled with
     * the back end's answer. As amavisd-new sends such mail: MAIL with an ENVID naming this
     * transaction ({@code AM.<mail_id>.<UTC time>@<myhostname>}), RCPT without NOTIFY, so a
     * notification that cannot be delivered comes back to its envelope sender.
     *
     * @param orcpt the RCPT's ORCPT parameter ("rfc822;xtext"), or null for none
     */
    static Recipient send(
            SmtpRelayClient relay,
            ForwardMethod notifyMethod,
            String myhostname,
            MessageContext original,
            EmailAddress from,
            EmailAddress to,
            String orcpt,
            Path file)
            throws IOException {
        Recipient r = new Recipient(to, null, orcpt);
        MailId id = MailId.generate();
        Instant now = Instant.now();
        String envid = Xtext.encode("AM." + id.id() + "." + ENVID_TIME.format(now) + "@" + myhostname);
        MessageContext mail = new MessageContext(
                id,
                original.logId(),
                original.session(),
                null,
                from,
                new MailParams(null, null, false, null, envid),
                List.of(r),
                original.tempDir(),
                file,
                Files.size(file),
                now,
                System.nanoTime());
        relay.relay(notifyMethod, mail, List.of(r), new byte[0]);
        return r;
    }
}
