package org.amavisd.dkim;

import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

/**
 * ed25519-sha256 (RFC 8463), which jDKIM 0.5 does not know: the key record's p= is the bare 32-byte
 * public key, and the signature is Ed25519 (JDK 15+) over the SHA-256 hash of the canonicalized header
 * data. jDKIM still canonicalizes the headers and hashes the body; only the key and the final signature
 * step are ours.
 */
final class Ed25519Keys {
    /** DER SubjectPublicKeyInfo prefix of an Ed25519 key (OID 1.3.101.112), followed by the 32 key bytes. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519Keys() {}

    static PublicKey lookup(PublicKeyRecordRetriever keys, SignatureRecord sig)
            throws TempFailException, PermFailException {
        List<String> records = keys.getRecords("dns/txt", sig.getSelector(), sig.getDToken());
        if (records == null || records.isEmpty()) {
            throw new PermFailException("public key: not available");
        }
        String lastError = "public key: syntax error";
        for (String record : records) {
            Map<String, String> t = Tags.parse(record);
            String v = t.get("v");
            if (v != null && !v.equals("DKIM1")) {
                lastError = "public key: unsupported version";
                continue;
            }
            if (!"ed25519".equalsIgnoreCase(t.getOrDefault("k", "rsa"))) {
                lastError = "public key: unsupported key type";
                continue;
            }
            String h = t.get("h");
            if (h != null
                    && !List.of(h.toLowerCase(Locale.ROOT).split("\\s*:\\s*")).contains("sha256")) {
                lastError = "public key: does not support hash algorithm 'sha256'";
                continue;
            }
            String s = t.get("s");
            if (s != null) {
                List<String> services = List.of(s.toLowerCase(Locale.ROOT).split("\\s*:\\s*"));
                if (!services.contains("*") && !services.contains("email")) {
                    lastError = "public key: does not support email";
                    continue;
                }
            }
            String p = t.get("p");
            if (p == null) {
                lastError = "public key: missing p= tag";
                continue;
            }
            String flags = t.getOrDefault("t", "");
            if (List.of(flags.split("\\s*:\\s*")).contains("s")
                    && !sig.getIdentity().toString().toLowerCase(Locale.ROOT).endsWith("@" + sig.getDToken())) {
                throw new PermFailException("public key: does not support signing subdomains");
            }
            try {
                byte[] raw = Base64.getDecoder().decode(Tags.compact(p));
                if (raw.length != 32) {
                    throw new IllegalArgumentException("not 32 bytes");
                }
                return fromRaw(raw);
            } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
                lastError = p.isEmpty() ? "public key: revoked" : "public key: invalid data";
            }
        }
        throw new PermFailException(lastError);
    }

    /** An Ed25519 public key from its 32 raw bytes. */
    static PublicKey fromRaw(byte[] raw) throws java.security.GeneralSecurityException {
        byte[] der = new byte[SPKI_PREFIX.length + raw.length];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(raw, 0, der, SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    }

    /** The 32 raw bytes of an Ed25519 public key (what p= carries). */
    static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        return java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    /** A Signature that SHA-256-hashes what it is fed and then verifies (or makes) Ed25519 over the hash. */
    static Signature prehashedVerifier() throws NoSuchAlgorithmException {
        return new PrehashedEd25519();
    }

    private static final class PrehashedEd25519 extends Signature {
        private final MessageDigest digest;
        private final Signature ed;

        PrehashedEd25519() throws NoSuchAlgorithmException {
            super("SHA256thenEd25519");
            digest = MessageDigest.getInstance("SHA-256");
            ed = Signature.getInstance("Ed25519");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            digest.reset();
            ed.initVerify(publicKey);
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            digest.reset();
            ed.initSign(privateKey);
        }

        @Override
        protected void engineUpdate(byte b) {
            digest.update(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            ed.update(digest.digest());
            return ed.sign();
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            ed.update(digest.digest());
            return ed.verify(sigBytes);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException(param);
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException(param);
        }
    }
}
