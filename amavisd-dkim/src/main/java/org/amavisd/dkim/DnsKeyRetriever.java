package org.amavisd.dkim;

import java.util.List;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

/**
 * jDKIM's key retriever backed by {@link DnsTxtLookup}: {@code selector._domainkey.domain} TXT, a
 * temporary DNS failure as {@link TempFailException}, a missing record as {@link PermFailException}.
 */
public final class DnsKeyRetriever implements PublicKeyRecordRetriever {
    private final DnsTxtLookup dns;

    public DnsKeyRetriever(DnsTxtLookup dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(CharSequence method, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        if (!"dns/txt".equalsIgnoreCase(method.toString())) {
            throw new PermFailException("public key: unknown query type " + method);
        }
        String name = selector + "._domainkey." + token;
        DnsTxtLookup.Answer a = dns.lookup(name);
        switch (a.status()) {
            case FOUND:
                return a.records();
            case NOT_FOUND:
                throw new PermFailException("public key: not available");
            default:
                throw new TempFailException("public key: " + a.detail());
        }
    }
}
