package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LDAP lookups against UnboundID's in-memory directory, with amavisAccount entries of our own. */
class LdapLookupTest {
    static InMemoryDirectoryServer server;
    static LdapLookups ldap;
    static int port;

    @BeforeAll
    static void startDirectory() throws Exception {
        InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        cfg.setSchema(null); // amavisAccount's attribute types are not in the default schema
        cfg.setListenerConfigs(
                InMemoryListenerConfig.createLDAPConfig("default", java.net.InetAddress.getLoopbackAddress(), 0, null));
        cfg.addAdditionalBindCredentials("cn=amavis", "secret");
        server = new InMemoryDirectoryServer(cfg);
        server.importFromLDIF(
                true, new com.unboundid.ldif.LDIFReader(new java.io.ByteArrayInputStream(LDIF.getBytes())));
        server.startListening();
        port = server.getListenPort();
        ldap = new LdapLookups(
                new LdapDirectory(new LdapConfig(
                        List.of(new LdapConfig.Server("127.0.0.1", port, false)),
                        "ou=People,dc=example,dc=com",
                        "sub",
                        LdapConfig.DEFAULT_FILTER,
                        "cn=amavis",
                        "secret",
                        5)),
                false,
                true,
                k -> k.domain().equals("example.com"));
    }

    @AfterAll
    static void stopDirectory() {
        if (ldap != null) ldap.close();
        if (server != null) server.shutDown(true);
    }

    @BeforeEach
    void newMessage() {
        ldap.clearCache();
    }

    static final String LDIF = """
            dn: dc=example,dc=com
            objectClass: domain
            dc: example

            dn: ou=People,dc=example,dc=com
            objectClass: organizationalUnit
            ou: People

            dn: cn=joe,ou=People,dc=example,dc=com
            objectClass: amavisAccount
            cn: joe
            mail: joe@example.com
            amavisSpamLover: TRUE
            amavisSpamTag2Level: 6.50
            amavisBlacklistSender: @spam.test
            amavisBlacklistSender: Bad@Remote.test
            amavisWhitelistSender: friend@remote.test
            amavisWhitelistSender: @spam.test

            dn: cn=postmaster,ou=People,dc=example,dc=com
            objectClass: amavisAccount
            cn: postmaster
            mail: postmaster
            amavisVirusLover: TRUE

            dn: cn=domain,ou=People,dc=example,dc=com
            objectClass: amavisAccount
            cn: domain
            mail: @example.com
            amavisSpamLover: FALSE
            amavisSpamKillLevel: 9.0
            amavisSpamTag2Level: 5
            amavisSpamSubjectTag2: [SPAM]

            dn: cn=catchall,ou=People,dc=example,dc=com
            objectClass: amavisAccount
            cn: catchall
            mail: @.
            amavisSpamTag2Level: 8
            """;

    static LookupKey key(String a) {
        return new LookupKey(a, "+", false);
    }

    static String attr(String name, SqlFieldType t, String addr) {
        return ldap.attribute(name, t)
                .lookup(key(addr))
                .map(PerlValue::asString)
                .orElse(null);
    }

    @Test
    void mostSpecificEntryWithTheAttributeAnswers() {
        assertThat(attr("amavisSpamLover", SqlFieldType.BOOLEAN, "Joe+tag@Example.COM"))
                .isEqualTo("1");
        assertThat(attr("amavisSpamTag2Level", SqlFieldType.NUMERIC, "joe@example.com"))
                .isEqualTo("6.5");
        assertThat(attr("amavisSpamKillLevel", SqlFieldType.NUMERIC, "joe@example.com"))
                .as("from @example.com")
                .isEqualTo("9");
        assertThat(attr("amavisSpamSubjectTag2", SqlFieldType.STRING, "joe@example.com"))
                .isEqualTo("[SPAM]");
        assertThat(attr("amavisSpamLover", SqlFieldType.BOOLEAN, "ann@example.com"))
                .as("FALSE")
                .isEqualTo("0");
        assertThat(attr("amavisSpamTag2Level", SqlFieldType.NUMERIC, "x@nowhere.test"))
                .as("catch-all")
                .isEqualTo("8");
        assertThat(attr("amavisSpamLover", SqlFieldType.BOOLEAN, "x@nowhere.test"))
                .isNull();
    }

    @Test
    void bareMailboxOnlyForLocal() {
        assertThat(attr("amavisVirusLover", SqlFieldType.BOOLEAN, "postmaster@example.com"))
                .isEqualTo("1");
        assertThat(attr("amavisVirusLover", SqlFieldType.BOOLEAN, "postmaster@other.test"))
                .isNull();
    }

    @Test
    void localImpliedButNotByCatchall() {
        LdapLookup local = ldap.impliedFor("@local_domains_maps").orElseThrow();
        assertThat(local.attribute()).isEqualTo("amavisLocal");
        assertThat(local.lookup(key("joe@example.com"))).contains(PerlValue.of(1));
        assertThat(local.lookup(key("x@nowhere.test"))).isEmpty();
    }

    @Test
    void prependsToMapsLists() {
        LookupChain c =
                ldap.prepend(new LookupChain("@spam_tag2_level_maps", List.of(new ConstantLookup(PerlValue.of(3)))));
        assertThat(c.lookup(key("joe@example.com"))).contains(PerlValue.of("6.5"));
        assertThat(c.maps().get(0).describe()).contains("amavisSpamTag2Level");
        assertThat(LdapLookups.IMPLIED_ATTRIBUTES).containsKeys("@spam_lovers_maps", "@bypass_virus_checks_maps");
    }

    @Test
    void whiteAndBlackListsPerRecipient() {
        assertThat(ldap.whiteBlackList(key("joe@example.com"), key("bad@remote.test")))
                .isEqualTo(SqlWbList.Kind.BLACKLISTED);
        assertThat(ldap.whiteBlackList(key("joe@example.com"), key("friend@remote.test")))
                .isEqualTo(SqlWbList.Kind.WHITELISTED);
        assertThat(ldap.whiteBlackList(key("joe@example.com"), key("x@spam.test")))
                .as("both: whitelist wins")
                .isEqualTo(SqlWbList.Kind.WHITELISTED);
        assertThat(ldap.whiteBlackList(key("joe@example.com"), key("x@other.test")))
                .isEqualTo(SqlWbList.Kind.NOT_LISTED);
    }

    @Test
    void filterExpansionEscapesKeys() {
        List<String> attrs = new ArrayList<>();
        String f = LdapAccountQuery.expandFilter(LdapConfig.DEFAULT_FILTER, List.of("a*b@x.test", "@."), attrs);
        assertThat(f).isEqualTo("(&(objectClass=amavisAccount)(|(mail=a\\2ab@x.test)(mail=@.)))");
        assertThat(attrs).containsExactly("mail");
    }

    @Test
    void oneSearchPerRecipientPerMessage() throws Exception {
        assertThat(attr("amavisSpamTag2Level", SqlFieldType.NUMERIC, "joe@example.com"))
                .isEqualTo("6.5");
        server.modify(
                "cn=joe,ou=People,dc=example,dc=com",
                new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.REPLACE, "amavisSpamTag2Level", "4"));
        try {
            assertThat(attr("amavisSpamTag2Level", SqlFieldType.NUMERIC, "joe@example.com"))
                    .as("cached")
                    .isEqualTo("6.5");
            ldap.clearCache();
            assertThat(attr("amavisSpamTag2Level", SqlFieldType.NUMERIC, "joe@example.com"))
                    .isEqualTo("4");
        } finally {
            server.modify(
                    "cn=joe,ou=People,dc=example,dc=com",
                    new com.unboundid.ldap.sdk.Modification(
                            com.unboundid.ldap.sdk.ModificationType.REPLACE, "amavisSpamTag2Level", "6.50"));
        }
    }

    @Test
    void directoryDownThrows() {
        try (LdapLookups down = new LdapLookups(
                new LdapDirectory(LdapConfig.of("127.0.0.1", 1, "dc=example,dc=com")), false, true, k -> false)) {
            assertThatThrownBy(() -> down.attribute("amavisSpamLover", SqlFieldType.BOOLEAN)
                            .lookup(key("a@b.test")))
                    .isInstanceOf(LdapLookupException.class);
        }
    }

    @Test
    void fromConfiguration() throws Exception {
        assertThat(LdapLookups.fromConf(AmavisConf.parse("1;\n", "t"), k -> false))
                .isEmpty();
        AmavisConf conf = AmavisConf.parse(
                "$enable_ldap = 1;\n$default_ldap = { hostname => [ '127.0.0.1:" + port
                        + "' ], timeout => 5, base => 'ou=People,dc=%d', bind_dn => 'cn=amavis', bind_password => 'secret' };\n1;\n",
                "t");
        LdapConfig c = LdapConfig.fromConf(conf.get("$default_ldap").orElseThrow());
        assertThat(c.servers()).containsExactly(new LdapConfig.Server("127.0.0.1", port, false));
        assertThat(c.queryFilter()).isEqualTo(LdapConfig.DEFAULT_FILTER);
        assertThat(c.toString()).doesNotContain("secret");
        Optional<LdapLookups> l = LdapLookups.fromConf(conf, k -> false);
        assertThat(l).isPresent();
        try (LdapLookups x = l.get()) {
            assertThat(x.attribute("amavisSpamLover", SqlFieldType.BOOLEAN).lookup(key("joe@example.com")))
                    .as("base ou=People,dc=example.com does not exist: no match")
                    .isEmpty();
        }
        assertThat(LdapConfig.fromConf(
                                AmavisConf.parse("$default_ldap = { hostname => 'ldaps://dir.test' };\n1;\n", "t")
                                        .get("$default_ldap")
                                        .orElseThrow())
                        .servers())
                .containsExactly(new LdapConfig.Server("dir.test", 636, true));
    }
}
