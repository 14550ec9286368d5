package org.amavisd.daemon;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.dkim.AuthenticationResults;
import org.amavisd.dkim.AuthorPolicy;
import org.amavisd.dkim.DkimVerifier;
import org.amavisd.dkim.DnsKeyRetriever;
import org.amavisd.dkim.DnsTxtLookup;
import org.amavisd.dkim.VerificationResult;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.PerlValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DKIM verification, as amavisd-new does it when $enable_dkim_verification is on: every signature
 * of the message is checked (keys from DNS, $dkim_dns_resolver and $dkim_dns_timeout; a DNS
 * failure is temperror, never a tempfail of the message), the result goes to the later stages
 * (Authentication-Results for local recipients, "already signed" when signing), and a valid
 * signature of the author's domain may load policy banks (@author_to_policy_bank_maps) before the
 * content checks run, so that e.g. a WHITELIST bank applies to them.
 */
final class DkimChecks implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(DkimChecks.class);

    private final PolicyBanks banks;
    private final DkimVerifier verifier;
    private final MessageProcessor next;

    DkimChecks(PolicyBanks banks, DkimVerifier verifier, MessageProcessor next) {
        this.banks = banks;
        this.verifier = verifier;
        this.next = next;
    }

    /** A verifier on the DNS the configuration names. */
    static DkimVerifier verifierFor(org.amavisd.policy.conf.AmavisConf conf)
            throws org.amavisd.policy.conf.ConfigException {
        String resolver = conf.scalar("$dkim_dns_resolver").orElse(null);
        double timeout = conf.get("$dkim_dns_timeout")
                .filter(PerlValue::isDefined)
                .map(v -> {
                    try {
                        return Double.parseDouble(v.asString().trim());
                    } catch (NumberFormatException e) {
                        return 10.0;
                    }
                })
                .orElse(10.0);
        DnsTxtLookup dns;
        try {
            dns = DnsTxtLookup.fromSettings(resolver, timeout);
        } catch (RuntimeException e) { // a port that is no number, an unclosed [
            throw ConfigErrors.at(
                    conf,
                    "$dkim_dns_resolver",
                    "not a DNS server (host, host:port or [address]:port): '" + resolver + "'");
        }
        return new DkimVerifier(new DnsKeyRetriever(dns));
    }

    /**
     * amavisd-new's lookup with an appended string, for the third-party form of
     * @author_to_policy_bank_maps ("user@example.com/@signer.example"): in hash tables every key the
     * address gives is tried with the suffix appended, most specific first.
     */
    private static String withSuffix(
            org.amavisd.policy.lookup.LookupChain chain, org.amavisd.policy.lookup.LookupKey key, String suffix) {
        for (var map : chain.maps()) {
            if (!(map instanceof org.amavisd.policy.lookup.HashLookup h)) continue;
            for (String k : key.hashKeys()) {
                PerlValue v = h.entries().get(k + suffix.toLowerCase(java.util.Locale.ROOT));
                if (v != null) return v.isDefined() ? v.asString() : null;
            }
        }
        return null;
    }

    @Override
    public void process(MessageContext msg) throws Exception {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        if (bank.isTrue("enable_dkim_verification")) {
            long t0 = System.nanoTime();
            VerificationResult vr;
            try {
                vr = verifier.verify(msg.messageFile());
            } catch (RuntimeException e) {
                // a signature that breaks the library must not tempfail the message for ever
                log.warn("DKIM verification failed, going on without it: {}", e.toString());
                next.process(msg);
                return;
            }
            Timing.of(msg).since("dkim", t0);
            msg.attach(VerificationResult.class, vr);
            if (!vr.unsigned()) log.info("DKIM: {}", String.join(", ", AuthenticationResults.summary(vr.signatures())));
            int minBits = (int) BankValues.integer(bank, "dkim_minimum_key_bits", 1024);
            var chain = banks.chain(bank, "author_to_policy_bank_maps");
            List<String> names = AuthorPolicy.policyBanks(
                    vr,
                    (address, suffix) -> suffix.isEmpty()
                            ? chain.lookup(PolicyBanks.key(bank, address))
                                    .filter(PerlValue::isDefined)
                                    .map(PerlValue::asString)
                                    .orElse(null)
                            : withSuffix(chain, PolicyBanks.key(bank, address), suffix),
                    minBits);
            if (!names.isEmpty()) {
                List<String> warnings = new ArrayList<>();
                PolicyBank loaded = bank;
                for (String name : names) {
                    if (!banks.isDefined(name)) continue;
                    loaded = banks.load(loaded, name, warnings);
                    msg.addPolicyBank(name);
                }
                warnings.forEach(log::warn);
                log.info("DKIM: author's signature loads policy bank(s) {}", names);
                msg.attach(PolicyBank.class, loaded);
                if (loaded.originating()) msg.setOriginating(true);
            }
        }
        next.process(msg);
    }
}
