package org.amavisd.daemon;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.amavisd.core.ccat.CcatList;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.mail.HeaderEdits;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.dkim.DkimSigner;
import org.amavisd.dkim.HeaderSection;
import org.amavisd.dkim.VerificationResult;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.PerlValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DKIM signing of originating mail, as amavisd-new signs: when $enable_dkim_signing is on, the
 * message is originating (the ORIG bank, MYNETS), it is not virus, spam or spammy, and a dkim_key
 * covers an originator's domain (From, then Resent-From/-Sender, Sender, the envelope sender;
 * @dkim_signature_options_bysender_maps may choose another). The signature covers the exact bytes
 * the relay sends to this group of recipients, after every header edit, and goes on top. A
 * signature our own domain already made on the message (the verifier saw it valid) is not
 * repeated. A failure to sign is logged; the message is relayed unsigned rather than delayed.
 */
final class DkimSigning {
    private static final Logger log = LoggerFactory.getLogger(DkimSigning.class);

    private final PolicyBanks banks;
    private final DkimSigner signer;

    DkimSigning(PolicyBanks banks, DkimSigner signer) {
        this.banks = banks;
        this.signer = signer;
    }

    /** The edits with a DKIM-Signature on top, or the edits unchanged when this copy is not to be signed. */
    HeaderEdits sign(MessageContext msg, HeaderEdits edits, byte[] trace) {
        PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
        if (!bank.isTrue("enable_dkim_signing") || !msg.originating()) return edits;
        CcatList ccats = MessageLog.messageCategories(msg);
        if (ccats.contains(ContentCategory.VIRUS)
                || ccats.contains(ContentCategory.SPAM)
                || ccats.contains(ContentCategory.SPAMMY)) return edits;
        Path file = null;
        try {
            long t0 = System.nanoTime();
            file = Files.createTempFile(msg.tempDir(), "signing-", ".eml");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 65536)) {
                edits.write(trace, msg.messageFile(), out);
            }
            List<String> fields;
            try (var in = Files.newInputStream(file)) {
                fields = HeaderSection.read(in).getFields();
            }
            Optional<DkimSigner.Plan> plan = signer.choose(
                    DkimSigner.originators(fields, msg.sender().address()),
                    addr -> optionsBySender(bank, addr),
                    msg.receivedAt().getEpochSecond());
            if (plan.isEmpty()) return edits;
            Optional<VerificationResult> verified = msg.attachment(VerificationResult.class);
            if (verified.isPresent() && DkimSigner.alreadySigned(plan.get(), verified.get())) return edits;
            String signature = signer.sign(plan.get(), List.of(), file, DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS);
            Timing.of(msg).since("dkim-sign", t0);
            log.debug(
                    "DKIM signature by d={} s={}",
                    plan.get().domain(),
                    plan.get().selector());
            return edits.withFirst(signature);
        } catch (IOException | RuntimeException e) {
            log.error("DKIM signing failed, relaying unsigned: {}", e.toString());
            return edits;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.debug("cannot remove {}: {}", file, e.toString());
                }
            }
        }
    }

    /**
     * The option hashes @dkim_signature_options_bysender_maps gives for an address: every match, the
     * most specific first (in a hash table every matching key: 'dept.example.com', then '.'), as
     * amavisd-new's lookup of all matches; the signer takes each option from the first hash that has it.
     */
    private List<Map<String, String>> optionsBySender(PolicyBank bank, String address) {
        var key = PolicyBanks.key(bank, address);
        List<Map<String, String>> out = new ArrayList<>();
        for (var map : banks.chain(bank, "dkim_signature_options_bysender_maps").maps()) {
            if (map instanceof org.amavisd.policy.lookup.HashLookup h) {
                for (String k : key.hashKeys()) {
                    PerlValue v = h.entries().get(k);
                    if (v != null) addOptions(out, v);
                }
            } else {
                map.lookup(key).ifPresent(v -> addOptions(out, v));
            }
        }
        return out;
    }

    private static void addOptions(List<Map<String, String>> out, PerlValue v) {
        if (!(v instanceof PerlValue.HashRef h)) return;
        Map<String, String> m = new LinkedHashMap<>();
        h.entries().forEach((k, x) -> {
            if (x.isDefined()) m.put(k, x.asString());
        });
        out.add(m);
    }
}
