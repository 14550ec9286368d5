package org.amavisd.daemon;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.mail.Recipient;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.ByCcat;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.lookup.LookupKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which category blocks a recipient, and with which destiny, as amavisd-new decides: the
 * recipient's categories are walked most important first, each with its
 * %final_destiny_maps_by_ccat entry (a D_* number, or maps asked with the address) and its
 * %lovers_maps_by_ccat entry; the first category whose destiny is not D_PASS, for a recipient
 * who is not a lover of it, blocks.
 */
final class DestinyRules {
    private static final Logger log = LoggerFactory.getLogger(DestinyRules.class);

    private final PolicyBanks banks;

    DestinyRules(PolicyBanks banks) {
        this.banks = banks;
    }

    /** The blocking category and its destiny (the catch-all entry names the main category). */
    record Block(Ccat ccat, Destiny destiny) {}

    /** What blocks the recipient as its categories stand now; empty when it gets the message. */
    Optional<Block> block(PolicyBank bank, Recipient r) {
        Function<String, Optional<PerlValue>> settings = bank::get;
        PerlValue fdTable = bank.get("final_destiny_maps_by_ccat").orElse(PerlValue.UNDEF);
        PerlValue loversTable = bank.get("lovers_maps_by_ccat").orElse(PerlValue.UNDEF);
        LookupKey key = PolicyBanks.key(bank, r.address().address());
        List<String> ccats = r.contents().entries().stream().map(Ccat::key).toList();
        for (ByCcat.Match m : ByCcat.all(ccats, settings, fdTable)) {
            Optional<Destiny> fd = destiny(m.value(), key);
            if (fd.isEmpty() || fd.get() == Destiny.PASS) continue;
            if (isLover(loversTable, m.ccat(), settings, key)) {
                log.debug("{}: lover of {}, passes", r, m.ccat());
                continue;
            }
            Ccat blocking = Ccat.parse(m.ccat());
            if (blocking.major() == ContentCategory.CATCHALL)
                blocking = r.contents().mainOrClean();
            return Optional.of(new Block(blocking, fd.get()));
        }
        return Optional.empty();
    }

    /** A destiny value: a number, or a maps list asked with the recipient's address. */
    private Optional<Destiny> destiny(PerlValue v, LookupKey key) {
        PerlValue x = v;
        if (v instanceof PerlValue.ArrayRef || v instanceof PerlValue.HashRef || v instanceof PerlValue.RegexTable)
            x = banks.chainOf("final_destiny_maps", v).lookup(key).orElse(PerlValue.UNDEF);
        if (!x.isDefined() || x.asString().isBlank()) return Optional.empty();
        try {
            return Optional.of(Destiny.of((int) Double.parseDouble(x.asString().trim())));
        } catch (IllegalArgumentException e) {
            log.warn("final destiny '{}' is not a D_* value; D_PASS assumed", x.asString());
            return Optional.of(Destiny.PASS);
        }
    }

    private boolean isLover(
            PerlValue loversTable, String ccat, Function<String, Optional<PerlValue>> settings, LookupKey key) {
        if (!(loversTable instanceof PerlValue.HashRef h)) return false;
        PerlValue raw = h.entries().get(ccat);
        if (raw == null)
            raw = h.entries().get(Integer.toString(Ccat.parse(ccat).major().number()));
        if (raw == null) return false;
        String name = ByCcat.accessorName(raw).orElse("lovers_maps");
        PerlValue maps = ByCcat.resolve(raw, settings);
        if (!maps.isDefined()
                || (maps instanceof PerlValue.ArrayRef a && a.elements().isEmpty())) return false;
        return banks.chainOf(name, maps).isTrue(key);
    }
}
