package org.amavisd.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LookupKey;
import org.amavisd.scanners.banned.BannedNameChecker;
import org.amavisd.scanners.banned.BannedTable;
import org.amavisd.scanners.banned.BannedVerdict;
import org.amavisd.scanners.banned.DecodedPartInfo;
import org.amavisd.scanners.decode.DecodeLimits;
import org.amavisd.scanners.decode.DecodeResult;
import org.amavisd.scanners.decode.Decoder;
import org.amavisd.scanners.decode.DecoderTable;
import org.amavisd.scanners.header.HeaderChecker;
import org.amavisd.scanners.header.HeaderTest;
import org.amavisd.scanners.header.HeaderVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks inside the message and files what it finds under content categories, per recipient, as
 * amavisd-new's checks do: decodes the MIME tree and archives into part files (unless
 * $bypass_decode_parts), checks the header section (CC_BADH with its minor code, unless the
 * recipient is in @bypass_header_checks_maps), applies the banned-name rules the recipient's
 * @banned_filename_maps names through %banned_rules (CC_BANNED, unless in
 * @bypass_banned_checks_maps), marks decoding that stopped at a limit or met an encrypted part
 * (CC_UNCHECKED), and a size above the recipient's @message_size_limit_maps (CC_OVERSIZED). Every
 * recipient also gets CC_CLEAN. What to do about the categories is the next stage's business.
 */
final class ContentChecks implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(ContentChecks.class);

    private final PolicyBanks banks;
    private final PerlValue bannedRules; // %banned_rules: global, not a member of policy banks
    private final MessageProcessor next;
    private final DecoderTable decoders;

    ContentChecks(PolicyBanks banks, PerlValue bannedRules, DecoderTable decoders, MessageProcessor next) {
        this.decoders = decoders;
        this.banks = banks;
        this.bannedRules = bannedRules == null ? PerlValue.UNDEF : bannedRules;
        this.next = next;
    }

    /** What the checks found for the message as a whole, for the stages after this one. */
    record Findings(DecodeResult decoded, HeaderVerdict header, List<String> badHeaders) {
        /**
         * The categories of the message as a whole, whatever the recipients' bypass settings (the
         * log line's category, as amavisd-new's message-level list).
         */
        List<org.amavisd.core.ccat.Ccat> messageCategories() {
            org.amavisd.core.ccat.CcatList c = new org.amavisd.core.ccat.CcatList();
            unchecked().forEach(c::add);
            header.ccat().ifPresent(c::add);
            if (badHeaders.size() > header.problems().size())
                c.add(ContentCategory.BAD_HEADER, ContentCategory.BADH_MIME);
            return c.entries();
        }

        /** CC_UNCHECKED with its minors when decoding met an encrypted part or stopped at a limit. */
        List<org.amavisd.core.ccat.Ccat> unchecked() {
            List<org.amavisd.core.ccat.Ccat> out = new ArrayList<>();
            if (decoded != null && decoded.undecipherable())
                out.add(org.amavisd.core.ccat.Ccat.of(ContentCategory.UNCHECKED, ContentCategory.UNCHECKED_ENCRYPTED));
            if (decoded != null && decoded.overLimits())
                out.add(org.amavisd.core.ccat.Ccat.of(
                        ContentCategory.UNCHECKED, ContentCategory.UNCHECKED_OVER_LIMITS));
            return out;
        }

        /** Why decoding stopped early (amavisd-new's "hold" reason, for X-Amavis-Hold), or null. */
        String hold() {
            return decoded != null && decoded.overLimits() ? decoded.limitReason() : null;
        }
    }

    @Override
    public void process(MessageContext msg) throws Exception {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        DecodeResult decoded = null;
        long t0 = System.nanoTime();
        if (!bank.isTrue("bypass_decode_parts")) {
            decoded = Decoder.decode(msg.messageFile(), msg.tempDir().resolve("parts"), limits(bank), decoders);
        }
        Timing.of(msg).since("decode", t0);
        t0 = System.nanoTime();
        Set<HeaderTest> tests = headerTests(bank);
        HeaderVerdict header = new HeaderChecker(tests, msg.params().smtputf8()).check(msg.messageFile());
        // MIME framing errors found while decoding: CC_BADH minor 1, after the header's own problems
        // as amavisd-new: only a decoded message has MIME errors ($bypass_decode_parts: none)
        String mimeError = decoded != null && tests.contains(HeaderTest.MIME) ? decoded.mimeError() : null;
        List<String> badHeaders = new ArrayList<>(header.problems());
        if (mimeError != null) badHeaders.add("MIME error: " + mimeError);
        if (!badHeaders.isEmpty()) log.debug("bad header: {}", badHeaders);
        Findings findings = new Findings(decoded, header, List.copyOf(badHeaders));
        msg.attach(Findings.class, findings);
        List<org.amavisd.core.ccat.Ccat> unchecked = findings.unchecked();

        Map<List<BannedTable>, BannedVerdict> verdicts = new java.util.HashMap<>();
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            LookupKey key = PolicyBanks.key(bank, r.address().address());
            r.contents().add(ContentCategory.CLEAN);
            // as amavisd-new: not-fully-checked mail is CC_UNCHECKED for the recipients whose mail is virus-checked
            if (!unchecked.isEmpty()
                    && !banks.chain(bank, "bypass_virus_checks_maps").isTrue(key))
                unchecked.forEach(r.contents()::add); // each brings CC_UNCHECKED itself
            long limit = banks.chain(bank, "message_size_limit_maps")
                    .lookup(key)
                    .flatMap(v -> v instanceof PerlValue.Str s ? s.asLong() : Optional.empty())
                    .orElse(0L);
            // RFC 5321 wants at least 64 KiB: amavisd-new raises smaller limits unless told not to
            if (limit > 0
                    && limit < 65536
                    && bank.get("enforce_smtpd_message_size_limit_64kb_min")
                            .map(PerlValue::isTrue)
                            .orElse(true)) limit = 65536;
            if (limit > 0 && msg.size() > limit) r.contents().add(ContentCategory.OVERSIZED);
            if (!badHeaders.isEmpty()
                    && !banks.chain(bank, "bypass_header_checks_maps").isTrue(key)) {
                header.ccat().ifPresent(r.contents()::add);
                if (mimeError != null) r.contents().add(ContentCategory.BAD_HEADER, ContentCategory.BADH_MIME);
            }
            if (decoded != null
                    && !banks.chain(bank, "bypass_banned_checks_maps").isTrue(key)) {
                List<BannedTable> tables = bannedTables(bank, key);
                if (tables.isEmpty()
                        && !bank.get("banned_namepath_re")
                                .map(PerlValue::isDefined)
                                .orElse(false)) continue;
                final DecodeResult d = decoded;
                BannedVerdict v =
                        verdicts.computeIfAbsent(tables, t -> checker(bank, t).check(DecodedPartInfo.root(d.tree())));
                if (v.isBanned()) {
                    r.contents().add(ContentCategory.BANNED);
                    r.setBannedReason(v.reasonShort().orElse(""));
                }
            }
        }
        Timing.of(msg).since("checks", t0);
        next.process(msg);
    }

    private static BannedNameChecker checker(PolicyBank bank, List<BannedTable> tables) {
        Optional<BannedTable> namepath = bank.get("banned_namepath_re")
                .filter(v -> v instanceof PerlValue.RegexTable)
                .map(v -> BannedTable.of("banned_namepath_re", (PerlValue.RegexTable) v));
        return new BannedNameChecker(tables, namepath);
    }

    /**
     * The recipient's banned-name tables: @banned_filename_maps gives either a list of tables or
     * a string of names (comma or whitespace separated) looked up in %banned_rules.
     */
    private List<BannedTable> bannedTables(PolicyBank bank, LookupKey key) {
        Optional<PerlValue> found = banks.chain(bank, "banned_filename_maps").lookup(key);
        if (found.isEmpty() || !found.get().isDefined()) return List.of();
        PerlValue v = found.get();
        List<BannedTable> out = new ArrayList<>();
        if (v instanceof PerlValue.Str s) {
            for (String name : s.value().trim().split("[,\\s]+")) {
                if (name.isEmpty()) continue;
                PerlValue t = bannedRules instanceof PerlValue.HashRef h
                        ? h.entries().getOrDefault(name, PerlValue.UNDEF)
                        : PerlValue.UNDEF;
                addTable(out, name, t);
            }
        } else {
            addTable(out, "banned_filename_maps", v);
        }
        return out;
    }

    private static final Map<PerlValue, BannedTable> TABLES =
            java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    private static void addTable(List<BannedTable> out, String name, PerlValue t) {
        if (t instanceof PerlValue.ScalarRef r) {
            addTable(out, name, r.target());
        } else if (t instanceof PerlValue.ArrayRef a) {
            for (PerlValue e : a.elements()) addTable(out, name, e);
        } else if (t instanceof PerlValue.RegexTable rt) {
            out.add(TABLES.computeIfAbsent(rt, x -> BannedTable.of(name, rt)));
        } else if (t.isDefined()) {
            log.warn("banned rules '{}': only new_RE(...) tables are supported, {} ignored", name, t.asString());
        }
    }

    /** %allowed_header_tests: every test on unless switched off; utf8 off unless switched on. */
    static Set<HeaderTest> headerTests(PolicyBank bank) {
        Set<HeaderTest> on = EnumSet.noneOf(HeaderTest.class);
        PerlValue h = bank.get("allowed_header_tests").orElse(PerlValue.UNDEF);
        for (HeaderTest t : HeaderTest.values()) {
            Optional<PerlValue> v = h instanceof PerlValue.HashRef m ? m.get(t.key()) : Optional.empty();
            boolean enabled = v.map(PerlValue::isTrue).orElse(t != HeaderTest.UTF8);
            if (enabled) on.add(t);
        }
        return on;
    }

    /** $MAXLEVELS, $MAXFILES, $MIN/$MAX_EXPANSION_QUOTA and the factors; undef means no limit. */
    static DecodeLimits limits(PolicyBank bank) {
        return new DecodeLimits(
                (int) number(bank, "MAXLEVELS", 0),
                (int) number(bank, "MAXFILES", 0),
                number(bank, "MIN_EXPANSION_QUOTA", 0),
                number(bank, "MAX_EXPANSION_QUOTA", 0),
                number(bank, "MIN_EXPANSION_FACTOR", 5),
                number(bank, "MAX_EXPANSION_FACTOR", 500),
                40,
                Duration.ofSeconds(Math.max(10, number(bank, "child_timeout", 480) / 2)));
    }

    private static long number(PolicyBank bank, String name, long dflt) {
        return BankValues.integer(bank, name, dflt);
    }
}
