package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The semantics of SQL lookups, run against each database kind (H2 embedded, PostgreSQL, ...).
 * Test data of our own, shaped like README.sql's example: a policy per users row, priorities from
 * specific (9) to the catch-all (0).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SqlLookupContract {
    /** Starts the database if needed and returns its DSN. */
    abstract SqlDsn startDatabase() throws Exception;

    void stopDatabase() throws Exception {}

    SqlDsn dsn;
    SqlDatabase db;
    SqlLookups sql;
    static final Set<String> LOCAL_DOMAINS = Set.of("example.com", "example.org");
    static final Predicate<LookupKey> IS_LOCAL = k -> {
        String d = k.domain();
        for (String l : LOCAL_DOMAINS) if (d.equals(l) || d.endsWith("." + l)) return true;
        return false;
    };

    @BeforeAll
    void setUpDatabase() throws Exception {
        dsn = startDatabase();
        try (Connection c = DriverManager.getConnection(dsn.jdbcUrl(), dsn.user(), dsn.password());
                Statement st = c.createStatement()) {
            for (String t : List.of("wblist", "mailaddr", "users", "policy")) {
                try {
                    st.execute("DROP TABLE " + t);
                } catch (SQLException ignored) {
                    // not there yet
                }
            }
            SqlSchema.create(c);
            for (String s : DATA) st.execute(s);
        }
        db = new SqlDatabase(List.of(dsn));
        sql = new SqlLookups(db, SqlLookups.Options.defaults(), IS_LOCAL);
    }

    @AfterAll
    void tearDownDatabase() throws Exception {
        if (sql != null) sql.close();
        stopDatabase();
    }

    @BeforeEach
    void newMessage() {
        sql.clearCache();
    }

    static final List<String> DATA = List.of(
            "INSERT INTO policy (id, policy_name, virus_lover, spam_lover, spam_tag2_level, spam_kill_level)"
                    + " VALUES (1, 'normal', 'N', 'N', 6.31, 9)",
            "INSERT INTO policy (id, policy_name, spam_lover) VALUES (2, 'lover', 'Y')",
            "INSERT INTO policy (id, policy_name, spam_tag2_level, spam_kill_level, spam_subject_tag2, bypass_virus_checks)"
                    + " VALUES (3, 'domain', 5, 7.0, '***SPAM*** ', 'f ')",
            "INSERT INTO policy (id, policy_name, spam_tag2_level, bypass_spam_checks, message_size_limit)"
                    + " VALUES (4, 'catchall', 8, 'n', 10485760)",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (1, 9, 2, 'joe+list@example.com')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (2, 8, 1, 'joe@example.com')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (3, 6, 2, 'postmaster')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (4, 5, 3, '@example.com')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (5, 2, 3, '@.example.org')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (6, 0, 4, '@.')",
            "INSERT INTO users (id, priority, policy_id, email) VALUES (7, 9, 99, 'ghost@example.com')",
            "INSERT INTO mailaddr (id, priority, email) VALUES (1, 9, 'friend@remote.test')",
            "INSERT INTO mailaddr (id, priority, email) VALUES (2, 5, '@spam.test')",
            "INSERT INTO mailaddr (id, priority, email) VALUES (3, 9, 'boss@spam.test')",
            "INSERT INTO mailaddr (id, priority, email) VALUES (4, 5, '@soft.test')",
            "INSERT INTO mailaddr (id, priority, email) VALUES (5, 0, '@.')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (2, 1, 'W')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (2, 2, 'B')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (2, 3, 'W')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (4, 4, ' -3 ')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (6, 4, '2.5')",
            "INSERT INTO wblist (rid, sid, wb) VALUES (6, 5, ' ')");

    static LookupKey key(String addr) {
        return new LookupKey(addr, "+", false);
    }

    String field(String column, SqlFieldType type, String addr) {
        return sql.field(column, type)
                .lookup(key(addr))
                .map(PerlValue::asString)
                .orElse(null);
    }

    @Test
    void mostSpecificNonNullRowAnswers() {
        assertThat(field("spam_lover", SqlFieldType.BOOLEAN, "Joe+list@Example.COM"))
                .as("Y of joe+list@")
                .isEqualTo("1");
        assertThat(field("virus_lover", SqlFieldType.BOOLEAN, "joe+list@example.com"))
                .as("NULL, then N of joe@")
                .isEqualTo("0");
        assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "joe+list@example.com"))
                .isEqualTo("6.31");
        assertThat(field("spam_kill_level", SqlFieldType.NUMERIC, "joe@example.com"))
                .isEqualTo("9");
        assertThat(field("spam_subject_tag2", SqlFieldType.STRING, "joe@example.com"))
                .as("from @example.com")
                .isEqualTo("***SPAM*** ");
        assertThat(field("bypass_virus_checks", SqlFieldType.BOOLEAN, "joe@example.com"))
                .as("'f ' is false")
                .isEqualTo("0");
    }

    @Test
    void subdomainsAndCatchall() {
        assertThat(field("spam_kill_level", SqlFieldType.NUMERIC, "a@mx.example.org"))
                .as("@.example.org, 7.0 is 7")
                .isEqualTo("7");
        assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "x@nowhere.test"))
                .as("@. catch-all")
                .isEqualTo("8");
        assertThat(field("bypass_spam_checks", SqlFieldType.BOOLEAN, "x@nowhere.test"))
                .isEqualTo("0");
        assertThat(field("message_size_limit", SqlFieldType.NUMERIC, "x@nowhere.test"))
                .isEqualTo("10485760");
        assertThat(field("spam_lover", SqlFieldType.BOOLEAN, "x@nowhere.test"))
                .as("NULL everywhere: no opinion")
                .isNull();
        assertThat(field("no_such_column", SqlFieldType.STRING, "x@nowhere.test"))
                .isNull();
    }

    @Test
    void policyIdWithoutPolicyRowStillMatches() {
        assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "ghost@example.com"))
                .as("LEFT JOIN: NULLs, then @example.com")
                .isEqualTo("5");
    }

    @Test
    void bareMailboxKeysOnlyForLocalRecipients() {
        assertThat(field("spam_lover", SqlFieldType.BOOLEAN, "postmaster@example.com"))
                .isEqualTo("1");
        assertThat(field("spam_lover", SqlFieldType.BOOLEAN, "postmaster@elsewhere.test"))
                .isNull();
    }

    @Test
    void localFieldImpliedByAnyMatchButNotByTheCatchall() {
        SqlLookup local = sql.impliedFor("@local_domains_maps").orElseThrow();
        assertThat(local.type()).isEqualTo(SqlFieldType.BOOLEAN_ABSENT_TRUE);
        assertThat(local.lookup(key("joe@example.com"))).contains(PerlValue.of(1));
        assertThat(local.lookup(key("x@nowhere.test")))
                .as("@. alone says nothing")
                .isEmpty();
    }

    @Test
    void oneQueryPerRecipientPerMessage() throws Exception {
        assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "joe@example.com"))
                .isEqualTo("6.31");
        try (Connection c = DriverManager.getConnection(dsn.jdbcUrl(), dsn.user(), dsn.password());
                Statement st = c.createStatement()) {
            st.execute("UPDATE policy SET spam_tag2_level = 4.5 WHERE id = 1");
            try {
                assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "joe@example.com"))
                        .as("cached")
                        .isEqualTo("6.31");
                assertThat(field("spam_kill_level", SqlFieldType.NUMERIC, "joe@example.com"))
                        .isEqualTo("9");
                sql.clearCache();
                assertThat(field("spam_tag2_level", SqlFieldType.NUMERIC, "joe@example.com"))
                        .as("next message")
                        .isEqualTo("4.5");
            } finally {
                st.execute("UPDATE policy SET spam_tag2_level = 6.31 WHERE id = 1");
            }
        }
    }

    @Test
    void impliedMapsArePrependedToTheirLists() {
        LookupChain chain = new LookupChain("@spam_lovers_maps", List.of(new ConstantLookup(PerlValue.of(1))));
        LookupChain withSql = sql.prepend(chain);
        assertThat(withSql.maps()).hasSize(2);
        assertThat(withSql.maps().get(0).describe()).contains("spam_lover");
        assertThat(withSql.isTrue(key("joe@example.com")))
                .as("N in SQL beats the constant")
                .isFalse();
        assertThat(withSql.isTrue(key("x@nowhere.test")))
                .as("NULL: the constant decides")
                .isTrue();
        assertThat(sql.prepend(new LookupChain("@mynetworks_maps", List.of())).maps())
                .isEmpty();
    }

    @Test
    void whiteBlackList() {
        SqlWbList wb = sql.wbList();
        assertThat(wb.userIds(key("joe@example.com"))).containsExactly("2", "4", "6");
        assertThat(wb.check(key("joe@example.com"), key("friend@remote.test")).kind())
                .isEqualTo(SqlWbList.Kind.WHITELISTED);
        assertThat(wb.check(key("joe@example.com"), key("any@spam.test")).kind())
                .isEqualTo(SqlWbList.Kind.BLACKLISTED);
        assertThat(wb.wb(key("joe@example.com"), key("any@spam.test"))).contains("B");
        assertThat(wb.check(key("joe@example.com"), key("boss@spam.test")).kind())
                .as("the more specific sender wins")
                .isEqualTo(SqlWbList.Kind.WHITELISTED);
        SqlWbList.Verdict soft = wb.check(key("joe@example.com"), key("x@soft.test"));
        assertThat(soft.kind()).isEqualTo(SqlWbList.Kind.NOT_LISTED);
        assertThat(soft.scoreBoost()).isEqualTo(-0.5);
        assertThat(wb.check(key("joe@example.com"), key("someone@else.test")).kind())
                .as("' ' for @.: neutral")
                .isEqualTo(SqlWbList.Kind.NEUTRAL);
        assertThat(wb.check(key("x@nowhere.test"), key("friend@remote.test")).kind())
                .as("only rid 6 applies")
                .isEqualTo(SqlWbList.Kind.NEUTRAL);
    }
}
