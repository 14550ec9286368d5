package org.amavisd.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LookupChain;
import org.amavisd.policy.lookup.LookupKey;
import org.amavisd.policy.lookup.Maps;
import org.amavisd.policy.lookup.SqlWbList;
import org.amavisd.scanners.spam.SpamAssassinViaSpamd;
import org.amavisd.scanners.spam.SpamCheck;
import org.amavisd.scanners.spam.SpamRequest;
import org.amavisd.scanners.spam.SpamScanException;
import org.amavisd.scanners.spam.SpamScanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spam checks, as amavisd-new makes them: the sender is looked up in each recipient's white- and
 * blacklists (@whitelist_sender_maps, @blacklist_sender_maps) and soft lists
 * (@score_sender_maps); unless every recipient bypasses spam checks or lists the sender, the
 * message goes to each @spam_scanners entry (spamd, rspamd) and the scores are added. Each
 * recipient's spam level (the score plus its soft-list points) is then held against its own levels:
 * at or above @spam_tag_level_maps CC_CLEAN,1 (spam headers), @spam_tag2_level_maps CC_SPAMMY,
 * @spam_tag3_level_maps CC_SPAMMY,1, @spam_kill_level_maps CC_SPAM. A blacklisted sender is spam
 * for that recipient, a whitelisted one never is.
 *
 * <p>A scanner that fails is logged and the message goes on without its score, as in
 * amavisd-new; with {@code $spam_scanners_failure_is_fatal} (ours) it is tempfailed instead.
 */
final class SpamChecks implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(SpamChecks.class);

    private final PolicyBanks banks;
    private final List<SpamScanner> scanners;
    private final MessageProcessor next;

    private final DestinyRules rules;

    SpamChecks(PolicyBanks banks, List<SpamScanner> scanners, MessageProcessor next) {
        this.banks = banks;
        this.rules = new DestinyRules(banks);
        this.scanners = List.copyOf(scanners);
        this.next = next;
    }

    /** One recipient's view of the spam check. */
    record RecipientSpam(
            Double level, // null when no scanner gave a score
            List<String> tests,
            Double tagLevel,
            Double tag2Level,
            Double killLevel,
            boolean whitelisted,
            boolean blacklisted,
            boolean bypassed) {
        // as in amavisd-new's Perl, a missing level counts as 0 in these comparisons
        boolean tag() {
            double l = level == null ? 0 : level;
            return !bypassed && (blacklisted || tagLevel == null || l + (whitelisted ? -10 : 0) >= tagLevel);
        }

        boolean tag2() {
            double l = level == null ? 0 : level;
            return !bypassed && !whitelisted && (blacklisted || (tag2Level != null && l >= tag2Level));
        }
    }

    /**
     * What the spam check gave, per recipient, for the header edits, the log and the quarantine;
     * {@code spamCode}: spam scanners are configured (amavisd-new's spam code is loaded).
     */
    record SpamFindings(Map<Recipient, RecipientSpam> byRecipient, String scanner, boolean spamCode) {
        Optional<RecipientSpam> of(Recipient r) {
            return Optional.ofNullable(byRecipient.get(r));
        }
    }

    @Override
    public void process(MessageContext msg) throws Exception {
        // with no spam scanner configured (and no virus name that means spam) there is no spam
        // phase at all, as amavisd-new without its spam code
        boolean fromVirusNames =
                msg.attachment(VirusChecks.SpamFromVirusNames.class).isPresent();
        if ((!scanners.isEmpty() || fromVirusNames) && !check(msg)) return;
        next.process(msg);
    }

    /** How a recipient stands to the sender before any scan: bypass, white/black list, soft-list points. */
    private record Listing(boolean bypassed, boolean white, boolean black, double points) {}

    /** False when the message was tempfailed. */
    private boolean check(MessageContext msg) throws Exception {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        // as amavisd-new: when what was found already keeps the message from every recipient (a
        // virus, a banned file), no spam scanner is asked; the levels still give each recipient
        // its spam categories (with no score, a tag level at or below 0 is reached)
        boolean blocked = msg.recipients().stream()
                .filter(r -> !r.isDone())
                .allMatch(r -> rules.block(bank, r).isPresent());
        boolean checking = !blocked;
        if (blocked) log.debug("spam check skipped: no recipient would get the message");
        LookupKey senderKey = PolicyBanks.key(bank, msg.sender().address());
        SqlWbList sqlWbList =
                banks.sql().map(org.amavisd.policy.lookup.SqlLookups::wbList).orElse(null);
        Map<Recipient, Listing> listings = new LinkedHashMap<>();
        boolean scanNeeded = false;
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            LookupKey key = PolicyBanks.key(bank, r.address().address());
            boolean bypassed = banks.chain(bank, "bypass_spam_checks_maps").isTrue(key);
            if (!checking) { // no check: no listing either (amavisd-new's spam phase does that)
                listings.put(r, new Listing(bypassed, false, false, 0));
                continue;
            }
            // the SQL white/black list first ($sql_select_white_black_list): a hard answer there
            // decides, its soft (numeric) answers are the points; else the static lists
            SqlWbList.Verdict sql = sqlWbList == null ? null : sqlWbList.check(key, senderKey);
            boolean hard = sql != null && sql.kind() != SqlWbList.Kind.NOT_LISTED;
            boolean black = hard
                    ? sql.kind() == SqlWbList.Kind.BLACKLISTED
                    : banks.chain(bank, "blacklist_sender_maps").isTrue(senderKey);
            boolean white = hard
                    ? sql.kind() == SqlWbList.Kind.WHITELISTED
                    : banks.chain(bank, "whitelist_sender_maps").isTrue(senderKey);
            double points =
                    sql != null && sql.scoreBoost() != 0 ? sql.scoreBoost() : softListPoints(bank, key, senderKey);
            listings.put(r, new Listing(bypassed, white, black, points));
            if (!bypassed && !white && !black) scanNeeded = true;
        }
        if (listings.isEmpty()) return true;
        Map<Recipient, Double> scores = new LinkedHashMap<>(); // no entry: no scanner gave a score
        Map<Recipient, List<String>> testsOf = new LinkedHashMap<>();
        for (Recipient r : listings.keySet()) testsOf.put(r, new ArrayList<>());
        String scannerName = null;
        if (checking && scanNeeded && !scanners.isEmpty()) {
            long t0 = System.nanoTime();
            SpamRequest request = SpamRequest.from(msg);
            for (SpamScanner s : scanners) {
                // one request per SpamAssassin user name (@sa_username_maps), as amavisd-new's
                // module calls SpamAssassin once per distinct user; other scanners once
                for (Map.Entry<String, List<Recipient>> group :
                        groups(bank, s, listings).entrySet()) {
                    try {
                        SpamCheck c = s instanceof SpamAssassinViaSpamd sa
                                ? sa.check(request, group.getKey())
                                : s.check(request);
                        for (Recipient r : group.getValue()) {
                            scores.merge(r, c.score(), Double::sum);
                            if (!c.testsString().isEmpty()) testsOf.get(r).add(c.testsString());
                        }
                        if (scannerName == null) scannerName = s.name();
                        log.debug("spam scanner {}: score {}, tests [{}]", s.name(), c.score(), c.testsString());
                    } catch (SpamScanException | RuntimeException e) {
                        // (a RuntimeException is a bug of the client, handled as a failed scanner so
                        // that no message is tempfailed for ever by it)
                        if (e instanceof SpamScanException se && se.reported())
                            log.debug("spam_scan FAILED: {}: {}", s.name(), e.getMessage());
                        else log.warn("spam_scan FAILED: {}: {}", s.name(), e.getMessage());
                        if (bank.isTrue("spam_scanners_failure_is_fatal")) {
                            SmtpReply tf = SmtpReply.of(
                                    451,
                                    "4.5.0",
                                    "Error in processing, id=" + msg.logId() + ", spam_scan FAILED: " + s.name() + ": "
                                            + String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " "));
                            for (Recipient r : msg.recipients()) if (!r.isDone()) r.doneByFilter(tf);
                            return false;
                        }
                    }
                }
            }
            Timing.of(msg).since("spam", t0);
        }
        // spam points of virus names (@virus_name_to_spam_score_maps) count as a scanner's would
        var av = msg.attachment(VirusChecks.SpamFromVirusNames.class);
        if (checking && av.isPresent()) {
            for (Recipient r : listings.keySet()) {
                scores.merge(r, av.get().score(), Double::sum);
                testsOf.get(r).add(av.get().tests());
            }
        }
        Optional<org.amavisd.dkim.AuthorPolicy.Reputation> reputation = signerReputation(msg, bank);
        Map<Recipient, RecipientSpam> out = new LinkedHashMap<>();
        for (Map.Entry<Recipient, Listing> e : listings.entrySet()) {
            Recipient r = e.getKey();
            boolean bypassed = e.getValue().bypassed(),
                    white = e.getValue().white(),
                    black = e.getValue().black();
            LookupKey key = PolicyBanks.key(bank, r.address().address());
            double points = e.getValue().points();
            Double score = scores.get(r);
            Double level = score == null && points == 0 ? null : (score == null ? 0 : score) + points;
            List<String> t = new ArrayList<>();
            if (points != 0) t.add("AM.WBL=" + SpamFormat.number(points));
            t.addAll(testsOf.get(r));
            if (level != null && reputation.isPresent()) {
                // as amavisd-new: the level moves toward the DKIM signer's reputation by $reputation_factor
                double adjusted = org.amavisd.dkim.AuthorPolicy.adjustedSpamLevel(
                        level, reputationFactor(bank), reputation.get().score());
                if (adjusted != level) t.add(0, "AM.DKIM_REPUT=" + SpamFormat.number(adjusted - level));
                level = adjusted;
            }
            RecipientSpam rs = new RecipientSpam(
                    level,
                    t,
                    bypassed ? null : level(bank, "spam_tag_level_maps", key),
                    bypassed ? null : level(bank, "spam_tag2_level_maps", key),
                    bypassed ? null : level(bank, "spam_kill_level_maps", key),
                    white,
                    black,
                    bypassed);
            out.put(r, rs);
            if (bypassed) continue;
            Double tag3 = level(bank, "spam_tag3_level_maps", key);
            boolean tag3Hit = !white && (black || (tag3 != null && level != null && level >= tag3));
            boolean kill = !white && (black || (rs.killLevel() != null && level != null && level >= rs.killLevel()));
            if (rs.tag()) r.contents().add(ContentCategory.CLEAN, ContentCategory.CLEAN_TAGGED);
            if (rs.tag2() || tag3Hit) r.contents().add(ContentCategory.SPAMMY);
            if (tag3Hit) r.contents().add(ContentCategory.SPAMMY, ContentCategory.SPAMMY_TAG3);
            if (kill) r.contents().add(ContentCategory.SPAM);
        }
        msg.attach(SpamFindings.class, new SpamFindings(out, scannerName, !scanners.isEmpty()));
        return true;
    }

    /**
     * The recipients each request is for: for the SpamAssassin entry, by user name
     * (@sa_username_maps, else the entry's default), only the groups with a recipient that needs
     * the scan; for any other scanner one group of all (key null).
     */
    private Map<String, List<Recipient>> groups(PolicyBank bank, SpamScanner s, Map<Recipient, Listing> listings) {
        Map<String, List<Recipient>> out = new LinkedHashMap<>();
        if (!(s instanceof SpamAssassinViaSpamd sa)) {
            out.put(null, new ArrayList<>(listings.keySet()));
            return out;
        }
        Map<String, Boolean> needed = new LinkedHashMap<>();
        for (Map.Entry<Recipient, Listing> e : listings.entrySet()) {
            LookupKey key = PolicyBanks.key(bank, e.getKey().address().address());
            String user = banks.chain(bank, "sa_username_maps")
                    .lookup(key)
                    .filter(PerlValue::isDefined)
                    .map(PerlValue::asString)
                    .filter(u -> !u.isEmpty())
                    .orElse(sa.defaultUser());
            out.computeIfAbsent(user, u -> new ArrayList<>()).add(e.getKey());
            Listing l = e.getValue();
            needed.merge(user, !l.bypassed() && !l.white() && !l.black(), Boolean::logicalOr);
        }
        out.keySet().removeIf(u -> !needed.get(u));
        return out;
    }

    /** The best reputation @signer_reputation_maps gives a valid DKIM signer of the message, if any. */
    private Optional<org.amavisd.dkim.AuthorPolicy.Reputation> signerReputation(MessageContext msg, PolicyBank bank) {
        var vr = msg.attachment(org.amavisd.dkim.VerificationResult.class);
        if (vr.isEmpty()) return Optional.empty();
        var chain = banks.chain(bank, "signer_reputation_maps");
        int minBits = (int) BankValues.integer(bank, "dkim_minimum_key_bits", 1024);
        return org.amavisd.dkim.AuthorPolicy.bestReputation(
                vr.get(),
                key -> chain.lookup(PolicyBanks.key(bank, key))
                        .filter(PerlValue::isDefined)
                        .flatMap(v -> {
                            try {
                                return Optional.of(
                                        Double.parseDouble(v.asString().trim()));
                            } catch (NumberFormatException e) {
                                return Optional.empty();
                            }
                        })
                        .orElse(null),
                minBits);
    }

    private static double reputationFactor(PolicyBank bank) {
        return BankValues.decimal(bank, "reputation_factor", 0.2);
    }

    /** Whether the recipient's spam level is at or above the cutoff its maps give (false without either). */
    static boolean atOrAbove(PolicyBanks banks, MessageContext msg, PolicyBank bank, Recipient r, String maps) {
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

    /** A level from a per-recipient @spam_*_level_maps; null when none is set. */
    private Double level(PolicyBank bank, String maps, LookupKey key) {
        return banks.chain(bank, maps)
                .lookup(key)
                .filter(PerlValue::isDefined)
                .flatMap(v -> {
                    try {
                        return Optional.of(Double.parseDouble(v.asString().trim()));
                    } catch (NumberFormatException ex) {
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }

    /**
     * @score_sender_maps: asked with the recipient, it gives tables (by-sender hashes, regexp
     * tables) which are then asked with the sender; every non-zero answer is added.
     */
    private double softListPoints(PolicyBank bank, LookupKey recipient, LookupKey sender) {
        PerlValue maps = bank.get("score_sender_maps").orElse(PerlValue.UNDEF);
        if (!(maps instanceof PerlValue.ArrayRef list)) return 0;
        double sum = 0;
        for (PerlValue first : list.elements()) {
            PerlValue tables =
                    Maps.chain("@score_sender_maps", first).lookup(recipient).orElse(PerlValue.UNDEF);
            if (!tables.isDefined()) continue;
            LookupChain second = Maps.chain("@score_sender_maps", tables);
            Optional<PerlValue> v = second.lookup(sender);
            if (v.isPresent() && v.get().isDefined()) {
                try {
                    sum += Double.parseDouble(v.get().asString().trim());
                } catch (NumberFormatException e) {
                    log.warn("@score_sender_maps: '{}' is not a number", v.get().asString());
                }
            }
        }
        return sum;
    }
}
