package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;

/**
 * LDAP lookups as configured ($enable_ldap, $default_ldap, $ldap_lookups_no_at_means_domain):
 * the attribute lookups amavisd-new prepends to the @*_maps lists ({@link #IMPLIED_ATTRIBUTES}),
 * and the per-recipient sender white/black lists (amavisWhitelistSender, amavisBlacklistSender).
 * Call {@link #clearCache()} when a message begins.
 */
public final class LdapLookups implements AutoCloseable {
    /** The @*_maps list each amavisAccount attribute is prepended to. */
    public static final Map<String, SqlLookups.Field> IMPLIED_ATTRIBUTES;

    static {
        Map<String, String> sqlToLdap = new LinkedHashMap<>();
        String[][] names = {
            {"local", "amavisLocal"},
            {"virus_lover", "amavisVirusLover"},
            {"spam_lover", "amavisSpamLover"},
            {"unchecked_lover", "amavisUncheckedLover"},
            {"banned_files_lover", "amavisBannedFilesLover"},
            {"bad_header_lover", "amavisBadHeaderLover"},
            {"bypass_virus_checks", "amavisBypassVirusChecks"},
            {"bypass_spam_checks", "amavisBypassSpamChecks"},
            {"bypass_banned_checks", "amavisBypassBannedChecks"},
            {"bypass_header_checks", "amavisBypassHeaderChecks"},
            {"spam_tag_level", "amavisSpamTagLevel"},
            {"spam_tag2_level", "amavisSpamTag2Level"},
            {"spam_tag3_level", "amavisSpamTag3Level"},
            {"spam_kill_level", "amavisSpamKillLevel"},
            {"spam_dsn_cutoff_level", "amavisSpamDsnCutoffLevel"},
            {"spam_quarantine_cutoff_level", "amavisSpamQuarantineCutoffLevel"},
            {"spam_subject_tag", "amavisSpamSubjectTag"},
            {"spam_subject_tag2", "amavisSpamSubjectTag2"},
            {"spam_subject_tag3", "amavisSpamSubjectTag3"},
            {"virus_quarantine_to", "amavisVirusQuarantineTo"},
            {"spam_quarantine_to", "amavisSpamQuarantineTo"},
            {"banned_quarantine_to", "amavisBannedQuarantineTo"},
            {"unchecked_quarantine_to", "amavisUncheckedQuarantineTo"},
            {"bad_header_quarantine_to", "amavisBadHeaderQuarantineTo"},
            {"clean_quarantine_to", "amavisCleanQuarantineTo"},
            {"archive_quarantine_to", "amavisArchiveQuarantineTo"},
            {"message_size_limit", "amavisMessageSizeLimit"},
            {"addr_extension_virus", "amavisAddrExtensionVirus"},
            {"addr_extension_spam", "amavisAddrExtensionSpam"},
            {"addr_extension_banned", "amavisAddrExtensionBanned"},
            {"addr_extension_bad_header", "amavisAddrExtensionBadHeader"},
            {"warnvirusrecip", "amavisWarnVirusRecip"},
            {"warnbannedrecip", "amavisWarnBannedRecip"},
            {"warnbadhrecip", "amavisWarnBadHeaderRecip"},
            {"newvirus_admin", "amavisNewVirusAdmin"},
            {"virus_admin", "amavisVirusAdmin"},
            {"spam_admin", "amavisSpamAdmin"},
            {"banned_admin", "amavisBannedAdmin"},
            {"bad_header_admin", "amavisBadHeaderAdmin"},
            {"banned_rulenames", "amavisBannedRuleNames"},
            {"disclaimer_options", "amavisDisclaimerOptions"},
            {"forward_method", "amavisForwardMethod"},
            {"sa_userconf", "amavisSaUserConf"},
            {"sa_username", "amavisSaUserName"},
        };
        for (String[] n : names) sqlToLdap.put(n[0], n[1]);
        Map<String, SqlLookups.Field> m = new LinkedHashMap<>();
        SqlLookups.IMPLIED_FIELDS.forEach((maps, f) -> {
            String attr = sqlToLdap.get(f.column());
            if (attr != null) m.put(maps, new SqlLookups.Field(attr, f.type()));
        });
        IMPLIED_ATTRIBUTES = Collections.unmodifiableMap(m);
    }

    private final LdapDirectory directory;
    private final LdapAccountQuery query;
    private final boolean implyMaps;

    public LdapLookups(
            LdapDirectory directory, boolean noAtMeansDomain, boolean implyMaps, Predicate<LookupKey> isLocal) {
        this.directory = directory;
        this.query = new LdapAccountQuery(directory, noAtMeansDomain, isLocal);
        this.implyMaps = implyMaps;
    }

    /** From the configuration; empty unless $enable_ldap is true. */
    public static Optional<LdapLookups> fromConf(AmavisConf conf, Predicate<LookupKey> isLocal) {
        if (!conf.get("$enable_ldap").map(PerlValue::isTrue).orElse(false)) return Optional.empty();
        LdapConfig c = LdapConfig.fromConf(conf.get("$default_ldap").orElse(PerlValue.UNDEF));
        boolean noAt = conf.get("$ldap_lookups_no_at_means_domain")
                .map(PerlValue::isTrue)
                .orElse(false);
        boolean imply = conf.get("$lookup_maps_imply_sql_and_ldap")
                .filter(PerlValue::isDefined)
                .map(PerlValue::isTrue)
                .orElse(true);
        return Optional.of(new LdapLookups(new LdapDirectory(c), noAt, imply, isLocal));
    }

    /** A lookup of one amavisAccount attribute, sharing this object's entry cache. */
    public LdapLookup attribute(String name, SqlFieldType type) {
        return new LdapLookup(query, name, type);
    }

    public Optional<LdapLookup> impliedFor(String mapsName) {
        if (!implyMaps) return Optional.empty();
        SqlLookups.Field f = IMPLIED_ATTRIBUTES.get(mapsName);
        return f == null ? Optional.empty() : Optional.of(attribute(f.column(), f.type()));
    }

    /** The chain with the LDAP attribute lookup in front, as amavisd-new arranges its @*_maps lists. */
    public LookupChain prepend(LookupChain chain) {
        return chain.withFirst(impliedFor(chain.mapsName()));
    }

    /**
     * The recipient's LDAP white/black list for a sender: BLACKLISTED when one of the sender's keys
     * (case-insensitively) is among the amavisBlacklistSender values, WHITELISTED when among the
     * amavisWhitelistSender values (which wins when both), else NOT_LISTED.
     */
    public SqlWbList.Kind whiteBlackList(LookupKey recipient, LookupKey sender) {
        List<String> keys =
                new ArrayList<>(SqlQueryKeys.of(sender, false, false, true).keys());
        if (sender.address().isEmpty()) keys.add(0, "<>");
        SqlWbList.Kind kind = SqlWbList.Kind.NOT_LISTED;
        if (listed(recipient, "amavisBlacklistSender", keys)) kind = SqlWbList.Kind.BLACKLISTED;
        if (listed(recipient, "amavisWhitelistSender", keys)) kind = SqlWbList.Kind.WHITELISTED;
        return kind;
    }

    private boolean listed(LookupKey recipient, String attr, List<String> keys) {
        Optional<PerlValue> v = attribute(attr, SqlFieldType.LIST).lookup(recipient);
        if (v.isEmpty() || !(v.get() instanceof PerlValue.ArrayRef a)) return false;
        for (PerlValue e : a.elements()) {
            String s = e.asString().toLowerCase(Locale.ROOT);
            for (String k : keys) if (k.toLowerCase(Locale.ROOT).equals(s)) return true;
        }
        return false;
    }

    public LdapAccountQuery query() {
        return query;
    }

    public void clearCache() {
        query.clearCache();
    }

    @Override
    public void close() {
        directory.close();
    }
}
