package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amavisd.policy.conf.PerlValue;

/**
 * One [DSN, user, password] triple of @lookup_sql_dsn, and its JDBC translation. Accepted DSNs:
 *
 * <ul>
 *   <li>{@code DBI:Pg:database=mail;host=127.0.0.1;port=5432} (also dbname=, db=; other
 *       attributes such as sslmode are passed on to the driver). Without host= DBD::Pg would use
 *       the Unix socket; the JDBC driver has none, so 127.0.0.1 is used.
 *   <li>{@code DBI:SQLite:dbname=/path/to/file} (also {@code DBI:SQLite:/path}).
 *   <li>{@code DBI:H2:file=/var/amavis/db/lookups} - our own: an embedded H2 database in the files
 *       /var/amavis/db/lookups.mv.db, when no server is wanted; {@code DBI:H2:mem=name} is an
 *       in-memory one (tests). Other H2 settings may follow, {@code DBI:H2:file=/p;MODE=PostgreSQL}.
 *   <li>A JDBC URL as is, {@code jdbc:...}, for anything else whose driver is on the class path.
 * </ul>
 *
 * {@code DBI:mysql:} and {@code DBI:MariaDB:} are recognized and refused: no MySQL driver is
 * bundled (its licence is the GPL).
 */
public record SqlDsn(String dsn, String user, String password) {

    /** The triples of a @lookup_sql_dsn value (an array of array references); empty when unset. */
    public static List<SqlDsn> fromConf(PerlValue value) {
        List<SqlDsn> out = new ArrayList<>();
        if (value == null || !value.isDefined()) return out;
        if (!(value instanceof PerlValue.ArrayRef list)) {
            throw new SqlLookupException("@lookup_sql_dsn must be a list of [dsn, user, password] triples");
        }
        for (PerlValue e : list.elements()) {
            if (e instanceof PerlValue.ArrayRef t && !t.elements().isEmpty()) {
                List<PerlValue> x = t.elements();
                out.add(new SqlDsn(
                        x.get(0).asString(),
                        x.size() > 1 ? nullIfUndef(x.get(1)) : null,
                        x.size() > 2 ? nullIfUndef(x.get(2)) : null));
            } else if (e instanceof PerlValue.Str s) {
                out.add(new SqlDsn(s.value(), null, null));
            } else {
                throw new SqlLookupException(
                        "@lookup_sql_dsn: each element must be [dsn, user, password], got " + e.asString());
            }
        }
        return out;
    }

    private static String nullIfUndef(PerlValue v) {
        return v.isDefined() && !v.asString().isEmpty() ? v.asString() : null;
    }

    /** The driver part: "Pg", "SQLite", "H2", "mysql", or "jdbc" for a JDBC URL. */
    public String driver() {
        if (dsn.regionMatches(true, 0, "jdbc:", 0, 5)) return "jdbc";
        String[] p = dsn.split(":", 3);
        if (p.length < 3 || !p[0].equalsIgnoreCase("dbi")) {
            throw new SqlLookupException("not a DBI data source name (DBI:driver:attributes): " + dsn);
        }
        return p[1];
    }

    private String attributes() {
        return dsn.split(":", 3)[2];
    }

    /** The JDBC URL; throws SqlLookupException for an unsupported driver. */
    public String jdbcUrl() {
        String driver = driver();
        switch (driver.toLowerCase(Locale.ROOT)) {
            case "jdbc":
                return dsn;
            case "pg": {
                Map<String, String> a = attrs(attributes());
                String db = first(a, "dbname", "database", "db");
                String host = first(a, "host", "hostaddr");
                String port = first(a, "port");
                if (host == null || host.startsWith("/")) host = "127.0.0.1";
                if (host.indexOf(':') >= 0 && !host.startsWith("[")) host = "[" + host + "]";
                StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host);
                if (port != null) url.append(':').append(port);
                url.append('/').append(db == null ? "" : db);
                char sep = '?';
                for (Map.Entry<String, String> e : a.entrySet()) {
                    if (List.of("dbname", "database", "db", "host", "hostaddr", "port")
                            .contains(e.getKey())) continue;
                    url.append(sep).append(e.getKey()).append('=').append(e.getValue());
                    sep = '&';
                }
                return url.toString();
            }
            case "sqlite": {
                String rest = attributes();
                Map<String, String> a = attrs(rest);
                String file = first(a, "dbname", "database", "db");
                return "jdbc:sqlite:" + (file != null ? file : rest);
            }
            case "h2": {
                String rest = attributes();
                int semi = rest.indexOf(';');
                String head = semi < 0 ? rest : rest.substring(0, semi);
                String tail = semi < 0 ? "" : rest.substring(semi);
                if (head.startsWith("file=")) return "jdbc:h2:file:" + head.substring(5) + tail;
                if (head.startsWith("mem=")) return "jdbc:h2:mem:" + head.substring(4) + ";DB_CLOSE_DELAY=-1" + tail;
                if (head.startsWith("tcp=")) return "jdbc:h2:tcp:" + head.substring(4) + tail;
                return "jdbc:h2:" + rest;
            }
            case "mysql":
            case "mariadb":
                throw new SqlLookupException(
                        "@lookup_sql_dsn " + dsn + ": no MySQL/MariaDB driver is bundled;"
                                + " use PostgreSQL (DBI:Pg:...), SQLite (DBI:SQLite:dbname=...) or the embedded H2 (DBI:H2:file=...)");
            default:
                throw new SqlLookupException("@lookup_sql_dsn " + dsn + ": unsupported DBI driver '" + driver
                        + "' (supported: Pg, SQLite, H2, or a jdbc: URL)");
        }
    }

    private static String first(Map<String, String> a, String... names) {
        for (String n : names) {
            if (a.containsKey(n)) return a.get(n);
        }
        return null;
    }

    private static Map<String, String> attrs(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0)
                m.put(
                        part.substring(0, eq).trim().toLowerCase(Locale.ROOT),
                        part.substring(eq + 1).trim());
        }
        return m;
    }

    /** The DSN for logs: never the password. */
    @Override
    public String toString() {
        return dsn + (user == null ? "" : " user " + user);
    }
}
