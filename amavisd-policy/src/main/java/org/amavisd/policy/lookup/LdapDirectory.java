package org.amavisd.policy.lookup;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import javax.net.SocketFactory;

/**
 * The directory of $default_ldap: a small connection pool (UnboundID LDAP SDK) over the
 * configured servers, tried in order. Connect and response timeouts are the config's timeout;
 * any failure is an {@link LdapLookupException}. The pool is made on first use, so a directory
 * that is down at startup is retried at the next lookup.
 */
public final class LdapDirectory implements AutoCloseable {
    private final LdapConfig config;
    private final int poolSize;
    private LDAPConnectionPool pool;

    public LdapDirectory(LdapConfig config, int poolSize) {
        this.config = config;
        this.poolSize = poolSize;
    }

    public LdapDirectory(LdapConfig config) {
        this(config, 4);
    }

    public LdapConfig config() {
        return config;
    }

    private synchronized LDAPConnectionPool pool() {
        if (pool != null) return pool;
        LDAPConnectionOptions o = new LDAPConnectionOptions();
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.timeoutSeconds()) * 1000L);
        o.setConnectTimeoutMillis(ms);
        o.setResponseTimeoutMillis(ms);
        o.setAbandonOnTimeout(true);
        String[] hosts = config.servers().stream().map(LdapConfig.Server::host).toArray(String[]::new);
        int[] ports =
                config.servers().stream().mapToInt(LdapConfig.Server::port).toArray();
        SocketFactory sf = null;
        if (config.servers().stream().anyMatch(LdapConfig.Server::ldaps)) {
            try {
                sf = new SSLUtil(new TrustAllTrustManager()).createSSLSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new LdapLookupException("LDAP: cannot set up TLS: " + e.getMessage(), e);
            }
        }
        FailoverServerSet servers = new FailoverServerSet(hosts, ports, sf, o);
        SimpleBindRequest bind = config.bindDn() == null
                ? null
                : new SimpleBindRequest(config.bindDn(), config.bindPassword() == null ? "" : config.bindPassword());
        try {
            pool = new LDAPConnectionPool(servers, bind, 1, poolSize);
            pool.setRetryFailedOperationsDueToInvalidConnections(true);
            return pool;
        } catch (LDAPException e) {
            throw new LdapLookupException(
                    "LDAP directory unreachable (" + config.servers() + "): " + e.getMessage(), e);
        }
    }

    /** A search with all attributes; the entries in the server's order. */
    public List<SearchResultEntry> search(String base, String scope, String filter) {
        SearchScope s = switch (scope == null ? "sub" : scope.toLowerCase(Locale.ROOT)) {
            case "base" -> SearchScope.BASE;
            case "one" -> SearchScope.ONE;
            default -> SearchScope.SUB;
        };
        try {
            SearchRequest req = new SearchRequest(base, s, Filter.create(filter));
            req.setDerefPolicy(DereferencePolicy.FINDING);
            req.setTimeLimitSeconds(Math.max(1, config.timeoutSeconds()));
            SearchResult r = pool().search(req);
            return r.getSearchEntries();
        } catch (LDAPException e) {
            if (e.getResultCode().intValue() == 32) return List.of(); // noSuchObject: the base is not there, no match
            throw new LdapLookupException("LDAP search failed (" + filter + "): " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (pool != null) pool.close();
        pool = null;
    }
}
