package org.amavisd.policy.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backticks are never executed. Debian's stock conf.d files use two read-only idioms to learn
 * the host and mail domain names, so exactly those are answered in Java with the output the
 * command would print; any other command is an error.
 */
final class CommandEmulation {
  private static final Pattern HOSTNAME = Pattern.compile("hostname(\\s+(--fqdn|-f|--long))?");
  private static final Pattern HEAD_FIRST_LINE = Pattern.compile("head\\s+(-n\\s*1|-1)\\s+(/[^\\s;|&<>`$]+)");

  private CommandEmulation() {}

  static String output(String command, Origin at, List<ConfigWarning> warnings) throws ConfigException {
    String cmd = command.trim();
    Matcher h = HOSTNAME.matcher(cmd);
    if (h.matches()) {
      return (h.group(1) == null ? HostIdentity.shortName() : HostIdentity.fqdn()) + "\n";
    }
    Matcher head = HEAD_FIRST_LINE.matcher(cmd);
    if (head.matches()) {
      Path file = Path.of(head.group(2));
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0) + "\n";
      } catch (IOException e) {
        // like the real command: nothing on stdout, a complaint on stderr, and the config goes on
        warnings.add(new ConfigWarning(at, "`" + cmd + "` yields nothing: cannot read " + file));
        return "";
      }
    }
    throw new ConfigException(at, "unsupported construct 'backticks' (commands are not run): `" + cmd + "`");
  }
}
