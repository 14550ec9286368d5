package org.amavisd.policy.lookup;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;

/**
 * A new_RE(...) table (amavisd-new's lookup_re). The full address is matched as it is: no
 * lowercasing, no splitting, no extension stripping; case-insensitivity and anchoring are the
 * patterns' business. Entries are tried in order and the first match decides. A pair's result
 * may refer to captures as $1, ${1} or $(1) (an absent capture is empty); a bare regex yields 1.
 * A matching entry whose result is undef ends the search with no opinion, so the next map is asked.
 */
public final class RegexpLookup implements LookupMap {
    private static final Pattern CAPTURE_REF = Pattern.compile("\\$(?:(\\d+)|\\{(\\d+)\\}|\\((\\d+)\\))");

    private final String name;
    private final RegexTable table;

    public RegexpLookup(String name, RegexTable table) {
        this.name = name;
        this.table = table;
    }

    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        return lookupAnyOf(List.of(key.address()));
    }

    /** Matches a plain string, e.g. a file name or MIME type in banned-name checks. */
    public Optional<PerlValue> lookup(String key) {
        return lookupAnyOf(List.of(key));
    }

    /**
     * amavisd-new's form for banned names: for each entry in turn, every key is tried, and the
     * first key that matches decides (the loop over keys is the inner one).
     */
    public Optional<PerlValue> lookupAnyOf(List<String> keys) {
        for (RegexTable.Entry e : table.entries()) {
            for (String k : keys) {
                Optional<List<String>> captures = e.regex().compiled().matchList(k);
                if (captures.isPresent()) {
                    return result(e.result(), captures.get());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<PerlValue> result(PerlValue r, List<String> captures) {
        if (!r.isDefined()) {
            return Optional.empty();
        }
        if (!(r instanceof PerlValue.Str s) || s.value().indexOf('$') < 0) {
            return Optional.of(r);
        }
        Matcher m = CAPTURE_REF.matcher(s.value());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String digits = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            int j = digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            // the list of captures is Perl's @rhs: a pattern without groups gives (1), so $1 is "1"
            String v = j >= 1 && j <= captures.size() && captures.get(j - 1) != null ? captures.get(j - 1) : "";
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return Optional.of(PerlValue.of(sb.toString()));
    }

    @Override
    public String describe() {
        return "regexp table " + name + " (" + table.entries().size() + " entries)";
    }
}
