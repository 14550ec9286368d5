package org.amavisd.dkim;

import java.util.List;
import org.apache.james.jdkim.api.SignatureRecord;

/**
 * A jDKIM signature record whose unsigned text is the exact field text we emit (tags in our order,
 * folded), so that what is hashed is what verifiers see; jDKIM's own rendering reorders the tags.
 */
final class StubRecord implements SignatureRecord {
    private final SignatureRecord d;
    private final String unsigned;

    StubRecord(SignatureRecord delegate, String unsigned) {
        this.d = delegate;
        this.unsigned = unsigned;
    }

    @Override
    public String toUnsignedString() {
        return unsigned;
    }

    @Override
    public List<CharSequence> getHeaders() {
        return d.getHeaders();
    }

    @Override
    public CharSequence getIdentityLocalPart() {
        return d.getIdentityLocalPart();
    }

    @Override
    public CharSequence getIdentity() {
        return d.getIdentity();
    }

    @Override
    public CharSequence getHashKeyType() {
        return d.getHashKeyType();
    }

    @Override
    public CharSequence getHashMethod() {
        return d.getHashMethod();
    }

    @Override
    public CharSequence getHashAlgo() {
        return d.getHashAlgo();
    }

    @Override
    public CharSequence getSelector() {
        return d.getSelector();
    }

    @Override
    public CharSequence getDToken() {
        return d.getDToken();
    }

    @Override
    public byte[] getBodyHash() {
        return d.getBodyHash();
    }

    @Override
    public int getBodyHashLimit() {
        return d.getBodyHashLimit();
    }

    @Override
    public String getHeaderCanonicalisationMethod() {
        return d.getHeaderCanonicalisationMethod();
    }

    @Override
    public String getBodyCanonicalisationMethod() {
        return d.getBodyCanonicalisationMethod();
    }

    @Override
    public List<CharSequence> getRecordLookupMethods() {
        return d.getRecordLookupMethods();
    }

    @Override
    public void validate() {
        d.validate();
    }

    @Override
    public byte[] getSignature() {
        return d.getSignature();
    }

    @Override
    public CharSequence getRawSignature() {
        return d.getRawSignature();
    }

    @Override
    public void setSignature(byte[] signature) {
        d.setSignature(signature);
    }

    @Override
    public void setBodyHash(byte[] hash) {
        d.setBodyHash(hash);
    }

    @Override
    public Long getSignatureTimestamp() {
        return d.getSignatureTimestamp();
    }
}
