package org.amavisd.scanners.av;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A socket as amavisd-new writes one in an @av_scanners entry: an optional protocol prefix
 * ({@code clamd:}, {@code simple:}, ...), then a Unix socket path (starts with '/'), or
 * {@code host:port}, {@code [host]:port}, {@code [ipv6]:port}.
 *
 * @param protocol the lower-cased prefix, null when there is none
 * @param unixPath the Unix socket path, null for TCP
 * @param host the TCP host, null for a Unix socket
 * @param port the TCP port, 0 for a Unix socket
 */
public record SocketSpec(String protocol, Path unixPath, String host, int port) {
    private static final Pattern PREFIX = Pattern.compile("(?s)^([A-Za-z][A-Za-z0-9.+-]*):(.*)");
    private static final Pattern INET = Pattern.compile("(?s)^(?:\\[([^\\]]*)\\]|([^:]*)):([^:]*)(?::.*)?$");

    /** Parses one socket specification; IllegalArgumentException says what is wrong. */
    public static SocketSpec parse(String spec) {
        String rest = spec;
        String protocol = null;
        Matcher p = PREFIX.matcher(spec);
        // "host:port" also has a word before a colon: a prefix is a prefix only when what follows
        // is itself a socket ("/path", "host:port", "[addr]:port")
        if (p.matches() && !spec.startsWith("/") && looksLikeSocket(p.group(2))) {
            protocol = p.group(1).toLowerCase(Locale.ROOT);
            rest = p.group(2);
        }
        if (rest.startsWith("/")) return new SocketSpec(protocol, Path.of(rest), null, 0);
        Matcher m = INET.matcher(rest);
        if (!m.matches()) throw new IllegalArgumentException("not a socket (/path, host:port or [addr]:port): " + spec);
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        if (host.isEmpty()) throw new IllegalArgumentException("no host in socket " + spec);
        int port;
        try {
            port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port number in socket " + spec);
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port number in socket " + spec);
        return new SocketSpec(protocol, null, host, port);
    }

    private static boolean looksLikeSocket(String s) {
        return s.startsWith("/") || s.startsWith("[") || s.matches("(?s)[^:/]+:\\d+.*");
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    SocketAddress address() {
        return isUnix() ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        String where = isUnix() ? unixPath.toString() : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        return protocol == null ? where : protocol + ":" + where;
    }
}
