package org.amavisd.core.mail;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The message's identity, made as amavisd-new makes it: a 72-bit random secret, and a mail_id of
 * 12 base64url characters taken from the MD5 digest of that secret, so that knowing a mail_id
 * (which appears in headers and logs) does not reveal the secret needed to release it from
 * quarantine. The first and last characters are alphanumeric, as amavisd-new ensures.
 */
public record MailId(String id, String secret) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 9; // 72 bits
    private static final int ID_CHARS = 12; // 72 bits in base64

    public MailId {
        Objects.requireNonNull(id);
        Objects.requireNonNull(secret);
    }

    public static MailId generate() {
        for (int attempt = 0; ; attempt++) {
            byte[] secret = new byte[SECRET_BYTES];
            RANDOM.nextBytes(secret);
            String id = idFor(secret);
            if (isAlnum(id.charAt(0)) && isAlnum(id.charAt(ID_CHARS - 1)) || attempt >= 100) {
                return new MailId(id, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            }
        }
    }

    /** The mail_id belonging to a secret_id, as given by a release request. */
    public static String idForSecret(String secretBase64Url) {
        return idFor(Base64.getUrlDecoder().decode(secretBase64Url));
    }

    private static String idFor(byte[] secret) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(secret);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md5).substring(0, ID_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }

    private static boolean isAlnum(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    @Override
    public String toString() {
        return id;
    }
}
