package org.amavisd.daemon;

import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.conf.PerlValue;

/** Numeric settings of a policy bank, read as Perl reads numbers; undef or garbage gives the default. */
final class BankValues {
    private BankValues() {}

    static double decimal(PolicyBank bank, String name, double dflt) {
        return bank.get(name)
                .filter(PerlValue::isDefined)
                .map(v -> {
                    try {
                        return Double.parseDouble(v.asString().trim());
                    } catch (NumberFormatException e) {
                        return dflt;
                    }
                })
                .orElse(dflt);
    }

    static long integer(PolicyBank bank, String name, long dflt) {
        return (long) decimal(bank, name, dflt);
    }
}
