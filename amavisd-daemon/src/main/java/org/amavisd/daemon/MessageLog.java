package org.amavisd.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.ccat.Destiny;
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
        // like amavisd-new: a Passed line for the recipients that got the message, a Blocked line
        // for the rest, one line per category; the actions are the message's, on every line
        Map<String, List<Recipient>> lines = new LinkedHashMap<>();
        for (Recipient r : msg.recipients())
            lines.computeIfAbsent(outcome(r, msg), k -> new ArrayList<>()).add(r);
        String actions = actions(msg);
        lines.forEach((outcome, rs) -> log.info(line(msg, rs, outcome, actions)));
    }

    /** "Passed CLEAN", "Blocked BANNED (.exe,x.exe)", "Passed BAD-HEADER-7", "Blocked MTA-BLOCKED". */
    static String outcome(Recipient r, MessageContext msg) {
        boolean passed =
                r.destiny() == Destiny.PASS && r.reply() != null && r.reply().isPositive();
        Ccat c;
        if (r.destiny() != Destiny.PASS) c = r.contents().effective();
        else if (passed) c = r.contents().mainOrClean();
        else c = Ccat.of(ContentCategory.MTA);
        StringBuilder sb = new StringBuilder(passed ? "Passed " : "Blocked ").append(c.logName());
        if (c.major() == ContentCategory.BANNED && r.bannedReason() != null)
            sb.append(" (").append(r.bannedReason()).append(')');
        if (c.major() == ContentCategory.VIRUS)
            msg.attachment(VirusFindings.class)
                    .ifPresent(v -> sb.append(" (").append(v.joined()).append(')'));
        return sb.toString();
    }

    static String line(MessageContext msg, List<Recipient> recipients, String outcome) {
        return line(msg, recipients, outcome, actions(msg));
    }

    static String line(MessageContext msg, List<Recipient> recipients, String outcome, String actions) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(outcome).append(" {").append(actions).append("},");
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
        msg.attachment(Decisions.Quarantined.class)
                .ifPresent(q -> sb.append(", quarantine: ").append(String.join(", ", q.locations())));
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
    private static String actions(MessageContext msg) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        java.util.Set<Recipient> tagged = msg.attachment(Decisions.Edits.class)
                .map(Decisions.Edits::tagged)
                .orElse(java.util.Set.of());
        boolean allRejected = msg.recipients().stream()
                .allMatch(r -> r.reply() != null && r.reply().isPermanent() && r.destiny() != Destiny.BOUNCE);
        for (Recipient r : msg.recipients()) {
            SmtpReply reply = r.reply();
            String which;
            if (reply == null) which = "Unknown";
            else if (reply.isTransient()) which = "TempFailed";
            else if (r.destiny() == Destiny.DISCARD) which = "Discarded";
            else if (r.destiny() == Destiny.BOUNCE) which = reply.isPositive() ? "NoBounce" : "Bounced";
            else if (r.destiny() == Destiny.REJECT)
                which = !msg.session().isLmtp() && !allRejected ? "Bounced" : "Rejected";
            else if (reply.isPositive()) which = tagged.contains(r) ? "RelayedTagged" : "Relayed";
            else which = "Rejected";
            String dir = msg.originating()
                    ? (r.isLocal() ? "Internal" : "Outbound")
                    : (r.isLocal() ? "Inbound" : "OpenRelay");
            out.add(which + dir);
        }
        String s = String.join(",", out);
        return msg.attachment(Decisions.Quarantined.class).isPresent() ? s + ",Quarantined" : s;
    }
}
