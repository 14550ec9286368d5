package org.amavisd.daemon;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.amavisd.core.dsn.DeliveryStatusNotification;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;

/**
 * The pipeline as it stands: no checks yet, every recipient relayed to $forward_method with the
 * Received header amavisd-new adds. Later stages (decode, scan, decide) run before the relay
 * and settle some recipients themselves; only those still open are relayed.
 */
final class RelayingProcessor implements MessageProcessor {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z (zzz)", Locale.ROOT);

    private final String myhostname;
    private final ForwardMethod forwardMethod;
    private final SmtpRelayClient relay;
    private final java.util.Map<String, ForwardMethod> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    private final DsnSender dsn;

    RelayingProcessor(String myhostname, ForwardMethod forwardMethod, SmtpRelayClient relay, DsnSender dsn) {
        this.myhostname = myhostname;
        this.forwardMethod = forwardMethod;
        this.relay = relay;
        this.dsn = dsn;
    }

    @Override
    public void process(MessageContext msg) {
        List<Recipient> open =
                msg.recipients().stream().filter(r -> !r.isDone()).toList();
        if (open.isEmpty()) return;
        byte[] prefix = receivedHeader(msg, open).getBytes(StandardCharsets.UTF_8);
        relay.relay(forwardMethod(msg), msg, open, prefix);
        if (!msg.session().isLmtp()) reportRejections(msg);
    }

    /**
     * Under SMTP the front MTA gets one reply. When the back end rejected some recipients and
     * accepted others, amavisd-new answers 250 and reports the rejected ones to the sender itself;
     * so do we. If the report cannot be sent, the message is tempfailed instead (the recipients
     * already served may then get it twice, but no rejection goes unreported).
     */
    private void reportRejections(MessageContext msg) {
        List<Recipient> rejected = msg.recipients().stream()
                .filter(r -> r.done() == Recipient.Done.BY_MTA && r.reply().isPermanent())
                .toList();
        boolean anyAccepted = msg.recipients().stream()
                .anyMatch(r -> r.reply() != null && r.reply().isPositive());
        if (rejected.isEmpty() || !anyAccepted) return; // all rejected: the front MTA bounces it itself
        List<Recipient> due = rejected.stream()
                .filter(r -> DeliveryStatusNotification.wanted(msg, r))
                .toList();
        msg.setRejectionsReported(due.isEmpty() || dsn.send(msg, due));
    }

    /** The message's policy bank may send it elsewhere ($forward_method in a bank); checked at load time. */
    private ForwardMethod forwardMethod(MessageContext msg) {
        String spec = msg.attachment(PolicyBank.class)
                .flatMap(b -> b.get("forward_method"))
                .map(PerlValue::asString)
                .orElse(null);
        if (spec == null || spec.equals(forwardMethod.toString())) return forwardMethod;
        return parsed.computeIfAbsent(spec, ForwardMethod::parse);
    }

    /**
     * "Received: from HELO ([IP]) by HOST (amavis, port N) with ESMTP id MAIL_ID for &lt;rcpt&gt;; DATE",
     * naming the front MTA that handed the message over, folded as amavisd-new folds it.
     */
    String receivedHeader(MessageContext msg, List<Recipient> recipients) {
        var s = msg.session();
        StringBuilder h = new StringBuilder("Received: from ");
        String helo = s.helo() == null ? "unknown" : s.helo().replaceAll("[^\\x21-\\x7e]", "?");
        h.append(helo).append(" ([").append(s.peerAddress()).append("])\r\n");
        h.append("\tby ")
                .append(myhostname)
                .append(" (amavis, port ")
                .append(s.localPort())
                .append(") with ")
                .append(s.protocol() == null ? "SMTP" : s.protocol())
                .append("\r\n");
        h.append("\tid ").append(msg.mailId().id());
        if (recipients.size() == 1)
            h.append(" for ").append(recipients.get(0).address().bracketed());
        h.append(";\r\n\t")
                .append(ZonedDateTime.ofInstant(msg.receivedAt(), ZoneId.systemDefault())
                        .format(DATE))
                .append("\r\n");
        return h.toString();
    }
}
