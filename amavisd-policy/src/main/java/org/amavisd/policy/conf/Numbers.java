package org.amavisd.policy.conf;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Perl-like numeric conversions and formatting. */
final class Numbers {
    private static final Pattern NUMERIC =
            Pattern.compile("\\s*[-+]?(\\d+\\.?\\d*([eE][-+]?\\d+)?|\\.\\d+([eE][-+]?\\d+)?|0[xX][0-9a-fA-F]+)\\s*");
    private static final Pattern LEADING = Pattern.compile("\\s*[-+]?(\\d+\\.?\\d*([eE][-+]?\\d+)?|\\.\\d+)");

    private Numbers() {}

    static boolean looksLikeNumber(String s) {
        return NUMERIC.matcher(s).matches() && !s.trim().toLowerCase().startsWith("0x");
    }

    /** Like Perl: the longest numeric prefix counts, anything else is 0. */
    static double parse(String s) {
        var m = LEADING.matcher(s);
        if (m.lookingAt()) {
            return Double.parseDouble(m.group().trim());
        }
        return 0;
    }

    /** Integers print without a fraction; other values use up to 15 significant digits, like %.15g. */
    static String format(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        BigDecimal bd = new BigDecimal(d).round(new java.math.MathContext(15));
        String s = bd.stripTrailingZeros().toPlainString();
        if (Math.abs(d) >= 1e15 || Math.abs(d) < 1e-4) {
            s = String.format("%.14e", d)
                    .replaceAll("\\.?0+e", "e")
                    .replace("e+0", "e+")
                    .replace("e-0", "e-");
        }
        return s;
    }
}
