package org.amavisd.daemon;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.amavisd.core.ccat.BlockedReply;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.dsn.DeliveryStatusNotification;
import org.amavisd.core.mail.HeaderEdits;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.ByCcat;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LookupKey;
import org.amavisd.quarantine.QuarantineException;
import org.amavisd.quarantine.QuarantineResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each recipient's destiny from its content categories and carries it out as far as the
 * filter can, as amavisd-new does: the categories are walked most important first, each with its
 * %final_destiny_maps_by_ccat entry and its %lovers_maps_by_ccat entry; the first category whose
 * destiny is not D_PASS, for a recipient who is not a lover of it, blocks. A blocked recipient's
 * copy is quarantined by the blocking category's method (%quarantine_method_by_ccat, to
 * %quarantine_to_maps_by_ccat) before it gets its reply: the file is synced to disk first, and if
 * that fails the whole message is tempfailed, so a discard never loses mail. Recipients who pass
 * get their header edits (X-Quarantine-ID, X-Amavis-Alert, the subject tag for local ones); the
 * relay stage sends one transaction per set of equal edits.
 */
final class Decisions implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(Decisions.class);

    private final PolicyBanks banks;
    private final MessageProcessor next;

    private final HeaderEditor editor;
    private final Quarantiner quarantiner;
    private final DestinyRules rules;

    Decisions(PolicyBanks banks, String myhostname, MessageProcessor next) {
        this.editor = new HeaderEditor(banks, myhostname);
        this.quarantiner = new Quarantiner(banks, myhostname);
        this.rules = new DestinyRules(banks);
        this.banks = banks;
        this.next = next;
    }

    /**
     * The header edits of each recipient that passes, for the relay stage, and the recipients whose
     * copy was tagged (a banned or virus alert, a subject tag: "RelayedTagged" in the log).
     */
    record Edits(Map<Recipient, HeaderEdits> byRecipient, Set<Recipient> tagged) {
        HeaderEdits of(Recipient r) {
            return byRecipient.getOrDefault(r, HeaderEdits.NONE);
        }
    }

    /** The quarantine copies written for a message (for the log line). */
    record Quarantined(List<String> locations) {}

    @Override
    public void process(MessageContext msg) throws Exception {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        Function<String, Optional<PerlValue>> settings = bank::get;
        Map<Recipient, SmtpReply> blocked = new LinkedHashMap<>();
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            Optional<DestinyRules.Block> b = rules.block(bank, r);
            if (b.isEmpty()) continue;
            Ccat blocking = b.get().ccat();
            if (!r.contents().contains(blocking)) r.contents().add(blocking);
            r.contents().setBlocking(blocking);
            r.setDestiny(b.get().destiny());
            blocked.put(r, reply(msg, bank, r, blocking, b.get().destiny()));
        }

        List<QuarantineResult> quarantined;
        try {
            // as amavisd-new: by each recipient's blocking or main category, passed or not (a bad
            // header passed by D_PASS is still quarantined when $bad_header_quarantine_method is set)
            quarantined = quarantiner.quarantine(
                    msg,
                    bank,
                    settings,
                    msg.recipients().stream().filter(r -> !r.isDone()).toList());
        } catch (QuarantineException e) {
            log.error("quarantine FAILED, the message is tempfailed: {}", e.getMessage());
            SmtpReply tf = SmtpReply.of(451, "4.5.0", "id=" + msg.logId() + " - quarantine FAILED: " + e.getMessage());
            for (Recipient r : msg.recipients()) if (!r.isDone()) r.doneByFilter(tf);
            return;
        }
        if (!quarantined.isEmpty()) {
            Path dir = Quarantiner.quarantineDir(bank);
            msg.attach(
                    Quarantined.class,
                    new Quarantined(quarantined.stream()
                            .map(q -> dir != null && q.path().startsWith(dir)
                                    ? dir.relativize(q.path()).toString()
                                    : q.path().toString())
                            .toList()));
        }
        blocked.forEach(Recipient::doneByFilter);

        msg.attach(Edits.class, editor.edits(msg, bank, !quarantined.isEmpty()));
        next.process(msg);
    }

    /** The blocked reply: %smtp_reason_by_ccat for the blocking category, expanded. */
    private SmtpReply reply(MessageContext msg, PolicyBank bank, Recipient r, Ccat blocking, Destiny d) {
        PerlValue reasons = bank.get("smtp_reason_by_ccat").orElse(PerlValue.UNDEF);
        String reason = ByCcat.first(List.of(blocking.key()), bank::get, reasons)
                .map(m -> m.value().asString())
                .orElse("id=%n");
        reason = expand(reason, msg, r);
        if (d == Destiny.BOUNCE
                && (!DeliveryStatusNotification.wanted(msg, r)
                        || (blocking.major() == ContentCategory.VIRUS && virusFakesSender(msg, bank))
                        || (blocking.major() == ContentCategory.SPAM
                                && SpamChecks.atOrAbove(banks, msg, bank, r, "spam_dsn_cutoff_level_maps")))) {
            return SmtpReply.of(250, "2.5.0", "Ok, id=" + msg.logId() + ", DISCARD(bounce.suppressed)");
        }
        return BlockedReply.of(d, blocking, reason, bank.isTrue("soft_bounce"));
    }

    /**
     * @viruses_that_fake_sender_maps, asked with each virus name: such viruses forge the sender,
     * so a bounce would go to an innocent party and is suppressed (by default for every virus).
     */
    private boolean virusFakesSender(MessageContext msg, PolicyBank bank) {
        List<String> names =
                msg.attachment(VirusFindings.class).map(VirusFindings::names).orElse(List.of());
        var chain = banks.chain(bank, "viruses_that_fake_sender_maps");
        for (String name : names) {
            if (chain.lookup(new LookupKey(name, "", true))
                    .map(PerlValue::isTrue)
                    .orElse(false)) return true;
        }
        return false;
    }

    /** The macros of the reply templates that are known at this point: %n, %i, %F, %V. */
    static String expand(String template, MessageContext msg, Recipient r) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 == template.length()) {
                out.append(c);
                continue;
            }
            char m = template.charAt(++i);
            switch (m) {
                case 'n' -> out.append(msg.logId());
                case 'i' -> out.append(msg.mailId().id());
                case 'F' -> out.append(r.bannedReason() == null ? "" : r.bannedReason());
                case 'V' ->
                    out.append(msg.attachment(VirusFindings.class)
                            .map(VirusFindings::joined)
                            .orElse(""));
                case '%' -> out.append('%');
                default -> out.append('%').append(m);
            }
        }
        return out.toString();
    }
}
