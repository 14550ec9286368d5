package org.amavisd.scanners.av;

import java.util.List;
import org.amavisd.policy.regex.PerlRegex;

/**
 * Fields 4 and 5 of an @av_scanners entry: a list of exit codes, or a regex matched against the
 * scanner's output. An undef field never matches ({@link #NEVER}).
 */
public record StatusTest(List<Integer> exitCodes, PerlRegex regex) {
    public static final StatusTest NEVER = new StatusTest(List.of(), null);

    public StatusTest {
        exitCodes = exitCodes == null ? null : List.copyOf(exitCodes);
    }

    public static StatusTest codes(List<Integer> codes) {
        return new StatusTest(codes, null);
    }

    public static StatusTest regex(PerlRegex regex) {
        return new StatusTest(null, regex);
    }

    /** Whether the exit status (for a program; 0 for a daemon) or the output says yes. */
    public boolean matches(int exitStatus, String output) {
        if (regex != null) return regex.find(output);
        return exitCodes.contains(exitStatus);
    }

    @Override
    public String toString() {
        return regex != null ? "qr/" + regex.source() + "/" : exitCodes.toString();
    }
}
