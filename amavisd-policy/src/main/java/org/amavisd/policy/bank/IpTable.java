package org.amavisd.policy.bank;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.net.Cidr;
import org.amavisd.policy.net.IpAcl;

/**
 * One IP lookup table of @mynetworks_maps or @client_ipaddr_policy, as amavisd-new's lookup_ip_acl
 * reads it: a list of networks (first match, "!" refuses), a hash of canonical addresses and
 * classful IPv4 prefixes ("10", "192.168"), or a constant.
 */
public sealed interface IpTable {
    boolean matches(String address);

    record Networks(IpAcl acl) implements IpTable {
        @Override
        public boolean matches(String address) {
            return acl.matches(address);
        }
    }

    record Hash(Map<String, PerlValue> entries) implements IpTable {
        @Override
        public boolean matches(String address) {
            InetAddress ip = parse(address);
            if (ip == null) return false;
            List<String> keys = new ArrayList<>();
            if (ip instanceof Inet4Address) {
                String[] oct = ip.getHostAddress().split("\\.");
                for (int n = 4; n >= 1; n--) keys.add(String.join(".", java.util.Arrays.copyOf(oct, n)));
            } else {
                keys.add(ip.getHostAddress().toLowerCase(java.util.Locale.ROOT));
            }
            for (String k : keys) {
                PerlValue v = entries.get(k);
                if (v != null) return v.isTrue();
            }
            return false;
        }
    }

    record Constant(boolean value) implements IpTable {
        @Override
        public boolean matches(String address) {
            return value;
        }
    }

    /** The table a config value describes; IllegalArgumentException naming what is wrong. */
    static IpTable of(PerlValue v) {
        if (v instanceof PerlValue.ScalarRef r) return of(r.target());
        if (v instanceof PerlValue.ArrayRef a) {
            List<String> items = new ArrayList<>();
            a.elements().forEach(e -> items.add(e.asString()));
            return new Networks(IpAcl.parse(items));
        }
        if (v instanceof PerlValue.HashRef h) return new Hash(h.entries());
        if (v instanceof PerlValue.Str || v instanceof PerlValue.Undef) return new Constant(v.isTrue());
        throw new IllegalArgumentException("not an IP lookup table: " + v.asString());
    }

    private static InetAddress parse(String address) {
        try {
            return InetAddress.getByAddress(Cidr.parse(address).network());
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}
