package org.amavisd.policy.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network: "10.0.0.0/8", "[2001:db8::]/32", "[::1]", "192.168.1.1". IPv4
 * networks also match IPv4-mapped IPv6 addresses (::ffff:10.1.2.3), as amavisd-new's do.
 * Only literal addresses are accepted: no name is ever looked up.
 */
public record Cidr(byte[] network, int prefixLength) {

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) addr = addr.substring(1, addr.length() - 1);
        if (addr.regionMatches(true, 0, "IPv6:", 0, 5)) addr = addr.substring(5);
        byte[] bytes = literal(addr, text);
        int max = bytes.length * 8;
        int len = max;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in network '" + text + "'");
            }
            if (len < 0 || len > max) throw new IllegalArgumentException("bad prefix length in network '" + text + "'");
        }
        return new Cidr(mask(bytes, len), len);
    }

    private static byte[] literal(String addr, String original) {
        boolean v4 = addr.matches("\\d{1,3}(\\.\\d{1,3}){0,3}");
        boolean v6 = addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) throw new IllegalArgumentException("not an IP address or network: '" + original + "'");
        if (v4) {
            // amavisd-new accepts truncated dotted quads as networks: "10" = 10/8, "192.168" = 192.168/16
            String[] parts = addr.split("\\.");
            if (parts.length < 4) {
                byte[] b = new byte[4];
                for (int i = 0; i < parts.length; i++) b[i] = (byte) octet(parts[i], original);
                return b;
            }
            for (String p : parts) octet(p, original);
        }
        try {
            return InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or network: '" + original + "'");
        }
    }

    private static int octet(String p, String original) {
        int v = Integer.parseInt(p);
        if (v > 255) throw new IllegalArgumentException("not an IP address or network: '" + original + "'");
        return v;
    }

    /** Truncated dotted quads ("10", "192.168") imply their own prefix length. */
    public static Cidr parseAmavis(String text) {
        String s = text.trim();
        if (s.indexOf('/') < 0 && s.matches("\\d{1,3}(\\.\\d{1,3}){0,2}")) {
            return parse(s + "/" + (8 * s.split("\\.").length));
        }
        return parse(s);
    }

    private static byte[] mask(byte[] b, int len) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, len - i * 8));
            out[i] &= (byte) (0xff << (8 - bits));
        }
        return out;
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (network.length == 4 && address instanceof Inet6Address && isV4Mapped(a)) {
            a = new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (a.length != network.length) return false;
        byte[] m = mask(a, prefixLength);
        return java.util.Arrays.equals(m, network);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    @Override
    public String toString() {
        try {
            InetAddress a =
                    network.length == 4 ? Inet4Address.getByAddress(network) : Inet6Address.getByAddress(network);
            String h = a.getHostAddress();
            return (network.length == 4 ? h : "[" + h + "]") + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }
}
