package org.amavisd.scanners.header;

import java.util.EnumSet;
import java.util.Set;

/** The tests of %allowed_header_tests (its keys), each of which can be switched off. */
public enum HeaderTest {
    /** MIME framing errors (minor 1). */
    MIME,
    /** Non-ASCII data that is not valid UTF-8, or UTF-8 with C1 controls (minor 2). */
    EIGHT_BIT,
    /** Valid UTF-8 in a message without SMTPUTF8 (minor 2); off by default, as in amavisd-new. */
    UTF8,
    /** NUL or CR characters (minor 3). */
    CONTROL,
    /** A folded line made up entirely of whitespace (minor 4). */
    EMPTY,
    /** A line longer than 998 characters (minor 5). */
    LONG,
    /** Header field syntax (minor 6). */
    SYNTAX,
    /** Date or From missing (minor 7). */
    MISSING,
    /** A field that may occur once occurring more often (minor 8). */
    MULTIPLE;

    /** amavisd-new's default: everything except {@link #UTF8}. */
    public static Set<HeaderTest> defaults() {
        return EnumSet.complementOf(EnumSet.of(UTF8));
    }

    /** The %allowed_header_tests key ("8bit", "utf8", "control", ...). */
    public String key() {
        return this == EIGHT_BIT ? "8bit" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
