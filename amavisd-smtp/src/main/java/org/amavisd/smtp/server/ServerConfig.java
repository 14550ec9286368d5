package org.amavisd.smtp.server;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the listening side needs: the sockets ($inet_socket_bind x $inet_socket_port), the
 * number of workers ($max_servers), who may connect (@inet_acl) and the per-session settings.
 */
public record ServerConfig(
        List<ListenAddress> listeners, int maxServers, Predicate<InetAddress> acl, SessionSettings session) {

    /** One listening socket; host null or "*" means every interface, port 0 an ephemeral port (tests). */
    public record ListenAddress(String host, int port) {
        @Override
        public String toString() {
            return (host == null ? "*" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public ServerConfig {
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(acl);
        Objects.requireNonNull(session);
        if (listeners.isEmpty()) throw new IllegalArgumentException("no listening port configured");
        if (maxServers < 1) throw new IllegalArgumentException("$max_servers must be at least 1");
    }
}
