package org.amavisd.quarantine;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quarantine method as amavisd-new writes it ({@code $virus_quarantine_method = 'local:virus-%m'}):
 * a scheme, a colon, and an argument whose meaning depends on the scheme. For {@code local:} the
 * argument is a file name template under {@code $QUARANTINEDIR} (empty means {@code %m}). An
 * empty or undefined method means no quarantine ({@link #NONE}).
 */
public record QuarantineMethod(String scheme, String argument) {
    /** No quarantine: the method was empty or undefined. */
    public static final QuarantineMethod NONE = new QuarantineMethod("", "");

    // as amavisd-new recognises the protocol of a method: /^([a-z][a-z0-9.+-]*):/i
    private static final Pattern SYNTAX = Pattern.compile("([A-Za-z][A-Za-z0-9.+-]*):(.*)", Pattern.DOTALL);

    public QuarantineMethod {
        Objects.requireNonNull(scheme);
        Objects.requireNonNull(argument);
    }

    /**
     * Parses a method string. Null or empty gives {@link #NONE}; {@code local:...} is supported;
     * other schemes of amavisd-new (sql, bsmtp, smtp, lmtp, pipe) are refused as not supported
     * yet, and anything else as bad syntax.
     */
    public static QuarantineMethod parse(String method) throws QuarantineException {
        if (method == null || method.isEmpty()) return NONE;
        Matcher m = SYNTAX.matcher(method);
        if (!m.matches()) {
            throw new QuarantineException("bad quarantine method syntax: '" + method + "' (expected scheme:argument)");
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "local":
                return new QuarantineMethod(scheme, m.group(2));
            case "sql":
            case "bsmtp":
            case "smtp":
            case "lmtp":
            case "pipe":
                throw new QuarantineException("quarantine method '" + method + "': scheme " + scheme
                        + ": is not supported yet (only local:)");
            default:
                throw new QuarantineException("quarantine method '" + method + "': unknown scheme " + scheme + ":");
        }
    }

    public boolean isNone() {
        return scheme.isEmpty();
    }

    public boolean isLocal() {
        return "local".equals(scheme);
    }

    /** The file name template of a local method: the argument, or {@code %m} when it is empty. */
    public String fileNameTemplate() {
        return argument.isEmpty() ? "%m" : argument;
    }

    @Override
    public String toString() {
        return isNone() ? "" : scheme + ":" + argument;
    }
}
