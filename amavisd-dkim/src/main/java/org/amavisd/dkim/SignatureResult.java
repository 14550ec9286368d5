package org.amavisd.dkim;

/**
 * The verification of one DKIM-Signature field.
 *
 * @param result the RFC 8601 result
 * @param detail Mail::DKIM's result_detail wording: "pass", "fail (body has been altered)", "invalid
 *     (public key: not available)", "temperror (...)"
 * @param domain the d= tag (SDID), lower case; "" if missing
 * @param identity the i= tag (AUID) as given, or "@" + d when absent
 * @param selector the s= tag
 * @param algorithm the a= tag
 * @param b the b= tag without white space ("" if missing)
 * @param keyBits the size of the public key in bits, 0 when unknown
 * @param timestamp the t= tag in seconds, or null
 * @param expiration the x= tag in seconds, or null
 */
public record SignatureResult(
        DkimResult result,
        String detail,
        String domain,
        String identity,
        String selector,
        String algorithm,
        String b,
        int keyBits,
        Long timestamp,
        Long expiration) {

    /** At most the first 8 characters of b=, as RFC 6008 header.b carries them. */
    public String bPrefix() {
        return b.length() <= 8 ? b : b.substring(0, 8);
    }

    public boolean valid() {
        return result == DkimResult.PASS;
    }
}
