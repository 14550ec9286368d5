package org.amavisd.policy.lookup;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amavisd.policy.conf.PerlValue;

/**
 * $default_ldap, with amavisd-new's defaults: hostname 'localhost' (a name, host:port, an
 * ldap:// or ldaps:// URI, or a list of those tried in order), port 389 (636 for ldaps), timeout
 * 120 s, scope 'sub', query_filter '(&(objectClass=amavisAccount)(mail=%m))', base (may contain
 * %d, the domain), bind_dn / bind_password. ldapi:// and SASL are not supported.
 */
public record LdapConfig(
        List<Server> servers,
        String base,
        String scope,
        String queryFilter,
        String bindDn,
        String bindPassword,
        int timeoutSeconds) {

    public static final String DEFAULT_FILTER = "(&(objectClass=amavisAccount)(mail=%m))";

    /** One server to try. */
    public record Server(String host, int port, boolean ldaps) {}

    public LdapConfig {
        servers = List.copyOf(servers);
    }

    public static LdapConfig of(String host, int port, String base) {
        return new LdapConfig(List.of(new Server(host, port, false)), base, "sub", DEFAULT_FILTER, null, null, 120);
    }

    /** From the $default_ldap hash (undef: all defaults). */
    public static LdapConfig fromConf(PerlValue value) {
        Map<String, PerlValue> h = value instanceof PerlValue.HashRef hr ? hr.entries() : Map.of();
        String scheme = str(h, "scheme", null);
        boolean tls = h.containsKey("tls") && h.get("tls").isTrue();
        String portStr = str(h, "port", null);
        List<String> hosts = new ArrayList<>();
        PerlValue hv = h.get("hostname");
        if (hv instanceof PerlValue.ArrayRef a) a.elements().forEach(e -> hosts.add(e.asString()));
        else if (hv != null && hv.isDefined()) hosts.add(hv.asString());
        if (hosts.isEmpty()) hosts.add("localhost");
        List<Server> servers = new ArrayList<>();
        for (String host : hosts) servers.add(server(host, scheme, portStr));
        int timeout = 120;
        String t = str(h, "timeout", null);
        if (t != null && t.trim().matches("\\d+")) timeout = Integer.parseInt(t.trim());
        if (tls && servers.stream().noneMatch(Server::ldaps)) {
            throw new LdapLookupException(
                    "$default_ldap: tls => 1 (StartTLS) is not supported; use an ldaps:// hostname");
        }
        return new LdapConfig(
                servers,
                str(h, "base", ""),
                str(h, "scope", "sub"),
                str(h, "query_filter", DEFAULT_FILTER),
                str(h, "bind_dn", null),
                str(h, "bind_password", null),
                timeout);
    }

    private static Server server(String host, String scheme, String portStr) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ldapi:"))
            throw new LdapLookupException("$default_ldap: ldapi:// is not supported: " + host);
        if (lower.startsWith("ldap://") || lower.startsWith("ldaps://")) {
            URI u = URI.create(host);
            boolean ldaps = lower.startsWith("ldaps");
            return new Server(u.getHost(), u.getPort() > 0 ? u.getPort() : ldaps ? 636 : 389, ldaps);
        }
        boolean ldaps = "ldaps".equalsIgnoreCase(scheme) || lower.startsWith("ldaps");
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(':') == colon && host.substring(colon + 1).matches("\\d+")) {
            return new Server(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1)), ldaps);
        }
        int port = portStr != null && portStr.matches("\\d+") ? Integer.parseInt(portStr) : ldaps ? 636 : 389;
        return new Server(host, port, ldaps);
    }

    private static String str(Map<String, PerlValue> h, String k, String deflt) {
        PerlValue v = h.get(k);
        return v == null || !v.isDefined() ? deflt : v.asString();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "LDAP " + servers + " base " + base + " filter " + queryFilter
                + (bindDn == null ? "" : " bind " + bindDn);
    }
}
