package org.amavisd.policy.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LookupKey;
import org.amavisd.policy.lookup.Maps;
import org.junit.jupiter.api.Test;

class PolicyBanksTest {
    private static PolicyBanks banks(String conf) throws Exception {
        return PolicyBanks.from(AmavisConf.parse(conf, "test.conf"));
    }

    private final List<String> warnings = new ArrayList<>();

    @Test
    void interfacePolicyLoadsTheBankOfThePortOverTheBase() throws Exception {
        PolicyBanks b = banks("""
                $log_level = 1;
                $interface_policy{'10026'} = 'ORIG';
                $policy_bank{'ORIG'} = { originating => 1, log_level => 3, forward_method => 'smtp:[127.0.0.1]:10027' };
                """);
        PolicyBank orig = b.forPort(10026, warnings);
        assertThat(orig.path()).isEqualTo("ORIG");
        assertThat(orig.originating()).isTrue();
        assertThat(orig.get("log_level")).contains(PerlValue.of(3));
        assertThat(orig.get("forward_method").orElseThrow().asString()).isEqualTo("smtp:[127.0.0.1]:10027");
        PolicyBank plain = b.forPort(10024, warnings);
        assertThat(plain.names()).isEmpty();
        assertThat(plain.originating()).isFalse();
        assertThat(plain.get("log_level")).contains(PerlValue.of(1));
        assertThat(warnings).isEmpty();
    }

    @Test
    void mynetworksGivesMynetsWhichImpliesOriginating() throws Exception {
        PolicyBanks b =
                banks("@mynetworks = qw(!10.9.9.9 10.0.0.0/8 [2001:db8::]/32);\n$policy_bank{'MYNETS'} = {};\n");
        assertThat(b.forClient(b.base(), "10.1.2.3", warnings).path()).isEqualTo("MYNETS");
        assertThat(b.forClient(b.base(), "10.1.2.3", warnings).originating()).isTrue();
        assertThat(b.forClient(b.base(), "10.9.9.9", warnings).names()).isEmpty();
        assertThat(b.forClient(b.base(), "2001:db8::7", warnings).path()).isEqualTo("MYNETS");
        assertThat(b.forClient(b.base(), "192.0.2.1", warnings).originating()).isFalse();
        assertThat(b.forClient(b.base(), null, warnings).names())
                .as("unknown client is 0.0.0.0")
                .isEmpty();
    }

    @Test
    void withoutAMynetsBankDefinedNothingIsLoadedAsInAmavisdNew() throws Exception {
        // amavisd-new 2.13 ignores banks %policy_bank does not define; its stock amavisd.conf defines MYNETS
        PolicyBanks b = banks("@mynetworks = qw(10.0.0.0/8);\n");
        assertThat(b.forClient(b.base(), "10.1.2.3", warnings).originating()).isFalse();
    }

    @Test
    void clientIpaddrPolicyPairsFirstMatchLoadsEachNamedBank() throws Exception {
        PolicyBanks b = banks("""
                @client_ipaddr_policy = ( [qw(192.168.1.0/24)] => 'LAN, TRUSTED', \\@mynetworks => 'MYNETS' );
                $policy_bank{'LAN'} = { bypass_spam_checks_maps => [1] };
                $policy_bank{'TRUSTED'} = { originating => 1 };
                $policy_bank{'MYNETS'} = { log_level => 4 };
                """);
        PolicyBank lan = b.forClient(b.base(), "192.168.1.20", warnings);
        assertThat(lan.names()).containsExactly("LAN", "TRUSTED");
        assertThat(lan.originating()).isTrue();
        assertThat(Maps.chain("bypass", lan.get("bypass_spam_checks_maps").orElseThrow())
                        .isTrue(LookupKey.of("a@b")))
                .isTrue();
        PolicyBank loop = b.forClient(b.base(), "127.0.0.1", warnings);
        assertThat(loop.path()).isEqualTo("MYNETS");
        assertThat(loop.get("log_level")).contains(PerlValue.of(4));
    }

    @Test
    void banksStackAndHashesMergeUnlessReplace() throws Exception {
        PolicyBanks b = banks("""
                $interface_policy{'10026'} = 'ORIG';
                %final_destiny_maps_by_ccat = ( 'x' => 1, 'y' => 2 );
                $policy_bank{'ORIG'} = { final_destiny_maps_by_ccat => { y => 20, z => 30 } };
                $policy_bank{'MYNETS'} = {};
                $policy_bank{'STRICT'} = { final_destiny_maps_by_ccat => { REPLACE => 1, q => 9 }, bogus_field => 1 };
                """);
        PolicyBank orig = b.forClient(b.forPort(10026, warnings), "127.0.0.1", warnings);
        assertThat(orig.path()).isEqualTo("ORIG/MYNETS");
        PerlValue.HashRef merged =
                (PerlValue.HashRef) orig.get("final_destiny_maps_by_ccat").orElseThrow();
        assertThat(merged.entries()).containsOnlyKeys("x", "y", "z");
        assertThat(merged.entries().get("y")).isEqualTo(PerlValue.of(20));
        PolicyBank strict = b.load(orig, "STRICT", warnings);
        assertThat(((PerlValue.HashRef) strict.get("final_destiny_maps_by_ccat").orElseThrow()).entries())
                .containsOnlyKeys("q");
        assertThat(warnings).containsExactly("policy bank STRICT: unknown field 'bogus_field'");
        assertThat(b.load(orig, "NOSUCH", warnings)).isSameAs(orig);
    }

    @Test
    void aBadTableIsAConfigErrorAtLoadTime() {
        assertThatThrownBy(() -> banks("@mynetworks = qw(10.0.0.0/8 not-a-network);\n"))
                .hasMessageContaining("not an IP address or network: 'not-a-network'");
        assertThatThrownBy(() -> banks("@client_ipaddr_policy = ( [qw(10.0.0.0/8)] );\n"))
                .hasMessageContaining("pairs");
    }

    /** Not at <default>:0:0, where the default @mynetworks_maps = (\\@mynetworks) was written. */
    @Test
    void aBadAddressIsReportedWhereItsArrayWasWritten() {
        assertThatThrownBy(() -> banks("$log_level = 1;\n@mynetworks = qw(127.0.0.0/8 10.0.0.300/8);\n"))
                .hasMessage("test.conf:2:13: @mynetworks: not an IP address or network: '10.0.0.300/8'");
        assertThatThrownBy(() -> banks("our @nets = qw(10.1.1.1/33);\n  @mynetworks_maps = (\\@nets);\n"))
                .hasMessage("test.conf:1:11: @nets: bad prefix length in network '10.1.1.1/33'");
        assertThatThrownBy(() -> banks("@mynetworks_maps = ([qw(1.2.3.4 x)]);\n"))
                .hasMessage("test.conf:1:18: @mynetworks_maps: not an IP address or network: 'x'");
        assertThatThrownBy(() -> banks("$policy_bank{'B'} = { mynetworks_maps => [[qw(10.0.0.0/99)]] };\n"))
                .hasMessage("test.conf:1:19: %policy_bank: bank 'B': mynetworks_maps: bad prefix length in network"
                        + " '10.0.0.0/99'");
    }

    @Test
    void interfacePolicyNamingAMissingBankIsReported() throws Exception {
        assertThat(banks("$interface_policy{'10026'} = 'ORIG';\n").warnings())
                .containsExactly(
                        "%interface_policy: port 10026 names policy bank 'ORIG', which %policy_bank does not define");
    }
}
