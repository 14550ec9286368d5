package org.amavisd.daemon;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amavisd.core.dsn.DeliveryStatusNotification;
import org.amavisd.core.mail.HeaderEdits;
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
            // RFC 2822 as amavisd-new writes it: the day of the month padded with a blank ("Wed,  2 Dec")
            DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss Z (zzz)", Locale.ROOT);

    private final String myhostname;
    private final ForwardMethod forwardMethod;
    private final SmtpRelayClient relay;
    private final java.util.Map<String, ForwardMethod> parsed = new java.util.concurrent.ConcurrentHashMap<>();

    private final DsnSender dsn;

    private final AdminNotifier admins;
    private final DkimSigning signer;

    RelayingProcessor(String myhostname, ForwardMethod forwardMethod, SmtpRelayClient relay, DsnSender dsn) {
        this(myhostname, forwardMethod, relay, dsn, null, null);
    }

    /**
     * @param admins tells the administrators, or nobody when null
     * @param signer signs originating mail per recipient group ($enable_dkim_signing), or nothing when null
     */
    RelayingProcessor(
            String myhostname,
            ForwardMethod forwardMethod,
            SmtpRelayClient relay,
            DsnSender dsn,
            AdminNotifier admins,
            DkimSigning signer) {
        this.admins = admins;
        this.signer = signer;
        this.myhostname = myhostname;
        this.forwardMethod = forwardMethod;
        this.relay = relay;
        this.dsn = dsn;
    }

    @Override
    public void process(MessageContext msg) {
        List<Recipient> open =
                msg.recipients().stream().filter(r -> !r.isDone()).toList();
        Decisions.Edits edits = msg.attachment(Decisions.Edits.class).orElse(null);
        // recipients with the same header edits share a transaction, as in amavisd-new
        Map<HeaderEdits, List<Recipient>> groups = new LinkedHashMap<>();
        for (Recipient r : open) {
            HeaderEdits e = edits == null ? HeaderEdits.NONE : edits.of(r);
            groups.computeIfAbsent(e, k -> new ArrayList<>()).add(r);
        }
        long t0 = System.nanoTime();
        for (Map.Entry<HeaderEdits, List<Recipient>> g : groups.entrySet()) {
            byte[] prefix = receivedHeader(msg, g.getValue()).getBytes(StandardCharsets.UTF_8);
            HeaderEdits edits1 = signer == null ? g.getKey() : signer.sign(msg, g.getKey(), prefix);
            relay.relay(forwardMethod(msg), msg, g.getValue(), prefix, edits1);
        }
        Timing.of(msg).since("relay", t0);
        boolean anyTempfailed = msg.recipients().stream()
                .anyMatch(r -> r.reply() != null && r.reply().isTransient());
        reportFailures(msg, anyTempfailed);
        if (admins != null && !anyTempfailed)
            admins.notifyAdmins(msg); // not for a message that is tempfailed and comes again
    }

    /**
     * Tells the sender about the recipients that will not get the message and whose failure the
     * front MTA does not see, as amavisd-new does, with one DSN: bounced recipients (D_BOUNCE)
     * always; under SMTP also the rejected ones (by the back end or by our D_REJECT) when the
     * single reply cannot be a rejection because other recipients were served. If the report
     * cannot be sent, the message is tempfailed instead (the recipients already served may then
     * get it twice, but no failure goes unreported).
     */
    private void reportFailures(MessageContext msg, boolean anyTempfailed) {
        boolean lmtp = msg.session().isLmtp();
        if (!lmtp && anyTempfailed) {
            return; // the whole message is tempfailed and comes again: report nothing now
        }
        boolean allRejected = msg.recipients().stream()
                .allMatch(r -> r.reply() != null && r.reply().isPermanent() && !r.bouncedByFilter());
        List<Recipient> failed = msg.recipients().stream()
                .filter(r -> r.reply() != null && r.reply().isPermanent())
                .filter(r -> r.bouncedByFilter() || (!lmtp && !allRejected))
                .toList();
        if (failed.isEmpty()) {
            msg.setRejectionsReported(true);
            return;
        }
        List<Recipient> due = failed.stream()
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
        return receivedHeader(myhostname, msg, recipients);
    }

    static String receivedHeader(String myhostname, MessageContext msg, List<Recipient> recipients) {
        var s = msg.session();
        String helo =
                s.helo() == null || s.helo().isEmpty() ? "unknown" : s.helo().replaceAll("[^\\x21-\\x7e]", "?");
        // as amavisd-new: "by" names our HELO name ($localhost_name) and, in the comment, our
        // host name and the address the message came in on; LF marks where the field may fold
        StringBuilder v = new StringBuilder("from ").append(helo);
        String client = ipLiteral(s.peerAddress());
        if (!client.isEmpty()) v.append(" ([").append(client).append("])");
        v.append("\n by ").append(localhostName(msg));
        String local = ipLiteral(s.localAddress());
        if (!local.isEmpty())
            v.append(" (").append(myhostname).append(" [").append(local).append("])");
        String product = msg.attachment(org.amavisd.policy.bank.PolicyBank.class)
                .flatMap(b -> b.get("myproduct_name"))
                .map(PerlValue::asString)
                .filter(x -> !x.isEmpty())
                .orElse("amavis");
        v.append(" (").append(product).append(", port ").append(s.localPort()).append(')');
        String proto = s.protocol() == null ? "SMTP" : s.protocol();
        if (proto.matches("(?i)SMTP|(ES|L|UTF8S|UTF8L)MTPS?A?"))
            v.append("\n with ").append(proto);
        v.append("\n id ").append(msg.mailId().id());
        if (recipients.size() == 1)
            v.append("\n for ").append(recipients.get(0).address().bracketed());
        v.append(";\n ")
                .append(ZonedDateTime.ofInstant(msg.receivedAt(), ZoneId.systemDefault())
                        .format(DATE));
        return HeaderEdits.foldAtMarks("Received", v.toString()) + "\r\n";
    }

    /** An address as a literal: IPv6 ones get the "IPv6:" prefix of RFC 5321. */
    private static String ipLiteral(String addr) {
        if (addr == null || addr.isEmpty()) return "";
        String a = addr.startsWith("/") ? addr.substring(1) : addr;
        if (a.startsWith("[") && a.endsWith("]")) a = a.substring(1, a.length() - 1);
        return a.matches("(?i).*:[0-9a-f]*:.*") && !a.startsWith("IPv6:") ? "IPv6:" + a : a;
    }

    private static String localhostName(MessageContext msg) {
        return msg.attachment(org.amavisd.policy.bank.PolicyBank.class)
                .flatMap(b -> b.get("localhost_name"))
                .map(PerlValue::asString)
                .filter(x -> !x.isEmpty())
                .orElse("localhost");
    }
}
