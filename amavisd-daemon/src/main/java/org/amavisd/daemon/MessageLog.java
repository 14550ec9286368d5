package org.amavisd.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.CcatList;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageListener;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.policy.net.IpAcl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one log line per message, in amavisd-new's shape, so that existing log readers keep
 * working: "Passed CLEAN {RelayedInbound}, ORIG LOCAL [client]:port &lt;sender&gt; -&gt; &lt;rcpt&gt;,..., Queue-ID: ..,
 * Message-ID: .., mail_id: .., Hits: -, size: .., queued_as: .., N ms".
 */
final class MessageLog implements MessageListener {
    private static final Logger log = LoggerFactory.getLogger("amavisd.message");
    private static final Logger timing = LoggerFactory.getLogger("amavisd.timing");
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)$");
    /** Global unicast addresses: not loopback, link-local, private, shared (CGN), multicast or reserved. */
    private static final IpAcl PUBLIC_NETWORKS = IpAcl.parse(List.of(
            "!127.0.0.0/8",
            "!::1",
            "!0.0.0.0/8",
            "!::",
            "!169.254.0.0/16",
            "!fe80::/10",
            "!10.0.0.0/8",
            "!172.16.0.0/12",
            "!192.168.0.0/16",
            "!fc00::/7",
            "!100.64.0.0/10",
            "!240.0.0.0/4",
            "!224.0.0.0/4",
            "!ff00::/8",
            "0.0.0.0/0",
            "::/0"));

    @Override
    public void messageDone(MessageContext msg, List<SmtpReply> sent, Throwable failure) {
        // as amavisd-new's log template: one Passed line for the recipients that got the message,
        // with the message's main category, then one Blocked line for the others, with the
        // message's blocking category; the actions are the message's, on both
        List<Recipient> passed = new ArrayList<>();
        List<Recipient> blocked = new ArrayList<>();
        for (Recipient r : msg.recipients()) {
            boolean got = r.destiny() == Destiny.PASS
                    && r.reply() != null
                    && r.reply().isPositive();
            (got ? passed : blocked).add(r);
        }
        CcatList ccats = messageCategories(msg);
        String actions = actions(msg);
        if (!passed.isEmpty()) log.info(line(msg, passed, "Passed " + word(ccats.mainOrClean(), msg), actions));
        if (!blocked.isEmpty()) {
            Ccat b = blockingCategory(msg).orElse(ccats.mainOrClean());
            log.info(line(msg, blocked, "Blocked " + word(b, msg), actions));
        }
        if (timing.isDebugEnabled()) // $log_level 2 and up, as amavisd-new's TIMING line
        timing.debug("size: {}, {}", msg.size(), Timing.of(msg).line(msg.elapsedMillis()));
    }

    /**
     * The message's categories: what the checks found for the message as a whole (also what
     * bypassed recipients were spared) and every recipient's, as amavisd-new's message-level list.
     */
    static CcatList messageCategories(MessageContext msg) {
        CcatList all = new CcatList();
        all.add(ContentCategory.CLEAN);
        msg.attachment(ContentChecks.Findings.class)
                .ifPresent(f -> f.messageCategories().forEach(all::add));
        for (Recipient r : msg.recipients()) r.contents().entries().forEach(all::add);
        return all;
    }

    /**
     * The most important of the recipients' blocking categories; failing that, CC_MTA when a
     * recipient that was to get the message did not (minor 1 for a tempfail, 2 for a rejection).
     */
    static Optional<Ccat> blockingCategory(MessageContext msg) {
        Optional<Ccat> b = msg.recipients().stream()
                .map(r -> r.contents().blocking())
                .flatMap(Optional::stream)
                .max(Ccat::compareTo);
        if (b.isPresent()) return b;
        return msg.recipients().stream()
                .filter(r -> r.destiny() == Destiny.PASS
                        && r.reply() != null
                        && !r.reply().isPositive())
                .findFirst()
                .map(r -> Ccat.of(
                        ContentCategory.MTA,
                        r.reply().isTransient() ? ContentCategory.MTA_TEMPFAIL : ContentCategory.MTA_REJECTED));
    }

    /** "CLEAN", "BANNED (.exe,x.exe)", "BAD-HEADER-7", "MTA-BLOCKED", "INFECTED (Eicar-Test-Signature)". */
    static String word(Ccat c, MessageContext msg) {
        StringBuilder sb = new StringBuilder(c.logName());
        if (c.major() == ContentCategory.BANNED) {
            Alerts.firstBannedReason(msg)
                    .ifPresent(x -> sb.append(" (").append(x).append(')'));
        }
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
        // the original client from XFORWARD, else the connecting one (without its port), as amavisd-new
        String client = msg.clientAddress();
        if (client != null && !client.isEmpty()) {
            if (msg.originating()) sb.append(" LOCAL");
            sb.append(" [").append(client).append(']');
            String port = msg.xforward().known("ADDR") != null ? msg.xforward().known("PORT") : null;
            if (port != null) sb.append(':').append(port);
        }
        String originator = originatorIp(msg);
        if (originator != null) sb.append(" [").append(originator).append(']');
        sb.append(' ').append(msg.sender().bracketed()).append(" -> ");
        sb.append(recipients.stream().map(r -> r.address().bracketed()).collect(Collectors.joining(",")));
        msg.attachment(Decisions.Quarantined.class)
                .ifPresent(q -> sb.append(", quarantine: ").append(String.join(", ", q.locations())));
        String queueId = msg.xforward().known("IDENT");
        if (queueId != null) sb.append(", Queue-ID: ").append(queueId);
        if (msg.headers().messageId() != null)
            sb.append(", Message-ID: ").append(msg.headers().messageId());
        sb.append(", mail_id: ").append(msg.mailId().id());
        // the spam level ("-" when no spam check gave one), as amavisd-new's [:SCORE]
        sb.append(", Hits: ")
                .append(msg.attachment(SpamChecks.SpamFindings.class)
                        .flatMap(f -> recipients.stream()
                                .map(f::of)
                                .flatMap(java.util.Optional::stream)
                                .map(SpamChecks.RecipientSpam::level)
                                .filter(java.util.Objects::nonNull)
                                .findFirst())
                        .map(SpamFormat::number)
                        .orElse("-"));
        sb.append(", size: ").append(msg.size());
        // the back end's replies for this line's recipients, each shortened to its queue id when it
        // ends in one, as amavisd-new's template writes remote_mta_smtp_response
        String queuedAs = recipients.stream()
                .map(Recipient::remoteMtaResponse)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .map(MessageLog::queueIdOrReply)
                .collect(Collectors.joining("/"));
        if (!queuedAs.isEmpty()) sb.append(", queued_as: ").append(queuedAs);
        sb.append(", ").append(msg.elapsedMillis()).append(" ms");
        return sb.toString();
    }

    static String queueIdOrReply(String response) {
        Matcher m = QUEUED_AS.matcher(response);
        return m.find() ? m.group(1) : response;
    }

    /**
     * The oldest public IP address of the message's path (amavisd-new's %e): the last public one
     * of the connecting MTA, the original client and the Received fields' clients, top down.
     */
    static String originatorIp(MessageContext msg) {
        String oldest = null;
        if (PUBLIC_NETWORKS.matches(msg.session().peerAddress()))
            oldest = msg.session().peerAddress();
        String client = msg.xforward().known("ADDR");
        if (client != null && PUBLIC_NETWORKS.matches(client)) oldest = client.replaceFirst("(?i)^IPv6:", "");
        for (String ip : msg.headers().receivedIps()) if (PUBLIC_NETWORKS.matches(ip)) oldest = ip;
        return oldest;
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
            else if (reply.isPositive()) which = tagged.contains(r) ? "RelayedTagged" : "RelayedUntagged";
            else which = "Rejected";
            String dir = msg.originating()
                    ? (r.isLocal() ? "Internal" : "Outbound")
                    : (r.isLocal() ? "Inbound" : "OpenRelay");
            out.add(which + dir);
        }
        // sorted on amavisd-new's internal names, in which an untagged relay is "RelayedUntagged"
        String s = String.join(",", out).replace("RelayedUntagged", "Relayed");
        return msg.attachment(Decisions.Quarantined.class).isPresent() ? s + ",Quarantined" : s;
    }
}
