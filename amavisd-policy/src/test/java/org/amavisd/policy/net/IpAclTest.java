package org.amavisd.policy.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpAclTest {
    private static boolean allows(IpAcl acl, String ip) throws Exception {
        return acl.test(InetAddress.getByName(ip));
    }

    @Test
    void firstMatchWinsNegationRefusesAndNoMatchRefuses() throws Exception {
        IpAcl acl = IpAcl.parse(List.of("127.0.0.1", "[::1]", "!10.1.2.3", "10.0.0.0/8", "[2001:db8::]/32"));
        assertThat(allows(acl, "127.0.0.1")).isTrue();
        assertThat(allows(acl, "::1")).isTrue();
        assertThat(allows(acl, "10.1.2.3")).isFalse();
        assertThat(allows(acl, "10.200.0.1")).isTrue();
        assertThat(allows(acl, "2001:db8:1::5")).isTrue();
        assertThat(allows(acl, "2001:db9::5")).isFalse();
        assertThat(allows(acl, "192.0.2.1")).isFalse();
    }

    @Test
    void ipv4NetworksMatchIpv4MappedAddressesAndTruncatedQuadsAreNetworks() throws Exception {
        IpAcl acl = IpAcl.parse(List.of("192.168", "172.16.0.0/12"));
        assertThat(allows(acl, "::ffff:192.168.7.7")).isTrue();
        assertThat(allows(acl, "192.168.255.1")).isTrue();
        assertThat(allows(acl, "172.31.0.1")).isTrue();
        assertThat(allows(acl, "172.32.0.1")).isFalse();
        assertThat(acl.matches("IPv6:::ffff:172.16.0.1")).isTrue();
        assertThat(acl.matches("not-an-ip")).isFalse();
    }

    @Test
    void namesAndBadPrefixesAreErrorsNotLookups() {
        assertThatThrownBy(() -> IpAcl.parse(List.of("localhost"))).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> IpAcl.parse(List.of("10.0.0.0/33"))).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> IpAcl.parse(List.of("300.1.1.1"))).hasMessageContaining("not an IP address");
        assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    }
}
