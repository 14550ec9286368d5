package org.amavisd.policy.regex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Perl regular expression compiled to java.util.regex. The source is what Perl's regex engine
 * sees, i.e. after the interpolation pass of {@code qr//} (done by the config reader); in
 * that text {@code \Q}, {@code \E}, {@code \U}, {@code \L} and their one-letter forms are
 * unknown escapes and, as in Perl, stand for the letter itself.
 *
 * <p>Character-class semantics are ASCII ({@code \d \w \s}, POSIX classes, case folding): that
 * is what Perl applies to the byte strings amavisd-new matches (addresses, file names, MIME
 * types), which are never upgraded to character strings. The flag "u" switches to Unicode.
 * Only {@code \n} ends a line ({@link Pattern#UNIX_LINES}), as in Perl.
 *
 * <p>Equality is by source and flags, so values compare as Perl's stringified qr// would.
 */
public final class PerlRegex {
    private final String source;
    private final String flags;
    private final Pattern pattern;
    /** Perl group name to the name used in the Java pattern (Java forbids '_' and duplicates). */
    private final Map<String, String> groupNames;

    private PerlRegex(String source, String flags, Pattern pattern, Map<String, String> groupNames) {
        this.source = source;
        this.flags = flags;
        this.pattern = pattern;
        this.groupNames = Collections.unmodifiableMap(groupNames);
    }

    /**
     * Compiles a Perl pattern with qr// flags (any of {@code imsxxnpaadlu}, {@code o} is accepted
     * and ignored). Constructs without a Java equivalent are rejected, never approximated.
     */
    public static PerlRegex compile(String source, String flags) throws PerlRegexException {
        String f = flags == null ? "" : flags;
        Translator t = new Translator(source, f);
        String java = t.translate();
        try {
            return new PerlRegex(source, f, Pattern.compile(java, t.javaFlags()), t.groupNames());
        } catch (PatternSyntaxException e) {
            throw new PerlRegexException("pattern", "invalid regular expression: " + e.getDescription(), -1);
        }
    }

    /** Like {@link #compile} for patterns known to be valid (constants in Java code). */
    public static PerlRegex of(String source, String flags) {
        try {
            return compile(source, flags);
        } catch (PerlRegexException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Perl's quotemeta: every character except ASCII letters, digits and '_' gets a backslash. */
    public static String quotemeta(String s) {
        StringBuilder sb = new StringBuilder(s.length() * 2);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    public String source() {
        return source;
    }

    public String flags() {
        return flags;
    }

    public Pattern pattern() {
        return pattern;
    }

    /** The Java name of a Perl named group, for {@link Matcher#group(String)}. */
    public Optional<String> javaGroupName(String perlName) {
        return Optional.ofNullable(groupNames.get(perlName));
    }

    public Matcher matcher(CharSequence input) {
        return pattern.matcher(input);
    }

    /** Unanchored search, as Perl's {@code $s =~ /re/}. */
    public boolean find(CharSequence input) {
        return pattern.matcher(input).find();
    }

    /**
     * Perl's list-context match {@code @rhs = $s =~ /re/}: empty when there is no match; otherwise
     * the captures (null for a group that did not participate, Perl's undef), or the single
     * element "1" when the pattern has no groups.
     */
    public Optional<List<String>> matchList(CharSequence input) {
        Matcher m = pattern.matcher(input);
        if (!m.find()) {
            return Optional.empty();
        }
        if (m.groupCount() == 0) {
            return Optional.of(List.of("1"));
        }
        List<String> groups = new ArrayList<>(m.groupCount());
        for (int g = 1; g <= m.groupCount(); g++) {
            groups.add(m.group(g));
        }
        return Optional.of(Collections.unmodifiableList(groups));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PerlRegex r && r.source.equals(source) && r.flags.equals(flags);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + flags.hashCode();
    }

    /** Perl's stringification of a qr// object. */
    @Override
    public String toString() {
        return "(?^" + flags + ":" + source + ")";
    }
}
