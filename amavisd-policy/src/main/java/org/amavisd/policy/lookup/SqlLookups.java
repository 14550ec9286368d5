package org.amavisd.policy.lookup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;

/**
 * SQL lookups as configured: the database of @lookup_sql_dsn, the policy select
 * ($sql_select_policy or $sql_clause{sel_policy}), the white/black list select, and the field
 * lookups amavisd-new prepends to the @*_maps lists when @lookup_sql_dsn is set (and
 * $lookup_maps_imply_sql_and_ldap is true, the default): see {@link #IMPLIED_FIELDS}.
 *
 * <p>Call {@link #clearCache()} when a message begins: rows are cached per address until then.
 */
public final class SqlLookups implements AutoCloseable {
    /** amavisd-new's default $sql_select_policy (the same query, in our words). */
    public static final String DEFAULT_SELECT_POLICY = "SELECT users.*, policy.*, users.id FROM users"
            + " LEFT JOIN policy ON users.policy_id = policy.id WHERE users.email IN (%k) ORDER BY users.priority DESC";
    /** amavisd-new's default $sql_select_white_black_list: ? is users.id, %k the sender's keys. */
    public static final String DEFAULT_SELECT_WBLIST = "SELECT wb FROM wblist JOIN mailaddr ON wblist.sid = mailaddr.id"
            + " WHERE wblist.rid = ? AND mailaddr.email IN (%k) ORDER BY mailaddr.priority DESC";

    /** A policy column and how it is read. */
    public record Field(String column, SqlFieldType type) {}

    /** The @*_maps list each policy column is prepended to, in amavisd-new's order. */
    public static final Map<String, Field> IMPLIED_FIELDS;

    static {
        Map<String, Field> m = new LinkedHashMap<>();
        SqlFieldType b = SqlFieldType.BOOLEAN;
        SqlFieldType n = SqlFieldType.NUMERIC;
        SqlFieldType s = SqlFieldType.STRING;
        m.put("@local_domains_maps", new Field("local", SqlFieldType.BOOLEAN_ABSENT_TRUE));
        String[][] rows = {
            {"@virus_lovers_maps", "virus_lover", "B"},
            {"@spam_lovers_maps", "spam_lover", "B"},
            {"@unchecked_lovers_maps", "unchecked_lover", "B"},
            {"@banned_files_lovers_maps", "banned_files_lover", "B"},
            {"@bad_header_lovers_maps", "bad_header_lover", "B"},
            {"@bypass_virus_checks_maps", "bypass_virus_checks", "B"},
            {"@bypass_spam_checks_maps", "bypass_spam_checks", "B"},
            {"@bypass_banned_checks_maps", "bypass_banned_checks", "B"},
            {"@bypass_header_checks_maps", "bypass_header_checks", "B"},
            {"@spam_tag_level_maps", "spam_tag_level", "N"},
            {"@spam_tag2_level_maps", "spam_tag2_level", "N"},
            {"@spam_tag3_level_maps", "spam_tag3_level", "N"},
            {"@spam_kill_level_maps", "spam_kill_level", "N"},
            {"@spam_dsn_cutoff_level_maps", "spam_dsn_cutoff_level", "N"},
            {"@spam_quarantine_cutoff_level_maps", "spam_quarantine_cutoff_level", "N"},
            {"@spam_subject_tag_maps", "spam_subject_tag", "S"},
            {"@spam_subject_tag2_maps", "spam_subject_tag2", "S"},
            {"@spam_subject_tag3_maps", "spam_subject_tag3", "S"},
            {"@virus_quarantine_to_maps", "virus_quarantine_to", "S"},
            {"@spam_quarantine_to_maps", "spam_quarantine_to", "S"},
            {"@banned_quarantine_to_maps", "banned_quarantine_to", "S"},
            {"@unchecked_quarantine_to_maps", "unchecked_quarantine_to", "S"},
            {"@bad_header_quarantine_to_maps", "bad_header_quarantine_to", "S"},
            {"@clean_quarantine_to_maps", "clean_quarantine_to", "S"},
            {"@archive_quarantine_to_maps", "archive_quarantine_to", "S"},
            {"@message_size_limit_maps", "message_size_limit", "N"},
            {"@addr_extension_virus_maps", "addr_extension_virus", "S"},
            {"@addr_extension_spam_maps", "addr_extension_spam", "S"},
            {"@addr_extension_banned_maps", "addr_extension_banned", "S"},
            {"@addr_extension_bad_header_maps", "addr_extension_bad_header", "S"},
            {"@warnvirusrecip_maps", "warnvirusrecip", "B"},
            {"@warnbannedrecip_maps", "warnbannedrecip", "B"},
            {"@warnbadhrecip_maps", "warnbadhrecip", "B"},
            {"@newvirus_admin_maps", "newvirus_admin", "S"},
            {"@virus_admin_maps", "virus_admin", "S"},
            {"@spam_admin_maps", "spam_admin", "S"},
            {"@banned_admin_maps", "banned_admin", "S"},
            {"@bad_header_admin_maps", "bad_header_admin", "S"},
            {"@banned_filename_maps", "banned_rulenames", "S"},
            {"@disclaimer_options_bysender_maps", "disclaimer_options", "S"},
            {"@forward_method_maps", "forward_method", "S"},
            {"@sa_userconf_maps", "sa_userconf", "S"},
            {"@sa_username_maps", "sa_username", "S"},
        };
        for (String[] r : rows) m.put(r[0], new Field(r[1], r[2].equals("B") ? b : r[2].equals("N") ? n : s));
        IMPLIED_FIELDS = Collections.unmodifiableMap(m);
    }

    private final SqlDatabase db;
    private final SqlSelect policy;
    private final SqlSelect wbSelect;
    private final SqlWbList wbList;
    private final boolean trimTrailingSpace;
    private final boolean implyMaps;
    private final Map<String, SqlLookup> implied = new LinkedHashMap<>();

    /** Settings besides the database; {@link #defaults()} are amavisd-new's. */
    public record Options(
            String selectPolicy,
            String selectWbList,
            boolean noAtMeansDomain,
            boolean allow8bitAddress,
            boolean trimTrailingSpace,
            boolean implyMaps) {
        public static Options defaults() {
            return new Options(DEFAULT_SELECT_POLICY, DEFAULT_SELECT_WBLIST, false, false, false, true);
        }

        public Options withSelectPolicy(String s) {
            return new Options(s, selectWbList, noAtMeansDomain, allow8bitAddress, trimTrailingSpace, implyMaps);
        }

        public Options withSelectWbList(String s) {
            return new Options(selectPolicy, s, noAtMeansDomain, allow8bitAddress, trimTrailingSpace, implyMaps);
        }

        public Options withNoAtMeansDomain(boolean v) {
            return new Options(selectPolicy, selectWbList, v, allow8bitAddress, trimTrailingSpace, implyMaps);
        }
    }

    /**
     * @param isLocal the static @local_domains_maps (no SQL or LDAP in it): whether mailbox-only keys
     *     are tried for an address
     */
    public SqlLookups(SqlDatabase db, Options options, Predicate<LookupKey> isLocal) {
        this.db = db;
        this.policy = new SqlSelect(
                db, options.selectPolicy(), options.noAtMeansDomain(), options.allow8bitAddress(), isLocal, true);
        this.wbSelect = options.selectWbList() == null || options.selectWbList().isEmpty()
                ? null
                : new SqlSelect(
                        db,
                        options.selectWbList(),
                        options.noAtMeansDomain(),
                        options.allow8bitAddress(),
                        isLocal,
                        false);
        this.wbList = wbSelect == null ? null : new SqlWbList(policy, wbSelect);
        this.trimTrailingSpace = options.trimTrailingSpace();
        this.implyMaps = options.implyMaps();
        IMPLIED_FIELDS.forEach((maps, f) -> implied.put(maps, field(f.column(), f.type())));
    }

    /**
     * From the configuration; empty when @lookup_sql_dsn is empty (SQL lookups off). Throws
     * SqlLookupException for a DSN we cannot serve (MySQL, unknown driver).
     */
    public static Optional<SqlLookups> fromConf(AmavisConf conf, Predicate<LookupKey> isLocal) {
        return fromConf(conf, isLocal, SqlDatabase.Timeouts.DEFAULT);
    }

    public static Optional<SqlLookups> fromConf(
            AmavisConf conf, Predicate<LookupKey> isLocal, SqlDatabase.Timeouts timeouts) {
        List<SqlDsn> dsns = SqlDsn.fromConf(conf.get("@lookup_sql_dsn").orElse(PerlValue.UNDEF));
        if (dsns.isEmpty()) return Optional.empty();
        Options o = new Options(
                clause(conf, "sel_policy", "$sql_select_policy", DEFAULT_SELECT_POLICY),
                clause(conf, "sel_wblist", "$sql_select_white_black_list", DEFAULT_SELECT_WBLIST),
                flag(conf, "$sql_lookups_no_at_means_domain", false),
                flag(conf, "$sql_allow_8bit_address", false),
                flag(conf, "$trim_trailing_space_in_lookup_result_fields", false),
                flag(conf, "$lookup_maps_imply_sql_and_ldap", true));
        return Optional.of(new SqlLookups(new SqlDatabase(dsns, timeouts, 4), o, isLocal));
    }

    private static String clause(AmavisConf conf, String clauseName, String legacy, String deflt) {
        Optional<PerlValue> h = conf.get("%sql_clause");
        if (h.isPresent() && h.get() instanceof PerlValue.HashRef hr) {
            Optional<PerlValue> v = hr.get(clauseName);
            if (v.isPresent()) {
                PerlValue x = v.get() instanceof PerlValue.ScalarRef r ? r.target() : v.get();
                if (x.isDefined()) return x.asString();
            }
        }
        return conf.get(legacy)
                .filter(PerlValue::isDefined)
                .map(PerlValue::asString)
                .orElse(deflt);
    }

    private static boolean flag(AmavisConf conf, String name, boolean deflt) {
        return conf.get(name)
                .filter(PerlValue::isDefined)
                .map(PerlValue::isTrue)
                .orElse(deflt);
    }

    /** A lookup of one policy column, sharing this object's row cache. */
    public SqlLookup field(String column, SqlFieldType type) {
        return new SqlLookup(policy, column, type, trimTrailingSpace);
    }

    /** The lookup amavisd-new puts in front of this @*_maps list, if any (and if maps are implied). */
    public Optional<SqlLookup> impliedFor(String mapsName) {
        return implyMaps ? Optional.ofNullable(implied.get(mapsName)) : Optional.empty();
    }

    /** The chain with the SQL field lookup in front, as amavisd-new arranges its @*_maps lists. */
    public LookupChain prepend(LookupChain chain) {
        return chain.withFirst(impliedFor(chain.mapsName()));
    }

    public SqlSelect policy() {
        return policy;
    }

    /** The white/black list, or null when its clause is empty. */
    public SqlWbList wbList() {
        return wbList;
    }

    public SqlDatabase database() {
        return db;
    }

    /** Forgets cached rows: call when a new message begins. */
    public void clearCache() {
        policy.clearCache();
        if (wbSelect != null) wbSelect.clearCache();
    }

    @Override
    public void close() {
        db.close();
    }
}
