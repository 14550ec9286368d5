package org.amavisd.policy.lookup;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lookup SELECT of amavisd-new ($sql_select_policy, $sql_select_white_black_list), run for an
 * address. In the clause, %k stands for the list of query keys ({@link SqlQueryKeys}) as bind
 * parameters ?,?,...; %a for the address as given, %l its local part, %u the user (local part
 * without extension), %e the extension, %d the domain; each ? for the next extra argument (the
 * users.id for the white/black list), further ones for "".
 *
 * <p>The rows come back in the clause's order (ORDER BY priority DESC: most specific first), each
 * as a map of lowercased column name to value (a string, or null for NULL; of repeated names the
 * last wins, hence "users.*, policy.*, users.id"). They are cached per address, per worker thread, until {@link
 * #clearCache()}, which the caller does per message, as amavisd-new does: one recipient costs one
 * query however many fields are asked.
 */
public final class SqlSelect {
    private static final Logger log = LoggerFactory.getLogger(SqlSelect.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("%[kaluedL]|\\?");

    private final SqlDatabase db;
    private final String clause;
    private final boolean noAtMeansDomain;
    private final boolean allow8bit;
    private final Predicate<LookupKey> isLocal;
    private final boolean catchallLocalHack;
    // One worker thread carries one message at a time, and clearCache() runs when a message begins:
    // a per-thread cache keeps concurrent messages from seeing (or clearing) each other's rows.
    private final ThreadLocal<Map<String, List<Map<String, String>>>> cache =
            ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * @param isLocal the static local_domains maps (without SQL and LDAP), deciding whether the
     *     mailbox-only keys are tried
     * @param catchallLocalHack true for the policy select: a matching "@." row without a column
     *     'local' gets local = NULL, so the catch-all does not make every domain local
     */
    public SqlSelect(
            SqlDatabase db,
            String clause,
            boolean noAtMeansDomain,
            boolean allow8bit,
            Predicate<LookupKey> isLocal,
            boolean catchallLocalHack) {
        this.db = db;
        this.clause = clause;
        this.noAtMeansDomain = noAtMeansDomain;
        this.allow8bit = allow8bit;
        this.isLocal = isLocal;
        this.catchallLocalHack = catchallLocalHack;
    }

    public String clause() {
        return clause;
    }

    public SqlDatabase database() {
        return db;
    }

    /** The SQL with placeholders expanded, and its bind parameters. */
    public record Statement(String sql, List<String> parameters) {}

    /** Expands the clause for these keys and extra arguments (for ?). */
    public static Statement expand(String clause, SqlQueryKeys keys, List<String> extraArgs, boolean isLocal) {
        List<String> params = new ArrayList<>();
        List<String> extras = new ArrayList<>(extraArgs);
        Matcher m = PLACEHOLDER.matcher(clause);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            String p = m.group();
            String repl = "?";
            switch (p) {
                case "%k" -> {
                    params.addAll(keys.keys());
                    repl = String.join(",", Collections.nCopies(keys.keys().size(), "?"));
                }
                case "%a" -> params.add(keys.address());
                case "%l" -> params.add(keys.fullLocalPart());
                case "%u" -> params.add(keys.user());
                case "%e" -> params.add(keys.extension());
                case "%d" -> params.add(keys.domain());
                case "%L" -> params.add(isLocal ? "1" : "0");
                default -> params.add(extras.isEmpty() ? "" : extras.remove(0));
            }
            m.appendReplacement(sql, Matcher.quoteReplacement(repl));
        }
        m.appendTail(sql);
        return new Statement(sql.toString(), params);
    }

    /** The matching rows for the address, most specific first (cached). */
    public List<Map<String, String>> rows(LookupKey key) {
        return rows(key, List.of());
    }

    /** The matching rows, with extra arguments for the clause's ? placeholders. */
    public List<Map<String, String>> rows(LookupKey key, List<String> extraArgs) {
        String cacheKey = extraArgs.isEmpty() ? key.address() : key.address() + "\0" + String.join("\0", extraArgs);
        List<Map<String, String>> cached = cache.get().get(cacheKey);
        if (cached != null) return cached;
        boolean local = isLocal.test(key);
        SqlQueryKeys keys = SqlQueryKeys.of(key, noAtMeansDomain, local, allow8bit);
        Statement st = expand(clause, keys, extraArgs, local);
        log.debug("lookup_sql \"{}\", keys {}", key.address(), keys.keys());
        List<Map<String, String>> rows = db.run(c -> query(c, st));
        rows = List.copyOf(rows);
        cache.get().put(cacheKey, rows);
        return rows;
    }

    private List<Map<String, String>> query(Connection c, Statement st) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(st.sql())) {
            ps.setQueryTimeout(db.queryTimeoutSeconds());
            for (int i = 0; i < st.parameters().size(); i++)
                ps.setString(i + 1, st.parameters().get(i));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= n; i++) {
                        String name = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                        int at = name.lastIndexOf('.');
                        if (at >= 0) name = name.substring(at + 1);
                        row.put(name, value(rs, i, md.getColumnType(i)));
                    }
                    if (catchallLocalHack && !row.containsKey("local") && "@.".equals(row.get("email"))) {
                        row.put("local", null);
                    }
                    out.add(Collections.unmodifiableMap(row));
                }
            }
        }
        return out;
    }

    private static String value(ResultSet rs, int i, int type) throws SQLException {
        switch (type) {
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] b = rs.getBytes(i);
                return b == null ? null : new String(b, StandardCharsets.UTF_8);
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? null : v ? "1" : "0";
            }
            default -> {
                return rs.getString(i);
            }
        }
    }

    /** Forgets the cached rows; called when a new message begins. */
    public void clearCache() {
        cache.get().clear();
    }
}
