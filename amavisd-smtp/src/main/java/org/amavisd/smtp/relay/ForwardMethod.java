package org.amavisd.smtp.relay;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail goes next: $forward_method / $notify_method, "smtp:[127.0.0.1]:10025",
 * "lmtp:[::1]:24", "smtp:host:port", or with "*" for the host (the connecting client's address)
 * and for the port (the port the message came in on, plus one), as amavisd-new defines them.
 */
public record ForwardMethod(String protocol, String host, Integer port) {
    private static final Pattern SPEC =
            Pattern.compile("(?i)(smtp|lmtp):(?:\\[([^\\]]+)\\]|([^:\\[\\]]+))(?::(\\d{1,5}|\\*))?");

    public static ForwardMethod parse(String spec) {
        Matcher m = SPEC.matcher(spec.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "unsupported forward method '" + spec + "' (expected smtp:[host]:port or lmtp:[host]:port)");
        }
        String proto = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2) != null ? m.group(2) : m.group(3);
        if (host.equals("*")) host = null;
        Integer port;
        if (m.group(4) == null) {
            port = proto.equals("lmtp") ? 24 : 25;
        } else if (m.group(4).equals("*")) {
            port = null;
        } else {
            port = Integer.valueOf(m.group(4));
            if (port < 1 || port > 65535)
                throw new IllegalArgumentException("bad port in forward method '" + spec + "'");
        }
        return new ForwardMethod(proto, host, port);
    }

    public boolean isLmtp() {
        return protocol.equals("lmtp");
    }

    /** Fills in the "*" parts for one message: the client's address, our incoming port plus one. */
    public ForwardMethod resolve(String clientAddress, int incomingPort) {
        return new ForwardMethod(protocol, host != null ? host : clientAddress, port != null ? port : incomingPort + 1);
    }

    /** The "smtp:[127.0.0.1]:10025" form that replies and logs quote. */
    @Override
    public String toString() {
        return protocol + ":" + (host == null ? "*" : "[" + host + "]") + ":" + (port == null ? "*" : port);
    }
}
