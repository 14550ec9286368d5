package org.amavisd.daemon;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Numbers as amavisd-new prints spam scores: three decimals at most, trailing zeros dropped. */
final class SpamFormat {
    private SpamFormat() {}

    static String number(double d) {
        BigDecimal b = BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (b.signum() == 0) return "0";
        return b.scale() < 0 ? b.setScale(0).toPlainString() : b.toPlainString();
    }
}
