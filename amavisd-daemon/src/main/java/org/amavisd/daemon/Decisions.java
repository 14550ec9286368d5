package org.amavisd.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
import org.amavisd.quarantine.QuarantineMethod;
import org.amavisd.quarantine.QuarantineResult;
import org.amavisd.quarantine.local.LocalQuarantine;
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
    private final String myhostname;
    private final MessageProcessor next;

    Decisions(PolicyBanks banks, String myhostname, MessageProcessor next) {
        this.banks = banks;
        this.myhostname = myhostname;
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
        PerlValue fdTable = bank.get("final_destiny_maps_by_ccat").orElse(PerlValue.UNDEF);
        PerlValue loversTable = bank.get("lovers_maps_by_ccat").orElse(PerlValue.UNDEF);
        Map<Recipient, SmtpReply> blocked = new LinkedHashMap<>();
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            LookupKey key = PolicyBanks.key(bank, r.address().address());
            List<String> ccats = r.contents().entries().stream().map(Ccat::key).toList();
            for (ByCcat.Match m : ByCcat.all(ccats, settings, fdTable)) {
                Optional<Destiny> fd = destiny(m.value(), key);
                if (fd.isEmpty() || fd.get() == Destiny.PASS) continue;
                if (isLover(loversTable, m.ccat(), settings, key)) {
                    log.debug("{}: lover of {}, passes", r, m.ccat());
                    continue;
                }
                Ccat blocking = Ccat.parse(m.ccat());
                if (blocking.major() == ContentCategory.CATCHALL)
                    blocking = r.contents().mainOrClean();
                if (!r.contents().contains(blocking)) r.contents().add(blocking);
                r.contents().setBlocking(blocking);
                r.setDestiny(fd.get());
                blocked.put(r, reply(msg, bank, r, blocking, fd.get()));
                break;
            }
        }

        List<QuarantineResult> quarantined;
        try {
            // as amavisd-new: by each recipient's blocking or main category, passed or not (a bad
            // header passed by D_PASS is still quarantined when $bad_header_quarantine_method is set)
            quarantined = quarantine(
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
            Path dir = quarantineDir(bank);
            msg.attach(
                    Quarantined.class,
                    new Quarantined(quarantined.stream()
                            .map(q -> dir != null && q.path().startsWith(dir)
                                    ? dir.relativize(q.path()).toString()
                                    : q.path().toString())
                            .toList()));
        }
        blocked.forEach(Recipient::doneByFilter);

        Map<Recipient, HeaderEdits> edits = new LinkedHashMap<>();
        Set<Recipient> taggedRecipients = new HashSet<>();
        PerlValue subjectTags = bank.get("subject_tag_maps_by_ccat").orElse(PerlValue.UNDEF);
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            // X-Amavis-Hold: only our own, with the reason decoding stopped early
            HeaderEdits e = HeaderEdits.NONE.withDeleted("X-Amavis-Hold");
            String hold = msg.attachment(ContentChecks.Findings.class)
                    .map(ContentChecks.Findings::hold)
                    .orElse(null);
            if (hold != null) e = e.withPrepended("X-Amavis-Hold", hold);
            boolean tagged = false;
            if (!quarantined.isEmpty() && r.isLocal())
                e = e.withPrepended("X-Quarantine-ID", "<" + msg.mailId().id() + ">");
            Optional<VirusFindings> virus = msg.attachment(VirusFindings.class);
            if (virus.isPresent() && addsVirusScanned(bank, r)) {
                e = e.withPrepended(
                        bank.get("X_HEADER_TAG").map(PerlValue::asString).orElse("X-Virus-Scanned"),
                        bank.get("X_HEADER_LINE").map(PerlValue::asString).orElse(""));
            }
            if (r.contents().contains(ContentCategory.VIRUS) && virus.isPresent()) {
                e = e.withPrepended(
                        "X-Amavis-Alert",
                        "INFECTED, message contains virus: " + virus.get().joined());
                tagged = true;
            }
            if (r.contents().contains(ContentCategory.BANNED) && r.bannedReason() != null) {
                e = e.withPrepended("X-Amavis-Alert", "BANNED, message contains " + r.bannedReason());
                tagged = true;
            }
            if (r.contents().contains(ContentCategory.BAD_HEADER)) {
                List<String> problems = msg.attachment(ContentChecks.Findings.class)
                        .map(ContentChecks.Findings::badHeaders)
                        .orElse(List.of());
                if (!problems.isEmpty())
                    e = e.withPrepended("X-Amavis-Alert", "BAD HEADER SECTION, " + problems.get(0));
            }
            Optional<SpamChecks.SpamFindings> spam = msg.attachment(SpamChecks.SpamFindings.class);
            if (spam.isPresent()) {
                if (banks.chain(bank, "remove_existing_spam_headers_maps")
                        .isTrue(PolicyBanks.key(bank, r.address().address()))) {
                    for (String f : SPAM_FIELDS) e = e.withDeleted(f);
                }
                Optional<SpamChecks.RecipientSpam> rs = spam.get().of(r);
                if (r.isLocal() && rs.isPresent() && rs.get().tag()) {
                    e = spamHeaders(e, rs.get(), bank);
                    if (rs.get().tag2()) tagged = true;
                }
            }
            var dkim = msg.attachment(org.amavisd.dkim.VerificationResult.class);
            if (dkim.isPresent()) {
                String authserv = org.amavisd.dkim.AuthenticationResults.authservId(
                        bank.get("myauthservid").map(PerlValue::asString).orElse(null), myhostname);
                e = e.withForeignClaimsRemoved(authserv);
                if (r.isLocal()) {
                    String ar = org.amavisd.dkim.AuthenticationResults.field(
                            authserv, dkim.get().signatures(), true, false);
                    if (ar != null) e = e.withPrependedField(ar);
                }
            }
            if (r.isLocal()) {
                String tag = subjectTag(subjectTags, r, settings, bank);
                if (tag != null && !tag.isEmpty()) {
                    e = e.withSubjectTag(tag);
                    tagged = true;
                }
                if (addressExtension(bank, settings, r)) tagged = true;
            }
            if (tagged) taggedRecipients.add(r);
            edits.put(r, e);
        }
        msg.attach(Edits.class, new Edits(edits, taggedRecipients));
        next.process(msg);
    }

    /** Whether the recipient's spam level is at or above the cutoff its maps give (false without either). */
    private boolean atOrAbove(MessageContext msg, PolicyBank bank, Recipient r, String maps) {
        Double level = msg.attachment(SpamChecks.SpamFindings.class)
                .flatMap(f -> f.of(r))
                .map(SpamChecks.RecipientSpam::level)
                .orElse(null);
        if (level == null) return false;
        Optional<PerlValue> cutoff = banks.chain(bank, maps)
                .lookup(PolicyBanks.key(bank, r.address().address()))
                .filter(PerlValue::isDefined);
        if (cutoff.isEmpty()) return false;
        try {
            return level >= Double.parseDouble(cutoff.get().asString().trim());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final List<String> SPAM_FIELDS = List.of(
            "X-Spam-Status",
            "X-Spam-Level",
            "X-Spam-Flag",
            "X-Spam-Score",
            "X-Spam-Report",
            "X-Spam-Checker-Version",
            "X-Spam-Tests");

    /**
     * The spam header fields of a local recipient at or above its tag level, as amavisd-new writes
     * them: X-Spam-Flag, X-Spam-Score, X-Spam-Level (a bar of $sa_spam_level_char, at most 64) and
     * X-Spam-Status, folded where amavisd-new folds it.
     */
    private static HeaderEdits spamHeaders(HeaderEdits e, SpamChecks.RecipientSpam rs, PolicyBank bank) {
        Double level = rs.level();
        double score = level == null ? 0 : level;
        if (rs.blacklisted()) score = Math.max(64, score);
        if (rs.whitelisted()) score = Math.min(0, score);
        e = e.withPrepended("X-Spam-Flag", rs.tag2() ? "YES" : "NO");
        e = e.withPrepended("X-Spam-Score", SpamFormat.number(score));
        String slc = bank.get("sa_spam_level_char").map(PerlValue::asString).orElse("*");
        if (!slc.isEmpty()) {
            double bar = rs.whitelisted() || rs.bypassed()
                    ? 0
                    : rs.blacklisted() ? 64 : level == null ? 0 : Math.min(64, level);
            e = e.withPrepended("X-Spam-Level", bar < 1 ? "" : slc.repeat((int) bar));
        }
        StringBuilder st = new StringBuilder();
        st.append(rs.tag2() ? "Yes" : "No").append(",\n score=").append(level == null ? "x" : SpamFormat.number(level));
        st.append("\n ");
        if (rs.tagLevel() != null)
            st.append("tagged_above=").append(SpamFormat.number(rs.tagLevel())).append("\n ");
        if (rs.tag2Level() != null)
            st.append("required=").append(SpamFormat.number(rs.tag2Level())).append("\n ");
        if (rs.blacklisted()) st.append("BLACKLISTED\n ");
        if (rs.whitelisted()) st.append("WHITELISTED\n ");
        List<String> tests = rs.tests().isEmpty()
                ? List.of()
                : java.util.Arrays.asList(String.join(",", rs.tests()).split(","));
        // amavisd-new lets the field fold after any comma of the tests
        st.append("tests=[").append(String.join(",\n ", tests)).append("]\n autolearn=unavailable");
        return e.withPrependedFolded("X-Spam-Status", st.toString());
    }

    /**
     * X-Virus-Scanned ($X_HEADER_TAG: $X_HEADER_LINE) goes on a copy when a virus scanner ran, the
     * recipient does not bypass virus checks, and the field name is a valid one with a non-empty
     * value, as in amavisd-new.
     */
    private boolean addsVirusScanned(PolicyBank bank, Recipient r) {
        String tag = bank.get("X_HEADER_TAG").map(PerlValue::asString).orElse("");
        String line = bank.get("X_HEADER_LINE").map(PerlValue::asString).orElse("");
        if (!tag.matches("[!-9;-~]+") || line.isEmpty()) return false;
        return !banks.chain(bank, "bypass_virus_checks_maps")
                .isTrue(PolicyBanks.key(bank, r.address().address()));
    }

    /** A destiny value: a number, or a maps list asked with the recipient's address. */
    private Optional<Destiny> destiny(PerlValue v, LookupKey key) {
        PerlValue x = v;
        if (v instanceof PerlValue.ArrayRef || v instanceof PerlValue.HashRef || v instanceof PerlValue.RegexTable)
            x = banks.chainOf("final_destiny_maps", v).lookup(key).orElse(PerlValue.UNDEF);
        if (!x.isDefined() || x.asString().isBlank()) return Optional.empty();
        try {
            return Optional.of(Destiny.of((int) Double.parseDouble(x.asString().trim())));
        } catch (IllegalArgumentException e) {
            log.warn("final destiny '{}' is not a D_* value; D_PASS assumed", x.asString());
            return Optional.of(Destiny.PASS);
        }
    }

    private boolean isLover(
            PerlValue loversTable, String ccat, Function<String, Optional<PerlValue>> settings, LookupKey key) {
        if (!(loversTable instanceof PerlValue.HashRef h)) return false;
        PerlValue raw = h.entries().get(ccat);
        if (raw == null)
            raw = h.entries().get(Integer.toString(Ccat.parse(ccat).major().number()));
        if (raw == null) return false;
        String name = ByCcat.accessorName(raw).orElse("lovers_maps");
        PerlValue maps = ByCcat.resolve(raw, settings);
        if (!maps.isDefined()
                || (maps instanceof PerlValue.ArrayRef a && a.elements().isEmpty())) return false;
        return banks.chainOf(name, maps).isTrue(key);
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
                                && atOrAbove(msg, bank, r, "spam_dsn_cutoff_level_maps")))) {
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

    private static Path quarantineDir(PolicyBank bank) {
        return bank.get("QUARANTINEDIR")
                .filter(v -> v.isDefined() && !v.asString().isBlank())
                .map(v -> Path.of(v.asString()))
                .orElse(null);
    }

    /** One copy per quarantine method, for the blocked recipients whose quarantine_to is set. */
    private List<QuarantineResult> quarantine(
            MessageContext msg,
            PolicyBank bank,
            Function<String, Optional<PerlValue>> settings,
            Iterable<Recipient> recipients)
            throws QuarantineException {
        PerlValue methods = bank.get("quarantine_method_by_ccat").orElse(PerlValue.UNDEF);
        PerlValue toMaps = bank.get("quarantine_to_maps_by_ccat").orElse(PerlValue.UNDEF);
        Map<String, List<String>> byMethod = new LinkedHashMap<>();
        Map<String, String> ccatOf = new LinkedHashMap<>();
        for (Recipient r : recipients) {
            Ccat b = r.contents().effective();
            String method = r.contents()
                    .setting(asCcatMap(methods, settings))
                    .map(PerlValue::asString)
                    .orElse("");
            if (method.isBlank()) continue;
            if (b.major() == ContentCategory.SPAM && atOrAbove(msg, bank, r, "spam_quarantine_cutoff_level_maps"))
                continue; // spam beyond $sa_quarantine_cutoff_level is not worth keeping
            PerlValue to = r.contents().setting(asCcatMap(toMaps, settings)).orElse(PerlValue.UNDEF);
            String q = to.isDefined()
                    ? banks.chainOf(ByCcat.accessorName(rawEntry(toMaps, b)).orElse("quarantine_to_maps"), to)
                            .lookup(PolicyBanks.key(bank, r.address().address()))
                            .map(PerlValue::asString)
                            .orElse("")
                    : "";
            if (q.isBlank()) continue;
            byMethod.computeIfAbsent(method, k -> new ArrayList<>()).add(q);
            ccatOf.putIfAbsent(method, b.displayName());
        }
        if (byMethod.isEmpty()) return List.of();
        Path dir = quarantineDir(bank);
        List<QuarantineResult> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byMethod.entrySet()) {
            QuarantineMethod m = QuarantineMethod.parse(e.getKey());
            if (m.isNone()) continue;
            if (!m.isLocal()) {
                log.error("quarantine method '{}' is not supported yet: no copy kept", m);
                continue;
            }
            if (dir == null) {
                log.info("$QUARANTINEDIR is undefined: local quarantine '{}' skipped", m);
                continue;
            }
            int levels = (int) bank.get("quarantine_subdir_levels")
                    .flatMap(v -> v instanceof PerlValue.Str s ? s.asLong() : Optional.empty())
                    .orElse(0L)
                    .longValue();
            out.add(new LocalQuarantine(dir, levels)
                    .store(
                            msg,
                            m,
                            ccatOf.get(e.getKey()),
                            e.getValue().stream().distinct().toList(),
                            quarantineFields(msg)));
        }
        return out;
    }

    /** The alerts and our Received field, which amavisd-new writes into the quarantined copy. */
    private byte[] quarantineFields(MessageContext msg) {
        HeaderEdits e = HeaderEdits.NONE;
        Optional<VirusFindings> virus = msg.attachment(VirusFindings.class);
        if (virus.isPresent() && virus.get().infected())
            e = e.withPrepended(
                    "X-Amavis-Alert",
                    "INFECTED, message contains virus: " + virus.get().joined());
        Optional<String> banned = msg.recipients().stream()
                .map(Recipient::bannedReason)
                .filter(s -> s != null && !s.isEmpty())
                .findFirst();
        if (banned.isPresent()) e = e.withPrepended("X-Amavis-Alert", "BANNED, message contains " + banned.get());
        List<String> bad = msg.attachment(ContentChecks.Findings.class)
                .map(ContentChecks.Findings::badHeaders)
                .orElse(List.of());
        if (!bad.isEmpty()) e = e.withPrepended("X-Amavis-Alert", "BAD HEADER SECTION, " + bad.get(0));
        String received = RelayingProcessor.receivedHeader(myhostname, msg, msg.recipients());
        byte[] a = e.prependBytes();
        byte[] b = received.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static PerlValue rawEntry(PerlValue table, Ccat c) {
        if (!(table instanceof PerlValue.HashRef h)) return PerlValue.UNDEF;
        PerlValue v = h.entries().get(c.key());
        if (v == null) v = h.entries().get(Integer.toString(c.major().number()));
        if (v == null) v = h.entries().get(ByCcat.CATCHALL);
        return v == null ? PerlValue.UNDEF : v;
    }

    /** A *_by_ccat hash as a map by category with its values resolved. */
    private static Map<Ccat, PerlValue> asCcatMap(PerlValue table, Function<String, Optional<PerlValue>> settings) {
        Map<Ccat, PerlValue> out = new LinkedHashMap<>();
        if (table instanceof PerlValue.HashRef h) {
            h.entries().forEach((k, v) -> {
                try {
                    out.put(Ccat.parse(k), ByCcat.resolve(v, settings));
                } catch (IllegalArgumentException e) {
                    // not a category key: ignored, as amavisd-new never looks it up
                }
            });
        }
        return out;
    }

    /**
     * The subject tag by the recipient's categories, most important first: the first entry of
     * %subject_tag_maps_by_ccat whose lookup for the recipient gives a non-empty string.
     */
    private String subjectTag(
            PerlValue table, Recipient r, Function<String, Optional<PerlValue>> settings, PolicyBank bank) {
        List<String> ccats = r.contents().entries().stream().map(Ccat::key).toList();
        for (ByCcat.Match m : ByCcat.all(ccats, settings, table)) {
            String tag = lookupString(m.value(), "subject_tag_maps", bank, r);
            if (tag != null && !tag.isEmpty()) return tag;
        }
        return null;
    }

    /** A maps value (or a plain string) asked with the recipient's address. */
    private String lookupString(PerlValue v, String name, PolicyBank bank, Recipient r) {
        if (!v.isDefined()) return null;
        if (v instanceof PerlValue.Str s) return s.value();
        if (v instanceof PerlValue.ArrayRef a && a.elements().stream().allMatch(x -> x instanceof PerlValue.Str)) {
            // constants (the default [ c('undecipherable_subject_tag') ]): the first one answers
            return a.elements().isEmpty() ? null : a.elements().get(0).asString();
        }
        return banks.chainOf(name, v)
                .lookup(PolicyBanks.key(bank, r.address().address()))
                .filter(PerlValue::isDefined)
                .map(PerlValue::asString)
                .orElse(null);
    }

    /**
     * The address extension of %addr_extension_maps_by_ccat for a local recipient, when
     * $recipient_delimiter is set: user@example.com becomes user+spam@example.com (an existing
     * extension replaced when $replace_existing_extension, as by default).
     */
    private boolean addressExtension(PolicyBank bank, Function<String, Optional<PerlValue>> settings, Recipient r) {
        String delim = bank.get("recipient_delimiter").map(PerlValue::asString).orElse("");
        if (delim.isEmpty()) return false;
        PerlValue table = bank.get("addr_extension_maps_by_ccat").orElse(PerlValue.UNDEF);
        PerlValue maps = r.contents().setting(asCcatMap(table, settings)).orElse(PerlValue.UNDEF);
        String ext = lookupString(maps, "addr_extension_maps", bank, r);
        if (ext == null || ext.isEmpty()) return false;
        String addr = r.address().address();
        int at = addr.lastIndexOf('@');
        String local = at < 0 ? addr : addr.substring(0, at);
        String domain = at < 0 ? "" : addr.substring(at);
        if (bank.get("replace_existing_extension").map(PerlValue::isTrue).orElse(true)) {
            for (int i = 1; i < local.length(); i++) { // the extension starts at the first delimiter, not at 0
                if (delim.indexOf(local.charAt(i)) >= 0) {
                    local = local.substring(0, i);
                    break;
                }
            }
        }
        r.setRelayAddress(new org.amavisd.core.mail.EmailAddress(local + delim.charAt(0) + ext + domain));
        return true;
    }
}
