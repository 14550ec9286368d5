package org.amavisd.dkim;

import java.util.ArrayList;
import java.util.List;

/**
 * All signatures of one message, in header order (top first), and the author addresses of its From.
 *
 * @param signatures one result per DKIM-Signature field; empty when the message is unsigned
 * @param authors the addresses of the From header field(s)
 */
public record VerificationResult(List<SignatureResult> signatures, List<String> authors) {
    public VerificationResult {
        signatures = List.copyOf(signatures);
        authors = List.copyOf(authors);
    }

    /** No signature at all: Authentication-Results says dkim=none. */
    public boolean unsigned() {
        return signatures.isEmpty();
    }

    /** The signatures that passed. */
    public List<SignatureResult> valid() {
        List<SignatureResult> out = new ArrayList<>();
        for (SignatureResult s : signatures) {
            if (s.valid()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A valid signature whose d= is the domain of an author (From) address or a parent domain of it. */
    public boolean isAuthorDomainSignature(SignatureResult s) {
        if (!s.valid()) {
            return false;
        }
        for (String a : authors) {
            if (Addresses.isSameOrParent(s.domain(), Addresses.domain(a))) {
                return true;
            }
        }
        return false;
    }

    /** The valid author domain signatures (see {@link #isAuthorDomainSignature}). */
    public List<SignatureResult> authorDomainSignatures() {
        List<SignatureResult> out = new ArrayList<>();
        for (SignatureResult s : signatures) {
            if (isAuthorDomainSignature(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
