package org.amavisd.policy.conf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.policy.regex.PerlRegex;

/**
 * An evaluated configuration value. Immutable: evaluation works on mutable containers
 * (references must alias, as in Perl) and freezes them into these records at the end.
 */
public sealed interface PerlValue {
    Undef UNDEF = new Undef();

    static Str of(String s) {
        return new Str(s);
    }

    static Str of(long n) {
        return new Str(Long.toString(n));
    }

    /** Perl's string form; undef is the empty string, references print like Perl's. */
    String asString();

    default boolean isDefined() {
        return !(this instanceof Undef);
    }

    /** Perl truth: undef, "" and "0" are false; every reference is true. */
    default boolean isTrue() {
        if (this instanceof Str s) {
            return !s.value().isEmpty() && !s.value().equals("0");
        }
        return isDefined();
    }

    record Undef() implements PerlValue {
        @Override
        public String asString() {
            return "";
        }
    }

    /** A string or number; numbers are kept in Perl's canonical string form ("2.0" becomes "2"). */
    record Str(String value) implements PerlValue {
        @Override
        public String asString() {
            return value;
        }

        public boolean looksLikeNumber() {
            return Numbers.looksLikeNumber(value);
        }

        public boolean isInteger() {
            return value.trim().matches("[-+]?\\d+");
        }

        public Optional<Long> asLong() {
            return isInteger() ? Optional.of(Long.parseLong(value.trim().replace("+", ""))) : Optional.empty();
        }

        public double asDouble() {
            return Numbers.parse(value);
        }
    }

    record ArrayRef(List<PerlValue> elements) implements PerlValue {
        public ArrayRef {
            elements = List.copyOf(elements);
        }

        @Override
        public String asString() {
            return "ARRAY(0x" + Integer.toHexString(System.identityHashCode(this)) + ")";
        }
    }

    /** A hash; iteration follows insertion order, which keeps config dumps readable. */
    record HashRef(Map<String, PerlValue> entries) implements PerlValue {
        public HashRef {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public Optional<PerlValue> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        @Override
        public String asString() {
            return "HASH(0x" + Integer.toHexString(System.identityHashCode(this)) + ")";
        }
    }

    /** A code reference; {@code source} is the text of an anonymous sub, null for {@code \&name}. */
    record CodeRef(String name, String source) implements PerlValue {
        @Override
        public String asString() {
            return "CODE(" + name + ")";
        }
    }

    /**
     * A qr// object: the pattern as Perl's regex engine sees it (after interpolation), its flags,
     * and its Java form, compiled when the config is loaded so that errors carry positions.
     * Equality ignores the compiled form, which follows from source and flags.
     */
    record RegexValue(String source, String flags, PerlRegex compiled) implements PerlValue {
        /** Compiles on the spot; for patterns known to be valid (an invalid one is an IllegalArgumentException). */
        public RegexValue(String source, String flags) {
            this(source, flags, PerlRegex.of(source, flags));
        }

        @Override
        public String asString() {
            return compiled.toString();
        }
    }

    /**
     * amavisd-new's new_RE(...) (an Amavis::Lookup::RE object): regexes tried in order, each with
     * the result a match yields (1 for a bare regex). See {@code RegexpLookup} for the matching.
     */
    record RegexTable(List<Entry> entries) implements PerlValue {
        public RegexTable {
            entries = List.copyOf(entries);
        }

        /** One element; {@code result} may be undef (the table then has no opinion for this match). */
        public record Entry(RegexValue regex, PerlValue result) {}

        @Override
        public String asString() {
            return "Amavis::Lookup::RE=ARRAY(0x" + Integer.toHexString(System.identityHashCode(this)) + ")";
        }
    }

    record ScalarRef(PerlValue target) implements PerlValue {
        @Override
        public String asString() {
            return "SCALAR(0x" + Integer.toHexString(System.identityHashCode(this)) + ")";
        }
    }
}
