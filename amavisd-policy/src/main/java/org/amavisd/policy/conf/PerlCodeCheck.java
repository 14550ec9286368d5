package org.amavisd.policy.conf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Some files that amavisd-new loads with -c are Perl programs, not configuration: the
 * amavisd-custom.conf example and custom-hook packages ("package Amavis::Custom; sub new {...}").
 * They are recognised before lexing, so that the answer is what to do instead rather than a
 * syntax error somewhere in the middle of the program.
 */
final class PerlCodeCheck {
    private static final Pattern PERL_CODE = Pattern.compile(
            "^[ \\t]*(package[ \\t]+[A-Za-z_][\\w:]*[ \\t]*[;{]|sub[ \\t]+[A-Za-z_]\\w*[ \\t]*(\\([^)]*\\))?[ \\t]*\\{)",
            Pattern.MULTILINE);

    private PerlCodeCheck() {}

    static void refuse(String text, String file) throws ConfigException {
        Matcher m = PERL_CODE.matcher(text);
        if (!m.find()) {
            return;
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        int column = m.start(1) - m.start() + 1;
        String what = m.group(1).trim().replaceAll("[;{(].*$", "").trim();
        throw new ConfigException(
                new Origin(file, line, column),
                "this file is Perl code ('" + what
                        + "'), not configuration: amavisd reads amavisd.conf settings and runs no Perl. Custom hooks"
                        + " (Amavis::Custom) have no equivalent yet; Sieve rules will take their place. Leave this"
                        + " file out of -c and include_config_files");
    }
}
