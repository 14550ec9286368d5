package org.amavisd.policy.lookup;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookup database of @lookup_sql_dsn: one connection pool (HikariCP) per triple, the first
 * that works is used as long as it works; when it fails the next ones are tried in order
 * (amavisd-new's failover). When none can be reached, {@link SqlLookupException}.
 */
public final class SqlDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqlDatabase.class);

    /** Timeouts: getting a connection (also the connect timeout of the driver), and a query. */
    public record Timeouts(Duration connect, Duration query) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** What to run on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final List<SqlDsn> dsns;
    private final Timeouts timeouts;
    private final int poolSize;
    private final HikariDataSource[] pools;
    private volatile int current;
    private volatile boolean closed;

    public SqlDatabase(List<SqlDsn> dsns, Timeouts timeouts, int poolSize) {
        if (dsns.isEmpty()) throw new SqlLookupException("@lookup_sql_dsn is empty");
        this.dsns = List.copyOf(dsns);
        this.timeouts = timeouts;
        this.poolSize = poolSize;
        this.pools = new HikariDataSource[this.dsns.size()];
        for (SqlDsn d : this.dsns) d.jdbcUrl(); // refuse unsupported drivers now, at startup
    }

    public SqlDatabase(List<SqlDsn> dsns) {
        this(dsns, Timeouts.DEFAULT, 4);
    }

    public List<SqlDsn> dsns() {
        return dsns;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** Runs the work on the current database, failing over to the next ones in order. */
    public <T> T run(Work<T> work) {
        if (closed) throw new SqlLookupException("SQL lookups are closed");
        int start = current;
        SQLException last = null;
        for (int i = 0; i < dsns.size(); i++) {
            int idx = (start + i) % dsns.size();
            Connection c;
            try {
                c = pool(idx).getConnection();
            } catch (SQLException | RuntimeException e) {
                log.warn("SQL lookup database {} unavailable: {}", dsns.get(idx), e.getMessage());
                last = e instanceof SQLException s ? s : new SQLException(e);
                continue;
            }
            try (c) {
                T result = work.run(c);
                if (idx != current) {
                    log.info("SQL lookups now use {}", dsns.get(idx));
                    current = idx;
                }
                return result;
            } catch (SQLException e) {
                if (!isConnectionFailure(e)) {
                    throw new SqlLookupException("SQL lookup failed on " + dsns.get(idx) + ": " + e.getMessage(), e);
                }
                log.warn("SQL lookup database {} failed: {}", dsns.get(idx), e.getMessage());
                last = e;
            }
        }
        throw new SqlLookupException(
                "no SQL lookup database of @lookup_sql_dsn is reachable (" + dsns + "): "
                        + (last == null ? "?" : last.getMessage()),
                last);
    }

    /** SQLSTATE class 08 (connection exception), or a timeout. */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("08"))
                || e instanceof java.sql.SQLTransientConnectionException
                || e instanceof java.sql.SQLNonTransientConnectionException
                || e instanceof java.sql.SQLTimeoutException
                || (state != null && state.equals("57P01"));
    }

    private synchronized HikariDataSource pool(int idx) {
        if (pools[idx] == null) {
            SqlDsn d = dsns.get(idx);
            HikariConfig hc = new HikariConfig();
            String url = d.jdbcUrl();
            hc.setJdbcUrl(url);
            if (d.user() != null) hc.setUsername(d.user());
            if (d.password() != null) hc.setPassword(d.password());
            hc.setPoolName("amavisd-sql-lookup-" + idx);
            hc.setMaximumPoolSize(poolSize);
            hc.setMinimumIdle(0);
            hc.setInitializationFailTimeout(-1);
            long connectMs = Math.max(250, timeouts.connect().toMillis());
            hc.setConnectionTimeout(connectMs);
            hc.setValidationTimeout(Math.max(250, Math.min(connectMs, 5000)));
            hc.setReadOnly(false);
            if (url.startsWith("jdbc:postgresql:")) {
                long s = Math.max(1, timeouts.connect().toSeconds());
                hc.addDataSourceProperty("connectTimeout", Long.toString(s));
                hc.addDataSourceProperty("loginTimeout", Long.toString(s));
                hc.addDataSourceProperty(
                        "socketTimeout",
                        Long.toString(Math.max(1, timeouts.query().toSeconds() + 5)));
                hc.addDataSourceProperty("ApplicationName", "amavisd");
                // bind strings untyped, as DBD::Pg does: "wblist.rid = ?" compares an integer column
                hc.addDataSourceProperty("stringtype", "unspecified");
            }
            pools[idx] = new HikariDataSource(hc);
        }
        return pools[idx];
    }

    /** Seconds for Statement.setQueryTimeout. */
    public int queryTimeoutSeconds() {
        return (int) Math.max(1, timeouts.query().toSeconds());
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (int i = 0; i < pools.length; i++) {
            if (pools[i] != null) {
                pools[i].close();
                pools[i] = null;
            }
        }
    }

    @Override
    public String toString() {
        List<String> s = new ArrayList<>();
        for (SqlDsn d : dsns) s.add(d.dsn().toLowerCase(Locale.ROOT).startsWith("jdbc:") ? d.dsn() : d.toString());
        return "SQL " + s;
    }
}
