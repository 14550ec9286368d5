package org.amavisd.policy.lookup;

import java.util.Optional;
import org.amavisd.policy.conf.PerlValue;

/** A scalar in a maps list: matches every address and answers its value (amavisd-new's catch-all). */
public record ConstantLookup(PerlValue value) implements LookupMap {
    @Override
    public Optional<PerlValue> lookup(LookupKey key) {
        return value.isDefined() ? Optional.of(value) : Optional.empty();
    }

    @Override
    public String describe() {
        return "constant " + value.asString();
    }
}
