package org.amavisd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.ByCcat;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the administrators about mail the checks caught, as amavisd-new's admin notifications
 * do: each recipient's blocking (or main) category names, through %admin_maps_by_ccat
 * ($banned_admin, $bad_header_admin, $virus_admin ...), who is told; one notification goes to each
 * administrator, listing what was found and what became of every recipient. It is sent through
 * $notify_method from $mailfrom_notify_admin (the null sender when undefined), with
 * $hdrfrom_notify_admin in From. Its text follows the shape of amavisd-new's virus-admin
 * template; template files are not read yet. A notification that cannot be sent is logged and
 * does not affect the message.
 */
final class AdminNotifier {
    private static final Logger log = LoggerFactory.getLogger(AdminNotifier.class);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final PolicyBanks banks;
    private final String myhostname;
    private final ForwardMethod notifyMethod;
    private final SmtpRelayClient relay;

    AdminNotifier(PolicyBanks banks, String myhostname, ForwardMethod notifyMethod, SmtpRelayClient relay) {
        this.banks = banks;
        this.myhostname = myhostname;
        this.notifyMethod = notifyMethod;
        this.relay = relay;
    }

    /** Sends the notifications due for this message, if any. */
    void notifyAdmins(MessageContext msg) {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        PerlValue table = bank.get("admin_maps_by_ccat").orElse(PerlValue.UNDEF);
        if (!(table instanceof PerlValue.HashRef h)) return;
        Map<String, Ccat> admins = new LinkedHashMap<>();
        for (Recipient r : msg.recipients()) {
            Ccat c = r.contents().effective();
            if (c.major().number() <= ContentCategory.CLEAN.number()) continue;
            PerlValue raw = entry(h, c);
            if (raw == null) continue;
            PerlValue maps = ByCcat.resolve(raw, bank::get);
            if (!maps.isDefined()
                    || (maps instanceof PerlValue.ArrayRef a && a.elements().isEmpty())) continue;
            String name = ByCcat.accessorName(raw).orElse("admin_maps");
            Optional<PerlValue> found = banks.chainOf(name, maps)
                    .lookup(PolicyBanks.key(bank, r.address().address()));
            String admin = found.filter(PerlValue::isDefined)
                    .map(PerlValue::asString)
                    .orElse("")
                    .trim();
            if (admin.isEmpty()) continue;
            for (String a : admin.split("\\s*,\\s*")) {
                if (!a.isEmpty()) admins.merge(a, c, (x, y) -> x.compareTo(y) >= 0 ? x : y);
            }
        }
        admins.forEach((admin, ccat) -> send(msg, bank, admin, ccat));
    }

    private static PerlValue entry(PerlValue.HashRef h, Ccat c) {
        PerlValue v = h.entries().get(c.key());
        if (v == null) v = h.entries().get(Integer.toString(c.major().number()));
        if (v == null) v = h.entries().get(ByCcat.CATCHALL);
        return v;
    }

    private void send(MessageContext msg, PolicyBank bank, String admin, Ccat ccat) {
        String envelopeFrom = bank.get("mailfrom_notify_admin")
                .filter(PerlValue::isDefined)
                .map(PerlValue::asString)
                .orElse(null);
        String hdrFrom = bank.get("hdrfrom_notify_admin")
                .filter(PerlValue::isDefined)
                .map(PerlValue::asString)
                .orElse("\"Content-filter at ${myhostname_utf8}\" <postmaster@${myhostname_ascii}>")
                .replace("${myhostname_utf8}", myhostname)
                .replace("${myhostname_ascii}", myhostname);
        if (envelopeFrom == null) {
            // as amavisd-new: undefined $mailfrom_notify_admin means the address of $hdrfrom_notify_admin
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("<([^<>]*)>\\s*$").matcher(hdrFrom);
            envelopeFrom = m.find() ? m.group(1) : hdrFrom.trim();
        }
        if (notifyMethod == null) {
            log.info("NOTIFICATION: $notify_method is undef, admin {} not told of {}", admin, ccat.logName());
            return;
        }
        Path file = msg.tempDir().resolve("notify-admin-" + Math.abs(admin.hashCode()) + ".txt");
        try {
            Files.writeString(file, text(msg, admin, ccat, hdrFrom), StandardCharsets.UTF_8);
            Recipient to = GeneratedMail.send(
                    relay,
                    notifyMethod,
                    myhostname,
                    msg,
                    envelopeFrom.isEmpty() ? EmailAddress.NULL_SENDER : new EmailAddress(envelopeFrom),
                    new EmailAddress(admin.replaceAll("^<|>$", "")),
                    null,
                    file);
            if (to.reply().isPositive()) {
                log.info("NOTIFICATION: admin {} told of {}, {}", to.address().bracketed(), ccat.logName(), to.reply());
            } else {
                log.warn("NOTIFICATION: admin {} not accepted: {}", to.address().bracketed(), to.reply());
            }
        } catch (IOException | RuntimeException e) {
            log.error("NOTIFICATION: cannot notify admin {}: {}", admin, e.toString());
        }
    }

    /** The words of the subject for a category, as amavisd-new's admin template has them. */
    static String what(Ccat c, MessageContext msg) {
        String banned = Alerts.firstBannedReason(msg).orElse("");
        return switch (c.major()) {
            case VIRUS ->
                "VIRUS ("
                        + msg.attachment(VirusFindings.class)
                                .map(VirusFindings::joined)
                                .orElse("") + ") in mail";
            case BANNED -> "BANNED contents (" + banned + ") in mail";
            case UNCHECKED -> "UNCHECKED contents in mail";
            case SPAM -> "Spam";
            case SPAMMY -> "Spammy";
            case BAD_HEADER -> "INVALID HEADER in mail";
            case OVERSIZED -> "OVERSIZED mail";
            case MTA -> "MTA-blocked mail";
            default -> "Clean mail";
        };
    }

    String text(MessageContext msg, String admin, Ccat ccat, String hdrFrom) {
        String client = msg.clientAddress();
        String port = msg.xforward().known("ADDR") != null ? msg.xforward().known("PORT") : null;
        StringBuilder h = new StringBuilder(2048);
        line(h, "From: " + hdrFrom);
        line(h, "Date: " + ZonedDateTime.now(ZoneId.systemDefault()).format(DATE));
        line(
                h,
                "Subject: " + what(ccat, msg) + " FROM " + (msg.originating() ? "LOCAL " : "")
                        + (client != null ? "[" + client + "]" + (port != null ? ":" + port : "") + " " : "")
                        + msg.sender().bracketed());
        line(h, "To: " + (admin.contains("<") ? admin : "<" + admin + ">"));
        line(h, "Message-ID: <VA" + msg.mailId().id() + "@" + myhostname + ">");
        line(h, "MIME-Version: 1.0");
        line(h, "Content-Type: text/plain; charset=UTF-8");
        line(h, "Content-Transfer-Encoding: 8bit");
        line(h, "Auto-Submitted: auto-generated");
        line(h, "");
        List<String> viruses =
                msg.attachment(VirusFindings.class).map(VirusFindings::names).orElse(List.of());
        if (viruses.isEmpty()) line(h, "No viruses were found.");
        else if (viruses.size() == 1) line(h, "A virus was found: " + viruses.get(0));
        else line(h, viruses.size() + " viruses were found: " + String.join(", ", viruses));
        List<String> banned = msg.recipients().stream()
                .map(Recipient::bannedReason)
                .filter(s -> s != null && !s.isEmpty())
                .distinct()
                .toList();
        if (!banned.isEmpty())
            line(h, "Banned " + (banned.size() == 1 ? "name" : "names") + ": " + String.join(", ", banned));
        List<String> bad = Alerts.badHeaders(msg);
        if (!bad.isEmpty()) {
            line(h, "Bad header:");
            for (String b : bad) line(h, "  " + b);
        }
        line(h, "Content type: " + ccat.displayName());
        line(
                h,
                "Internal reference code for the message is " + msg.logId() + "/"
                        + msg.mailId().id());
        line(h, "");
        if (client != null) line(h, "First upstream SMTP client IP address: [" + client + "]");
        line(h, "");
        line(h, "Return-Path: " + msg.sender().bracketed());
        if (msg.headers().from() != null) line(h, "From: " + msg.headers().from());
        if (msg.headers().messageId() != null)
            line(h, "Message-ID: " + msg.headers().messageId());
        if (msg.headers().subject() != null) line(h, "Subject: " + msg.headers().subject());
        Optional<Decisions.Quarantined> q = msg.attachment(Decisions.Quarantined.class);
        line(
                h,
                q.map(x -> "The message has been quarantined as: " + String.join(", ", x.locations()))
                        .orElse("Not quarantined."));
        line(h, "");
        List<String> relayed = new ArrayList<>();
        List<String> notRelayed = new ArrayList<>();
        for (Recipient r : msg.recipients()) {
            boolean got = r.destiny() == Destiny.PASS
                    && r.reply() != null
                    && r.reply().isPositive();
            if (got) relayed.add(r.address().bracketed());
            else notRelayed.add(r.address().bracketed() + (r.reply() != null ? ": " + r.reply() : ""));
        }
        if (!relayed.isEmpty()) {
            line(h, "The message WILL BE relayed to:");
            relayed.forEach(x -> line(h, x));
            line(h, "");
        }
        if (!notRelayed.isEmpty()) {
            line(h, "The message WAS NOT relayed to:");
            notRelayed.forEach(x -> line(h, x));
        }
        return h.toString();
    }

    private static void line(StringBuilder h, String s) {
        h.append(s.replaceAll("[\\r\\n]+", " ")).append("\r\n");
    }
}
