package org.amavisd.dkim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What valid signatures mean for policy, as amavisd-new's collect_some_dkim_info and
 * adjust_score_by_signer_reputation decide it: policy banks from {@code @author_to_policy_bank_maps},
 * and the signer reputation from {@code @signer_reputation_maps}.
 */
public final class AuthorPolicy {
    private AuthorPolicy() {}

    /**
     * The policy banks to load, in order. For each valid signature and each author (From) address, the
     * map is asked for the address as-is when the signature is an author domain signature (d= is the
     * author's domain or, unlike amavisd-new which wants them equal, a parent domain of it: the parent's
     * owner controls the subdomain's DNS, as DMARC's relaxed alignment holds), and always for the address with "/@" + d= appended (a third-party signer), each
     * key once. A result of "1" (an ACL-style map) means the bank AUTHOR_APPROVED; otherwise the result is
     * a comma-separated list of bank names. A signature made with a key shorter than {@code
     * minimumKeyBits} ($dkim_minimum_key_bits, 0 for no minimum) loads nothing.
     *
     * @param lookup (address, appended string or "") to the map's value, or null for no match; amavisd-new's
     *     lookup2(0, address, @author_to_policy_bank_maps, AppendStr => ...)
     */
    public static List<String> policyBanks(
            VerificationResult result, BiFunction<String, String, String> lookup, int minimumKeyBits) {
        List<String> banks = new ArrayList<>();
        Set<String> asked = new HashSet<>();
        for (SignatureResult sig : result.signatures()) {
            if (!sig.valid() || expired(sig)) {
                continue;
            }
            for (String author : result.authors()) {
                boolean authorSig = Addresses.isSameOrParent(sig.domain(), Addresses.domain(author));
                List<String> suffixes = authorSig ? List.of("", "/@" + sig.domain()) : List.of("/@" + sig.domain());
                for (String suffix : suffixes) {
                    if (!asked.add(author + suffix)) {
                        continue;
                    }
                    String value = lookup.apply(author, suffix);
                    if (value == null || value.isEmpty() || value.equals("0")) {
                        continue;
                    }
                    if (value.equals("1")) {
                        value = "AUTHOR_APPROVED";
                    }
                    if (minimumKeyBits > 0 && sig.keyBits() > 0 && sig.keyBits() < minimumKeyBits) {
                        continue;
                    }
                    for (String name : value.split(",")) {
                        if (!name.isBlank()) {
                            banks.add(name.trim());
                        }
                    }
                }
            }
        }
        return banks;
    }

    private static boolean expired(SignatureResult sig) {
        return sig.expiration() != null && sig.expiration() < System.currentTimeMillis() / 1000;
    }

    /** The best (lowest) reputation among valid signers, and who it is. */
    public record Reputation(String signer, double score) {}

    /**
     * The best signer reputation: for each valid signature, {@code @signer_reputation_maps} is asked for "@"
     * + d=; the lowest value wins; signatures with keys shorter than {@code minimumKeyBits} are ignored.
     */
    public static Optional<Reputation> bestReputation(
            VerificationResult result, Function<String, Double> lookup, int minimumKeyBits) {
        Reputation best = null;
        for (SignatureResult sig : result.valid()) {
            Double v = lookup.apply("@" + sig.domain());
            if (v == null || (best != null && v >= best.score())) {
                continue;
            }
            if (minimumKeyBits > 0 && sig.keyBits() > 0 && sig.keyBits() < minimumKeyBits) {
                continue;
            }
            best = new Reputation(sig.domain(), v);
        }
        return Optional.ofNullable(best);
    }

    /**
     * amavisd-new's adjustment of a recipient's spam level toward the signer's reputation: {@code f *
     * reputation + (1 - f) * level}, with f = $reputation_factor clamped to 0..1 (the test AM.DKIM_REPUT
     * carries the difference).
     */
    public static double adjustedSpamLevel(double spamLevel, double reputationFactor, double reputation) {
        double f = Math.max(0, Math.min(1, reputationFactor));
        return f * reputation + (1 - f) * spamLevel;
    }
}
