package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.Test;

/** The key order and matching rules of README.lookups, one rule per assertion. */
class LookupMapsTest {
    private static LookupKey key(String addr) {
        return new LookupKey(addr, "+", false);
    }

    @Test
    void hashKeysInAmavisdNewsOrder() {
        assertThat(key("User+foo@Sub.Example.COM").hashKeys())
                .containsExactly(
                        "user+foo@sub.example.com",
                        "user@sub.example.com",
                        "user+foo@",
                        "user@",
                        "sub.example.com",
                        ".sub.example.com",
                        ".example.com",
                        ".com",
                        ".");
        assertThat(LookupKey.of("user+foo@example.com").hashKeys())
                .as("no delimiter, no stripping")
                .containsExactly("user+foo@example.com", "user+foo@", "example.com", ".example.com", ".com", ".");
        assertThat(key("").hashKeys()).as("the null sender").containsExactly("", "@", ".");
        assertThat(new LookupKey("Bob@X.Org", "+", true).hashKeys().get(0)).isEqualTo("Bob@x.org");
        assertThat(key("+foo@example.com").localPartWithoutExtension())
                .as("a leading delimiter is no extension")
                .isNull();
    }

    @Test
    void hashStopsAtTheFirstPresentKeyAndUndefMeansAskTheNextTable() {
        Map<String, PerlValue> m = new LinkedHashMap<>();
        m.put("boss@example.com", PerlValue.of(0));
        m.put(".Example.com", PerlValue.of(1));
        m.put("nobody@example.com", new PerlValue.Undef());
        HashLookup h = new HashLookup("%local_domains", m);
        assertThat(h.lookup(key("someone@mail.example.com"))).contains(PerlValue.of(1));
        assertThat(h.lookup(key("boss+x@example.com"))).contains(PerlValue.of(0));
        assertThat(h.lookup(key("nobody@example.com"))).isEmpty();
        assertThat(h.lookup(key("x@example.org"))).isEmpty();
    }

    @Test
    void aclMatchesAsReadmeLookupsSays() {
        AclLookup acl = new AclLookup("@acl", List.of("me.ac.uk", "!.ac.uk", ".uk"));
        assertThat(acl.lookup(key("u@me.ac.uk"))).contains(PerlValue.of(1));
        assertThat(acl.lookup(key("u@you.ac.uk"))).contains(PerlValue.of(0));
        assertThat(acl.lookup(key("u@them.co.uk"))).contains(PerlValue.of(1));
        assertThat(acl.lookup(key("u@some.com"))).isEmpty();
        assertThat(new AclLookup("@a", List.of("!The.Boss@dept1.xxx.com", ".dept1.xxx.com"))
                        .lookup(key("the.boss@DEPT1.xxx.com")))
                .contains(PerlValue.of(0));
        assertThat(new AclLookup("@a", List.of("sub.xxx.com")).lookup(key("a@x.sub.xxx.com")))
                .as("exact domain only")
                .isEmpty();
        assertThat(new AclLookup("@a", List.of("!.")).lookup(key("a@b.c"))).contains(PerlValue.of(0));
    }

    @Test
    void chainAsksEachMapUntilOneAnswers() {
        LookupChain chain = new LookupChain(
                "@local_domains_maps",
                List.of(
                        new HashLookup("%h", Map.of("example.com", PerlValue.of(1))),
                        new AclLookup("@acl", List.of("!.example.net")),
                        new ConstantLookup(PerlValue.of("fallback"))));
        assertThat(chain.lookup(key("a@example.com"))).contains(PerlValue.of(1));
        assertThat(chain.isTrue(key("a@mail.example.net"))).isFalse();
        assertThat(chain.lookup(key("a@example.org"))).isEqualTo(Optional.of(PerlValue.of("fallback")));
        assertThat(new LookupChain("@x", List.of(new ConstantLookup(new PerlValue.Undef()))).lookup(key("a@b")))
                .isEmpty();
    }

    @Test
    void mapsFromConfigValuesOfEveryKind() throws Exception {
        org.amavisd.policy.conf.AmavisConf c = org.amavisd.policy.conf.AmavisConf.parse("""
                %local_domains = ('example.com' => 1);
                @local_domains_acl = qw(.example.net);
                $local_domains_re = new_RE( qr'^[^@]+@(?:mx|mail)\\.example\\.org$'i, [qr'@lists\\.' => 0] );
                """, "t.conf");
        LookupChain local =
                Maps.chain("@local_domains_maps", c.get("@local_domains_maps").orElseThrow());
        assertThat(local.isTrue(key("a@example.com"))).isTrue();
        assertThat(local.isTrue(key("a@sub.example.net"))).isTrue();
        assertThat(local.isTrue(key("a@MX.example.org"))).isTrue();
        assertThat(local.lookup(key("a@lists.example.org"))).contains(PerlValue.of(0));
        assertThat(local.lookup(key("a@example.org"))).isEmpty();
    }
}
