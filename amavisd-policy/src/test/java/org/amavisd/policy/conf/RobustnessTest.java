package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Truncated and spliced config text must end in a value or a ConfigException, never in another
 * exception or a hang: users will feed us half-edited files.
 */
class RobustnessTest {
    // mangled text can put anything between backticks: never run it
    @org.junit.jupiter.api.BeforeAll
    static void noCommands() {
        System.setProperty("amavisd.conf.noCommands", "true");
    }

    @org.junit.jupiter.api.AfterAll
    static void commandsAgain() {
        System.clearProperty("amavisd.conf.noCommands");
    }

    private static final String SAMPLE = """
      use strict;
      $MYHOME = '/var/amavis'; $mydomain = "example.com";
      @inet_acl = qw(127.0.0.1 [::1]);
      $policy_bank{'ORIG'} = { originating => 1, x => [1, 2, {a => "b$mydomain"}] };
      $h = <<"EOT" . q{x} . qq[$MYHOME/y];
      body $mydomain ${MYHOME} @inet_acl
      EOT
      @av_scanners = (['c', \\&ask_daemon, ["A {}\\n", '/s'], qr/\\bOK$/m, sub { $x{1} = 2 }]);
      $n = -(200*1024) % 7 . 'x' x 2; $r = \\@inet_acl; $e = $$r[0]; $f = $r->[1];
      =pod
      text
      =cut
      1;
      """;

    private static final String PUNCTUATION = "\"'`{}[]()$@%&\\<>#=\n;,.-~qx";

    @Test
    void truncatedAndSplicedInputFailsCleanly() throws Exception {
        List<String> corpus = new ArrayList<>(List.of(SAMPLE));
        Path confD = Path.of("/etc/amavis/conf.d/15-av_scanners");
        if (Files.isRegularFile(confD)) {
            corpus.add(Files.readString(confD));
        }
        Random random = new Random(42);
        int ok = 0;
        int rejected = 0;
        for (String text : corpus) {
            for (int n = 0; n < 500; n++) {
                int a = random.nextInt(text.length());
                int b = Math.min(text.length(), a + random.nextInt(200));
                String variant = switch (n % 4) {
                    case 0 -> text.substring(0, a);
                    case 1 -> text.substring(0, a) + text.substring(b);
                    case 2 ->
                        text.substring(0, a)
                                + PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()))
                                + text.substring(a);
                    default -> text.substring(a, b) + text.substring(0, a);
                };
                try {
                    AmavisConf.parse(variant, "fuzz");
                    ok++;
                } catch (ConfigException e) {
                    assertThat(e.getMessage()).startsWith("fuzz:");
                    rejected++;
                } catch (RuntimeException e) {
                    throw new AssertionError("crash on input:\n" + variant, e);
                }
            }
        }
        assertThat(ok).isPositive();
        assertThat(rejected).isPositive();
    }
}
