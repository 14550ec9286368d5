package org.amavisd.dkim;

import java.util.Locale;

/** RFC 8601 dkim= result values, as amavisd-new maps Mail::DKIM's results onto them. */
public enum DkimResult {
    /** the message carries no DKIM-Signature */
    NONE,
    /** a good signature */
    PASS,
    /** the signature does not verify: header or body altered, bad RSA signature (Mail::DKIM "fail") */
    FAIL,
    /**
     * the signature cannot be checked: syntax, unsupported algorithm, no or a bad public key, expired
     * (Mail::DKIM "invalid", which amavisd-new reports as neutral)
     */
    NEUTRAL,
    /** the public key could not be fetched for now (DNS timeout, SERVFAIL) */
    TEMPERROR,
    /** an error of our own while verifying */
    PERMERROR;

    /** The word written after "dkim=". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
