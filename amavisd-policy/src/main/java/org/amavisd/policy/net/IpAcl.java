package org.amavisd.policy.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An amavisd-new IP access list (@inet_acl, @mynetworks): networks tried in order, the first
 * that contains the address decides, "!" in front of an entry makes it a refusal, and an
 * address no entry contains is refused.
 */
public final class IpAcl implements Predicate<InetAddress> {
    private record Entry(boolean negated, Cidr network) {}

    private final List<Entry> entries;
    private final List<String> source;

    private IpAcl(List<Entry> entries, List<String> source) {
        this.entries = entries;
        this.source = source;
    }

    /** @throws IllegalArgumentException naming the entry that is not an address or network */
    public static IpAcl parse(List<String> items) {
        List<Entry> entries = new ArrayList<>();
        for (String item : items) {
            String s = item.trim();
            if (s.isEmpty()) continue;
            boolean neg = s.startsWith("!");
            entries.add(new Entry(neg, Cidr.parseAmavis(neg ? s.substring(1) : s)));
        }
        return new IpAcl(List.copyOf(entries), List.copyOf(items));
    }

    @Override
    public boolean test(InetAddress address) {
        for (Entry e : entries) {
            if (e.network().contains(address)) return !e.negated();
        }
        return false;
    }

    /** For an address given as text (XFORWARD ADDR, possibly "IPv6:..."); false when it is no IP literal. */
    public boolean matches(String address) {
        try {
            return test(InetAddress.getByAddress(Cidr.parse(address).network()));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return String.join(" ", source);
    }
}
