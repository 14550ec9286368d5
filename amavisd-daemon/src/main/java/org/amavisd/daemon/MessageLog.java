package org.amavisd.daemon;

import java.util.List;
import java.util.stream.Collectors;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageListener;
import org.amavisd.core.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per message, in amavisd-new's shape, so that existing log readers keep
 * working: "Passed CLEAN {RelayedInbound}, ORIG LOCAL [client]:port &lt;sender&gt; -&gt; &lt;rcpt&gt;,..., Queue-ID: ..,
 * Message-ID: .., mail_id: .., Hits: -, size: .., queued_as: .., N ms".
 */
final class MessageLog implements MessageListener {
    private static final Logger log = LoggerFactory.getLogger("amavisd.message");

    @Override
    public void messageDone(MessageContext msg, List<SmtpReply> sent, Throwable failure) {
        // like amavisd-new: a Passed line for the recipients that got the message, a Blocked line for the rest
        List<Recipient> passed = msg.recipients().stream()
                .filter(r -> r.reply() != null && r.reply().isPositive())
                .toList();
        List<Recipient> blocked = msg.recipients().stream()
                .filter(r -> r.reply() == null || !r.reply().isPositive())
                .toList();
        if (!passed.isEmpty()) log.info(line(msg, passed, "Passed CLEAN"));
        if (!blocked.isEmpty()) log.info(line(msg, blocked, "Blocked MTA-BLOCKED"));
    }

    static String line(MessageContext msg, List<Recipient> recipients, String outcome) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(outcome).append(" {").append(actions(msg, recipients)).append("},");
        // amavisd-new's template: ",[?%p|| %p][?%a||[?%l|| LOCAL] [:client_addr_port]]"
        if (!msg.policyBanks().isEmpty()) sb.append(' ').append(String.join("/", msg.policyBanks()));
        String client = msg.xforward().known("ADDR");
        if (client != null) {
            if (msg.originating()) sb.append(" LOCAL");
            sb.append(" [").append(client).append(']');
            String port = msg.xforward().known("PORT");
            if (port != null) sb.append(':').append(port);
        }
        sb.append(' ').append(msg.sender().bracketed()).append(" -> ");
        sb.append(recipients.stream().map(r -> r.address().bracketed()).collect(Collectors.joining(",")));
        String queueId = msg.xforward().known("IDENT");
        if (queueId != null) sb.append(", Queue-ID: ").append(queueId);
        if (msg.headers().messageId() != null)
            sb.append(", Message-ID: ").append(msg.headers().messageId());
        sb.append(", mail_id: ").append(msg.mailId().id());
        sb.append(", Hits: -");
        sb.append(", size: ").append(msg.size());
        String queuedAs = recipients.stream()
                .map(Recipient::queuedAs)
                .filter(q -> q != null)
                .distinct()
                .collect(Collectors.joining(","));
        if (!queuedAs.isEmpty()) sb.append(", queued_as: ").append(queuedAs);
        sb.append(", ").append(msg.elapsedMillis()).append(" ms");
        return sb.toString();
    }

    /**
     * What happened to each recipient and in which direction, as amavisd-new counts it:
     * Relayed / TempFailed / Rejected, then Inbound (to a local recipient from outside), Outbound
     * (originating, to elsewhere), Internal (originating, local) or OpenRelay (neither).
     */
    private static String actions(MessageContext msg, List<Recipient> recipients) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (Recipient r : recipients) {
            String which = r.reply() == null
                    ? "Unknown"
                    : r.reply().isPositive() ? "Relayed" : r.reply().isTransient() ? "TempFailed" : "Rejected";
            String dir = msg.originating()
                    ? (r.isLocal() ? "Internal" : "Outbound")
                    : (r.isLocal() ? "Inbound" : "OpenRelay");
            out.add(which + dir);
        }
        return String.join(",", out);
    }
}
