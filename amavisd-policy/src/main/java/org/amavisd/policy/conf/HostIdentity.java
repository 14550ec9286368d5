package org.amavisd.policy.conf;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's host names, looked up once per JVM (DNS can be slow). */
final class HostIdentity {
    private static volatile String fqdn;

    private HostIdentity() {}

    /**
     * The fully qualified node name, like {@code hostname --fqdn}: the node name itself when it
     * has dots, else its resolver name when that extends the node name. A reverse lookup that
     * yields an unrelated name (127.0.0.1 is "localhost") is ignored.
     */
    static String fqdn() {
        String f = fqdn;
        if (f == null) {
            f = qualify(nodeName());
            fqdn = f;
        }
        return f;
    }

    static String shortName() {
        String f = nodeName();
        int dot = f.indexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    /** The kernel's node name, as uname(2) reports it (amavisd-new's source for $myhostname). */
    static String nodeName() {
        try {
            String n = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII)
                    .trim();
            if (!n.isEmpty()) {
                return n;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env != null && !env.isBlank() ? env : "localhost";
        }
    }

    private static String qualify(String node) {
        if (node.contains(".")) {
            return node;
        }
        try {
            String canonical = InetAddress.getByName(node).getCanonicalHostName();
            if (canonical.regionMatches(true, 0, node + ".", 0, node.length() + 1)) {
                return canonical;
            }
        } catch (IOException | RuntimeException e) {
            // unresolvable node names are common in containers
        }
        return node;
    }
}
