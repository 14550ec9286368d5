package org.amavisd.policy.conf;

import java.net.InetAddress;

/** The node's host names, looked up once per JVM (DNS can be slow). */
final class HostIdentity {
  private static volatile String fqdn;

  private HostIdentity() {}

  /** Fully qualified name, as amavisd-new's default for $myhostname and `hostname --fqdn`. */
  static String fqdn() {
    String f = fqdn;
    if (f == null) {
      f = lookup();
      fqdn = f;
    }
    return f;
  }

  static String shortName() {
    String f = fqdn();
    int dot = f.indexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  private static String lookup() {
    try {
      String name = InetAddress.getLocalHost().getCanonicalHostName();
      if (name != null && !name.isBlank()) {
        return name;
      }
    } catch (Exception e) {
      // fall through: an unresolvable host name is common in containers
    }
    String env = System.getenv("HOSTNAME");
    return env != null && !env.isBlank() ? env : "localhost";
  }
}
