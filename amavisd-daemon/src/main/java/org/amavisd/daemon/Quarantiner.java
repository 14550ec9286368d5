package org.amavisd.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.mail.HeaderEdits;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.ByCcat;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.quarantine.BodyDigest;
import org.amavisd.quarantine.QuarantineException;
import org.amavisd.quarantine.QuarantineMethod;
import org.amavisd.quarantine.QuarantineResult;
import org.amavisd.quarantine.local.LocalQuarantine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantine on local files, as amavisd-new keeps it: one copy per quarantine method, for the
 * recipients whose blocking (or, passed, main) category has a method (%quarantine_method_by_ccat)
 * and a quarantine address (%quarantine_to_maps_by_ccat), with the alerts and our Received field
 * above the message. Spam at or above a recipient's quarantine cutoff is not kept. The copy is
 * synced to disk before it counts.
 */
final class Quarantiner {
    private static final Logger log = LoggerFactory.getLogger(Quarantiner.class);

    private final PolicyBanks banks;
    private final String myhostname;

    Quarantiner(PolicyBanks banks, String myhostname) {
        this.banks = banks;
        this.myhostname = myhostname;
    }

    static Path quarantineDir(PolicyBank bank) {
        return bank.get("QUARANTINEDIR")
                .filter(v -> v.isDefined() && !v.asString().isBlank())
                .map(v -> Path.of(v.asString()))
                .orElse(null);
    }

    /** One copy per quarantine method, for the blocked recipients whose quarantine_to is set. */
    List<QuarantineResult> quarantine(
            MessageContext msg,
            PolicyBank bank,
            Function<String, Optional<PerlValue>> settings,
            Iterable<Recipient> recipients)
            throws QuarantineException {
        PerlValue toMaps = bank.get("quarantine_to_maps_by_ccat").orElse(PerlValue.UNDEF);
        Map<Ccat, PerlValue> methodByCcat =
                CcatTables.asCcatMap(bank.get("quarantine_method_by_ccat").orElse(PerlValue.UNDEF), settings);
        Map<Ccat, PerlValue> toByCcat = CcatTables.asCcatMap(toMaps, settings);
        Map<String, List<String>> byMethod = new LinkedHashMap<>();
        Map<String, String> ccatOf = new LinkedHashMap<>();
        for (Recipient r : recipients) {
            Ccat b = r.contents().effective();
            String method =
                    r.contents().setting(methodByCcat).map(PerlValue::asString).orElse("");
            if (method.isBlank()) continue;
            if (b.major() == ContentCategory.SPAM
                    && SpamChecks.atOrAbove(banks, msg, bank, r, "spam_quarantine_cutoff_level_maps"))
                continue; // spam beyond $sa_quarantine_cutoff_level is not worth keeping
            PerlValue to = r.contents().setting(toByCcat).orElse(PerlValue.UNDEF);
            String q = to.isDefined()
                    ? banks.chainOf(
                                    ByCcat.accessorName(CcatTables.rawEntry(toMaps, b))
                                            .orElse("quarantine_to_maps"),
                                    to)
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
        int levels = (int) BankValues.integer(bank, "quarantine_subdir_levels", 0);
        byte[] fields = null; // the same for every copy: made once, when the first is written
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
            if (fields == null) fields = quarantineFields(msg);
            if (m.fileNameTemplate().contains("%b")) attachBodyDigest(msg, bank);
            out.add(new LocalQuarantine(dir, levels)
                    .store(
                            msg,
                            m,
                            ccatOf.get(e.getKey()),
                            e.getValue().stream().distinct().toList(),
                            fields));
        }
        return out;
    }

    /** The body digest for a file name's %b, computed once per message ($mail_digest_algorithm). */
    private static void attachBodyDigest(MessageContext msg, PolicyBank bank) throws QuarantineException {
        if (msg.attachment(BodyDigest.class).isPresent()) return;
        String algorithm = bank.get("mail_digest_algorithm")
                .filter(PerlValue::isDefined)
                .map(PerlValue::asString)
                .orElse("MD5");
        try {
            msg.attach(BodyDigest.class, BodyDigest.of(msg.messageFile(), algorithm));
        } catch (java.io.IOException e) {
            throw new QuarantineException("cannot read the message for its body digest (%b): " + e, e);
        }
    }

    /**
     * The X-Spam-* fields amavisd-new writes into every quarantined copy, whether spam checks ran
     * or were bypassed (then "score=x", levels "x", "tests=[]"): a summary over all recipients.
     * The score is the highest recipient's level, "score=" the range from lowest to highest; each
     * of tag=, tag2=, kill= the lowest level among the recipients that reached at least their tag
     * level and do not bypass spam checks; the flag says whether any reached tag2.
     */
    private HeaderEdits spamFields(HeaderEdits e, MessageContext msg) {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        Optional<SpamChecks.SpamFindings> findings = msg.attachment(SpamChecks.SpamFindings.class);
        Double min = null, max = null, tagMin = null, tag2Min = null, killMin = null;
        boolean black = false, white = false, tag2Any = false, killAny = false;
        java.util.SortedSet<String> tests = new java.util.TreeSet<>();
        for (Recipient r : msg.recipients()) {
            Optional<SpamChecks.RecipientSpam> rs = findings.flatMap(f -> f.of(r));
            if (rs.isEmpty()) continue;
            Double level = rs.get().level();
            if (level != null) {
                min = min == null ? level : Math.min(min, level);
                max = max == null ? level : Math.max(max, level);
            }
            boolean tag = r.contents().contains(Ccat.of(ContentCategory.CLEAN, ContentCategory.CLEAN_TAGGED));
            boolean tag2 = r.contents().contains(ContentCategory.SPAMMY);
            boolean kill = r.contents().contains(ContentCategory.SPAM);
            if (!rs.get().bypassed() && (tag || tag2 || kill)) {
                var key = PolicyBanks.key(bank, r.address().address());
                tagMin = lower(tagMin, levelOf(bank, "spam_tag_level_maps", key));
                tag2Min = lower(tag2Min, levelOf(bank, "spam_tag2_level_maps", key));
                killMin = lower(killMin, levelOf(bank, "spam_kill_level_maps", key));
            }
            black |= rs.get().blacklisted();
            white |= rs.get().whitelisted();
            tag2Any |= tag2;
            killAny |= kill;
            for (String t : rs.get().tests()) tests.addAll(List.of(t.split(",")));
        }
        double score = max == null ? 0 : max;
        if (black) score = Math.max(64, score);
        if (white) score = Math.min(0, score);
        e = e.withPrepended("X-Spam-Flag", tag2Any ? "YES" : "NO");
        e = e.withPrepended("X-Spam-Score", SpamFormat.number(score));
        String slc = bank.get("sa_spam_level_char").map(PerlValue::asString).orElse("*");
        if (!slc.isEmpty()) { // no bar character: no X-Spam-Level at all, as amavisd-new
            double bar = white ? 0 : black ? 64 : max == null ? 0 : Math.min(64, max);
            e = e.withPrepended("X-Spam-Level", bar < 1 ? "" : slc.repeat((int) bar));
        }
        String range = min == null
                ? "x"
                : SpamFormat.number(min).equals(SpamFormat.number(max))
                        ? SpamFormat.number(min)
                        : SpamFormat.number(min) + ".." + SpamFormat.number(max);
        return e.withPrependedFolded(
                "X-Spam-Status",
                (tag2Any || killAny ? "Yes" : "No") + ",\n score=" + range
                        + "\n tag=" + orX(tagMin) + "\n tag2=" + orX(tag2Min) + "\n kill=" + orX(killMin)
                        + "\n " + (black ? "BLACKLISTED\n " : "") + (white ? "WHITELISTED\n " : "")
                        + "tests=[" + String.join(",\n ", tests) + "]\n autolearn=unavailable");
    }

    private static Double lower(Double a, Double b) {
        if (b == null) return a;
        if (a == null) return b;
        return Math.min(a, b);
    }

    private static String orX(Double d) {
        return d == null ? "x" : SpamFormat.number(d);
    }

    private Double levelOf(PolicyBank bank, String maps, org.amavisd.policy.lookup.LookupKey key) {
        return banks.chain(bank, maps)
                .lookup(key)
                .filter(PerlValue::isDefined)
                .map(v -> {
                    try {
                        return Double.parseDouble(v.asString().trim());
                    } catch (NumberFormatException x) {
                        return null; // not a number: as undefined
                    }
                })
                .orElse(null);
    }

    /** The alerts, the spam fields and our Received field, which amavisd-new writes into the quarantined copy. */
    private byte[] quarantineFields(MessageContext msg) {
        HeaderEdits e = HeaderEdits.NONE;
        Optional<VirusFindings> virus = msg.attachment(VirusFindings.class);
        if (virus.isPresent() && virus.get().infected())
            e = e.withPrepended("X-Amavis-Alert", Alerts.virus(virus.get()));
        Optional<String> banned = Alerts.firstBannedReason(msg);
        if (banned.isPresent()) e = e.withPrepended("X-Amavis-Alert", Alerts.banned(banned.get()));
        List<String> bad = Alerts.badHeaders(msg);
        if (!bad.isEmpty()) e = e.withPrepended("X-Amavis-Alert", Alerts.badHeader(bad.get(0)));
        e = spamFields(e, msg);
        String received = RelayingProcessor.receivedHeader(myhostname, msg, msg.recipients());
        byte[] a = e.prependBytes();
        byte[] b = received.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
