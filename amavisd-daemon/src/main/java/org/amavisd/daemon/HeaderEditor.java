package org.amavisd.daemon;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/**
 * The header edits of each recipient's copy, as amavisd-new makes them: X-Amavis-Hold (only ours),
 * X-Quarantine-ID for local recipients, X-Virus-Scanned, the X-Amavis-Alert fields, the X-Spam-*
 * fields and the subject tag for local recipients, Authentication-Results (and the removal of
 * fields from outside that claim our authserv-id), address extensions. Recipients whose edits are
 * equal share a relay transaction.
 */
final class HeaderEditor {
    private final PolicyBanks banks;
    private final String myhostname;

    HeaderEditor(PolicyBanks banks, String myhostname) {
        this.banks = banks;
        this.myhostname = myhostname;
    }

    /** The edits of every recipient still open, and which copies count as tagged. */
    Decisions.Edits edits(MessageContext msg, PolicyBank bank, boolean quarantined) {
        Function<String, Optional<PerlValue>> settings = bank::get;
        Map<Recipient, HeaderEdits> edits = new LinkedHashMap<>();
        Set<Recipient> taggedRecipients = new HashSet<>();
        PerlValue subjectTags = bank.get("subject_tag_maps_by_ccat").orElse(PerlValue.UNDEF);
        // what is the same for every copy, found once
        String hold = msg.attachment(ContentChecks.Findings.class)
                .map(ContentChecks.Findings::hold)
                .orElse(null);
        Optional<VirusFindings> virus = msg.attachment(VirusFindings.class);
        List<String> problems = Alerts.badHeaders(msg);
        Optional<SpamChecks.SpamFindings> spam = msg.attachment(SpamChecks.SpamFindings.class);
        var dkim = msg.attachment(org.amavisd.dkim.VerificationResult.class);
        String authserv = org.amavisd.dkim.AuthenticationResults.authservId(
                bank.get("myauthservid").map(PerlValue::asString).orElse(null), myhostname);
        String authResults = dkim.map(
                        v -> org.amavisd.dkim.AuthenticationResults.field(authserv, v.signatures(), true, false))
                .orElse(null);
        for (Recipient r : msg.recipients()) {
            if (r.isDone()) continue;
            // X-Amavis-Hold: only our own, with the reason decoding stopped early
            HeaderEdits e = HeaderEdits.NONE.withDeleted("X-Amavis-Hold");
            if (hold != null) e = e.withPrepended("X-Amavis-Hold", hold);
            boolean tagged = false;
            if (quarantined && r.isLocal())
                e = e.withPrepended("X-Quarantine-ID", "<" + msg.mailId().id() + ">");
            if (virus.isPresent() && addsVirusScanned(bank, r)) {
                e = e.withPrepended(
                        bank.get("X_HEADER_TAG").map(PerlValue::asString).orElse("X-Virus-Scanned"),
                        bank.get("X_HEADER_LINE").map(PerlValue::asString).orElse(""));
            }
            if (r.contents().contains(ContentCategory.VIRUS) && virus.isPresent()) {
                e = e.withPrepended("X-Amavis-Alert", Alerts.virus(virus.get()));
                tagged = true;
            }
            if (r.contents().contains(ContentCategory.BANNED) && r.bannedReason() != null) {
                e = e.withPrepended("X-Amavis-Alert", Alerts.banned(r.bannedReason()));
                tagged = true;
            }
            if (r.contents().contains(ContentCategory.BAD_HEADER) && !problems.isEmpty())
                e = e.withPrepended("X-Amavis-Alert", Alerts.badHeader(problems.get(0)));
            if (spam.isPresent()) {
                if (spam.get().spamCode()
                        && banks.chain(bank, "remove_existing_spam_headers_maps")
                                .isTrue(PolicyBanks.key(bank, r.address().address()))) {
                    for (String f : SPAM_FIELDS) e = e.withDeleted(f);
                }
                Optional<SpamChecks.RecipientSpam> rs = spam.get().of(r);
                if (r.isLocal() && rs.isPresent() && rs.get().tag()) {
                    e = spamHeaders(e, rs.get(), bank);
                    if (rs.get().tag2()) tagged = true;
                }
            }
            if (dkim.isPresent()) {
                e = e.withForeignClaimsRemoved(authserv);
                if (r.isLocal() && authResults != null) e = e.withPrependedField(authResults);
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
        return new Decisions.Edits(edits, taggedRecipients);
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
        PerlValue maps =
                r.contents().setting(CcatTables.asCcatMap(table, settings)).orElse(PerlValue.UNDEF);
        String ext = lookupString(maps, "addr_extension_maps", bank, r);
        if (ext == null || ext.isEmpty()) return false;
        String addr = r.address().address();
        int at = addr.lastIndexOf('@');
        String local = at < 0 ? addr : addr.substring(0, at);
        String domain = at < 0 ? "" : addr.substring(at);
        if (bank.get("replace_existing_extension").map(PerlValue::isTrue).orElse(true)) {
            // the lookup keys' own split (at the first delimiter after the first character), case kept
            String bare = new org.amavisd.policy.lookup.LookupKey(addr, delim, true).localPartWithoutExtension();
            if (bare != null) local = bare;
        }
        r.setRelayAddress(new org.amavisd.core.mail.EmailAddress(local + delim.charAt(0) + ext + domain));
        return true;
    }
}
