package org.amavisd.policy.lookup;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.policy.conf.PerlValue;

/**
 * One column of the per-recipient policy row as a lookup map (amavisd-new's SQLfield): the rows
 * that match the address are read in order (most specific first) and the first one with a
 * non-NULL value in this column answers; no row, or NULL everywhere, is "no opinion". Rows come
 * from a shared {@link SqlSelect}, so all fields of one recipient cost one query.
 *
 * <p>Booleans answer "1" or "0" (N, n, F, f, 0, NUL or space, with trailing blanks, are false);
 * numbers answer in Perl's canonical form. A database that cannot be reached throws {@link
 * SqlLookupException}.
 */
public final class SqlLookup implements LookupMap {
    private static final Pattern FALSE = Pattern.compile("([NnFf ]|0+|\u0000+) *");
    private static final Pattern NUMBER_PREFIX =
            Pattern.compile("\\s*[-+]?(\\d+\\.?\\d*([eE][-+]?\\d+)?|\\.\\d+([eE][-+]?\\d+)?)");

    private final SqlSelect select;
    private final String field;
    private final SqlFieldType type;
    private final boolean trimTrailingSpace;

    public SqlLookup(SqlSelect select, String field, SqlFieldType type, boolean trimTrailingSpace) {
        this.select = select;
        this.field = field.toLowerCase(java.util.Locale.ROOT);
        this.type = type;
        this.trimTrailingSpace = trimTrailingSpace;
    }

    public SqlLookup(SqlSelect select, String field, SqlFieldType type) {
        this(select, field, type, false);
    }

    public String field() {
        return field;
    }

    public SqlFieldType type() {
        return type;
    }

    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        return valueIn(select.rows(key));
    }

    /** The first defined value of this field among the rows, converted by type. */
    Optional<PerlValue> valueIn(List<Map<String, String>> rows) {
        for (Map<String, String> row : rows) {
            if (!row.containsKey(field)) {
                if (type == SqlFieldType.BOOLEAN_ABSENT_TRUE) return Optional.of(PerlValue.of(1));
                continue;
            }
            String v = row.get(field);
            if (v == null) continue;
            return Optional.of(convert(v, type, trimTrailingSpace));
        }
        return Optional.empty();
    }

    static PerlValue convert(String v, SqlFieldType type, boolean trimTrailingSpace) {
        return switch (type) {
            case BOOLEAN, BOOLEAN_ABSENT_TRUE -> PerlValue.of(FALSE.matcher(v).matches() ? 0 : 1);
            case NUMERIC -> PerlValue.of(perlNumber(v));
            case STRING, LIST -> PerlValue.of(trimTrailingSpace ? v.replaceAll(" +$", "") : v);
        };
    }

    /** Perl's $v + 0: the numeric prefix (else 0), printed as Perl prints numbers (%.15g). */
    static String perlNumber(String v) {
        Matcher m = NUMBER_PREFIX.matcher(v);
        if (!m.lookingAt()) return "0";
        BigDecimal d = new BigDecimal(m.group().trim().replace("+", ""));
        double x = d.doubleValue();
        if (x == Math.rint(x) && Math.abs(x) < 1e15) return Long.toString((long) x);
        return new BigDecimal(x).round(new MathContext(15)).stripTrailingZeros().toPlainString();
    }

    @Override
    public String describe() {
        return "SQL field " + field + " (" + type.code() + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
