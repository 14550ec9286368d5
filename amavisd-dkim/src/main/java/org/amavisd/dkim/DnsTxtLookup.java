package org.amavisd.dkim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * TXT lookups through dnsjava with a bounded timeout: the resolver of the system (resolv.conf) or one
 * given address. A TXT record made of several character-strings is returned joined, as RFC 6376 3.6.2.2
 * asks. Truncated UDP answers are retried over TCP by dnsjava.
 */
public final class DnsTxtLookup {

    /** What a lookup gave. */
    public enum Status {
        /** the name has TXT records (in {@link Answer#records()}) */
        FOUND,
        /** NXDOMAIN, or the name exists without a TXT record */
        NOT_FOUND,
        /** a timeout, SERVFAIL, REFUSED, a network error: try again later */
        TEMPFAIL
    }

    /** The answer to one TXT query. */
    public record Answer(Status status, List<String> records, String detail) {
        public Answer {
            records = List.copyOf(records);
        }
    }

    /** Default timeout of one lookup, retries included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Resolver resolver;

    /**
     * @param server the DNS server to ask (e.g. 127.0.0.1:53), or null for the servers of the system's
     *     resolver configuration
     * @param timeout how long one lookup may take before it is a temporary failure
     */
    public DnsTxtLookup(InetSocketAddress server, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Resolver r = server == null ? new ExtendedResolver() : new SimpleResolver(server);
        r.setTimeout(timeout);
        this.resolver = r;
    }

    /**
     * From the settings {@code $dkim_dns_resolver} ("", "host", "host:port", "[v6addr]:port"; port 53 by
     * default) and {@code $dkim_dns_timeout} (seconds; 10 when not positive).
     */
    public static DnsTxtLookup fromSettings(String resolver, double timeoutSeconds) {
        Duration timeout = timeoutSeconds > 0 ? Duration.ofMillis(Math.round(timeoutSeconds * 1000)) : DEFAULT_TIMEOUT;
        if (resolver == null || resolver.isBlank()) {
            return new DnsTxtLookup(null, timeout);
        }
        String r = resolver.trim();
        String host = r;
        int port = 53;
        if (r.startsWith("[")) {
            int close = r.indexOf(']');
            host = r.substring(1, close);
            if (r.length() > close + 2 && r.charAt(close + 1) == ':') {
                port = Integer.parseInt(r.substring(close + 2));
            }
        } else if (r.indexOf(':') > 0 && r.indexOf(':') == r.lastIndexOf(':')) {
            host = r.substring(0, r.indexOf(':'));
            port = Integer.parseInt(r.substring(r.indexOf(':') + 1));
        }
        return new DnsTxtLookup(new InetSocketAddress(host, port), timeout);
    }

    /** Looks up the TXT records of {@code name} (a fully qualified name, with or without the final dot). */
    public Answer lookup(String name) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new Answer(Status.NOT_FOUND, List.of(), "bad name " + name + ": " + e.getMessage());
        }
        Message query = Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN));
        Message response;
        try {
            response = resolver.send(query);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Answer(Status.TEMPFAIL, List.of(), "DNS query for " + name + " failed: " + why);
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new Answer(Status.NOT_FOUND, List.of(), "NXDOMAIN");
        }
        if (rcode != Rcode.NOERROR) {
            return new Answer(Status.TEMPFAIL, List.of(), "DNS error " + Rcode.string(rcode) + " for " + name);
        }
        List<String> txt = new ArrayList<>();
        for (Record rec : response.getSection(Section.ANSWER)) {
            if (rec instanceof TXTRecord t) {
                txt.add(String.join("", t.getStrings()));
            }
        }
        return txt.isEmpty()
                ? new Answer(Status.NOT_FOUND, List.of(), "no TXT record")
                : new Answer(Status.FOUND, txt, "");
    }
}
