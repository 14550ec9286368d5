package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL lookup semantics on the embedded H2 database, plus DSN handling, failover and failure. */
class SqlLookupH2Test extends SqlLookupContract {
    @TempDir
    Path tmp;

    @Override
    SqlDsn startDatabase() {
        return new SqlDsn("DBI:H2:mem=sqlcontract", null, null);
    }

    @Test
    void dbiDsnsTranslateToJdbc() {
        assertThat(new SqlDsn("DBI:Pg:database=mail;host=127.0.0.1;port=5432", "u", "p").jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/mail");
        assertThat(new SqlDsn("dbi:Pg:dbname=mail_prefs;sslmode=require", null, null).jdbcUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1/mail_prefs?sslmode=require");
        assertThat(new SqlDsn("DBI:SQLite:dbname=/var/amavis/prefs.sqlite", "", "").jdbcUrl())
                .isEqualTo("jdbc:sqlite:/var/amavis/prefs.sqlite");
        assertThat(new SqlDsn("DBI:H2:file=/var/amavis/db/lookups", null, null).jdbcUrl())
                .isEqualTo("jdbc:h2:file:/var/amavis/db/lookups");
        assertThat(new SqlDsn("jdbc:h2:mem:x", null, null).jdbcUrl()).isEqualTo("jdbc:h2:mem:x");
        assertThatThrownBy(() -> new SqlDsn("DBI:mysql:database=mail;host=127.0.0.1", "u", "p").jdbcUrl())
                .isInstanceOf(SqlLookupException.class)
                .hasMessageContaining("no MySQL");
        assertThatThrownBy(() -> new SqlDsn("DBI:Oracle:x", null, null).jdbcUrl())
                .isInstanceOf(SqlLookupException.class);
        assertThat(new SqlDsn("DBI:Pg:database=m", "amavis", "secret").toString())
                .doesNotContain("secret");
    }

    @Test
    void queryKeysAsAmavisdNewMakesThem() {
        LookupKey k = key("User+Foo@Sub.Example.COM.");
        assertThat(SqlQueryKeys.of(k, false, true, false).keys())
                .containsExactly(
                        "User+Foo@Sub.Example.COM.",
                        "user+foo@sub.example.com",
                        "user@sub.example.com",
                        "user+foo",
                        "user",
                        "@sub.example.com",
                        "@.sub.example.com",
                        "@.example.com",
                        "@.com",
                        "@.");
        assertThat(SqlQueryKeys.of(k, false, false, false).keys()).doesNotContain("user", "user+foo");
        assertThat(SqlQueryKeys.of(k, true, true, false).keys())
                .containsExactly(
                        "User+Foo@Sub.Example.COM.",
                        "user+foo@sub.example.com",
                        "user@sub.example.com",
                        "user+foo@",
                        "user@",
                        "sub.example.com",
                        ".sub.example.com",
                        ".example.com",
                        ".com",
                        ".");
        assertThat(SqlQueryKeys.of(key(""), false, false, false).keys()).containsExactly("", "@", "@.");
        assertThat(SqlQueryKeys.of(key(""), true, false, false).keys()).containsExactly("", "@", ".");
        assertThat(SqlQueryKeys.of(key("a@[192.0.2.1]"), false, false, false).keys())
                .containsExactly("a@[192.0.2.1]", "@[192.0.2.1]", "@.");
        assertThat(SqlQueryKeys.of(key("j\u00f6rg@b\u00fccher.example"), false, false, false)
                        .keys()
                        .get(1))
                .as("8-bit replaced, domain in IDNA form")
                .isEqualTo("j?rg@xn--bcher-kva.example");
        SqlQueryKeys parts = SqlQueryKeys.of(key("Joe+Tag@Example.com"), false, false, false);
        assertThat(List.of(parts.address(), parts.fullLocalPart(), parts.user(), parts.extension(), parts.domain()))
                .containsExactly("Joe+Tag@Example.com", "Joe+Tag", "joe", "+tag", "example.com");
    }

    @Test
    void placeholdersExpand() {
        SqlQueryKeys keys = SqlQueryKeys.of(key("a+b@x.test"), false, false, false);
        SqlSelect.Statement st = SqlSelect.expand(
                "SELECT wb FROM t WHERE rid=? AND (email IN (%k) OR d=%d OR u=%u" + " OR e=%e OR l=%l OR a=%a) AND z=?",
                keys, List.of("42"), false);
        assertThat(st.sql())
                .isEqualTo("SELECT wb FROM t WHERE rid=? AND (email IN (?,?,?,?,?,?) OR d=? OR u=?"
                        + " OR e=? OR l=? OR a=?) AND z=?");
        assertThat(st.parameters())
                .containsExactly(
                        "42",
                        "a+b@x.test",
                        "a@x.test",
                        "@x.test",
                        "@.x.test",
                        "@.test",
                        "@.",
                        "x.test",
                        "a",
                        "+b",
                        "a+b",
                        "a+b@x.test",
                        "");
    }

    @Test
    void numbersPrintAsPerlPrintsThem() {
        assertThat(SqlLookup.perlNumber("7.0")).isEqualTo("7");
        assertThat(SqlLookup.perlNumber(" 6.300")).isEqualTo("6.3");
        assertThat(SqlLookup.perlNumber("-2.5e1")).isEqualTo("-25");
        assertThat(SqlLookup.perlNumber("abc")).isEqualTo("0");
        assertThat(SqlLookup.perlNumber("5.5x")).isEqualTo("5.5");
    }

    @Test
    void unreachableDatabaseThrowsNeverNoOpinion() {
        SqlDatabase dead = new SqlDatabase(
                List.of(new SqlDsn("DBI:Pg:database=mail;host=127.0.0.1;port=1", "u", "p")),
                new SqlDatabase.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(2)),
                2);
        try (SqlLookups s = new SqlLookups(dead, SqlLookups.Options.defaults(), k -> false)) {
            SqlLookup f = s.field("spam_lover", SqlFieldType.BOOLEAN);
            assertThatThrownBy(() -> f.lookup(key("joe@example.com")))
                    .isInstanceOf(SqlLookupException.class)
                    .hasMessageContaining("reachable");
        }
    }

    @Test
    void failsOverToTheNextDsn() {
        SqlDatabase two = new SqlDatabase(
                List.of(new SqlDsn("DBI:Pg:database=mail;host=127.0.0.1;port=1", "u", "p"), dsn),
                new SqlDatabase.Timeouts(Duration.ofMillis(500), Duration.ofSeconds(2)),
                2);
        try (SqlLookups s = new SqlLookups(two, SqlLookups.Options.defaults(), IS_LOCAL)) {
            assertThat(s.field("spam_lover", SqlFieldType.BOOLEAN).lookup(key("joe+list@example.com")))
                    .contains(PerlValue.of(1));
        }
    }

    @Test
    void badClauseIsAnErrorNotNoOpinion() {
        try (SqlLookups s = new SqlLookups(
                new SqlDatabase(List.of(dsn)),
                SqlLookups.Options.defaults().withSelectPolicy("SELECT * FROM no_such_table WHERE email IN (%k)"),
                IS_LOCAL)) {
            assertThatThrownBy(() -> s.field("spam_lover", SqlFieldType.BOOLEAN).lookup(key("a@b.test")))
                    .isInstanceOf(SqlLookupException.class);
        }
    }

    @Test
    void fromConfiguration() throws Exception {
        AmavisConf off = AmavisConf.parse("1;\n", "t.conf");
        assertThat(SqlLookups.fromConf(off, IS_LOCAL)).isEmpty();
        AmavisConf conf = AmavisConf.parse("@lookup_sql_dsn = ( ['DBI:mysql:database=m', 'u', 'p'] );\n1;\n", "t.conf");
        assertThatThrownBy(() -> SqlLookups.fromConf(conf, IS_LOCAL))
                .isInstanceOf(SqlLookupException.class)
                .hasMessageContaining("MySQL");
        AmavisConf h2 = AmavisConf.parse(
                "@lookup_sql_dsn = ( ['DBI:H2:mem=sqlcontract', '', ''] );\n"
                        + "$sql_select_policy = 'SELECT *, users.id FROM users, policy WHERE users.policy_id = policy.id"
                        + " AND users.email IN (%k) ORDER BY users.priority DESC';\n1;\n",
                "t.conf");
        Optional<SqlLookups> s = SqlLookups.fromConf(h2, IS_LOCAL);
        assertThat(s).isPresent();
        try (SqlLookups l = s.get()) {
            assertThat(l.policy().clause()).startsWith("SELECT *, users.id");
            assertThat(l.impliedFor("@spam_tag2_level_maps").orElseThrow().lookup(key("joe@example.com")))
                    .contains(PerlValue.of("6.31"));
            assertThat(l.wbList()).isNotNull();
        }
    }

    @Test
    void sqliteFileDatabase() throws Exception {
        Path file = tmp.resolve("prefs.sqlite");
        SqlDsn lite = new SqlDsn("DBI:SQLite:dbname=" + file, "", "");
        try (Connection c = DriverManager.getConnection(lite.jdbcUrl());
                Statement st = c.createStatement()) {
            SqlSchema.create(c);
            for (String s : DATA) st.execute(s);
        }
        try (SqlLookups s = new SqlLookups(new SqlDatabase(List.of(lite)), SqlLookups.Options.defaults(), IS_LOCAL)) {
            assertThat(s.field("spam_tag2_level", SqlFieldType.NUMERIC).lookup(key("joe+list@example.com")))
                    .contains(PerlValue.of("6.31"));
            assertThat(s.wbList()
                            .check(key("joe@example.com"), key("any@spam.test"))
                            .kind())
                    .isEqualTo(SqlWbList.Kind.BLACKLISTED);
        }
    }
}
