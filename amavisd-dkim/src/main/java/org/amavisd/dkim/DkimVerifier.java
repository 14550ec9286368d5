package org.amavisd.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

/**
 * Verifies every DKIM-Signature of a message with Apache James jDKIM (rsa-sha256, rsa-sha1) and, for
 * ed25519-sha256 (RFC 8463), with the JDK's Ed25519. Each signature gets its own result: jDKIM's own
 * {@code verify} methods stop at the first problem or report only the good ones, so the steps are run
 * here one signature at a time (parse and validate, key lookup, header hash, then one pass over the body
 * feeding all body hashers). The message is read once, as a stream; the body never sits in memory.
 *
 * <p>Results follow amavisd-new (which reads Mail::DKIM's): a bad signature or altered message is
 * {@code fail}; a signature that cannot be checked (syntax, unsupported algorithm, no key, expired) is
 * Mail::DKIM's "invalid", which amavisd-new writes as {@code neutral}; a DNS timeout or SERVFAIL is
 * {@code temperror}, never an error of the message.
 */
public final class DkimVerifier {
    private final PublicKeyRecordRetriever keys;
    private final Engine engine;

    /** @param keys where public keys come from: {@link DnsKeyRetriever} in the daemon */
    public DkimVerifier(PublicKeyRecordRetriever keys) {
        this.keys = keys;
        this.engine = new Engine(keys);
    }

    /** Verifies the message in a spooled file (as received, CRLF line ends). */
    public VerificationResult verify(Path message) throws IOException {
        try (InputStream in = Files.newInputStream(message)) {
            return verify(in);
        }
    }

    /** Verifies the message read from {@code in} (not closed). */
    public VerificationResult verify(InputStream in) throws IOException {
        InputStream buffered = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 16384);
        HeaderSection headers = HeaderSection.read(buffered);
        List<String> authors = new ArrayList<>();
        for (String from : headers.getFields("From")) {
            authors.addAll(Addresses.parse(HeaderSection.value(from)));
        }
        List<Pending> pending = new ArrayList<>();
        for (String field : headers.getFields("DKIM-Signature")) {
            pending.add(prepare(headers, field));
        }
        List<OutputStream> sinks = new ArrayList<>();
        for (Pending p : pending) {
            if (p.hasher != null) {
                sinks.add(p.hasher.getOutputStream());
            }
        }
        if (!sinks.isEmpty()) {
            byte[] buf = new byte[16384];
            int n;
            while ((n = buffered.read(buf)) > 0) {
                for (OutputStream o : sinks) {
                    o.write(buf, 0, n);
                }
            }
            for (OutputStream o : sinks) {
                o.close();
            }
        }
        List<SignatureResult> results = new ArrayList<>();
        for (Pending p : pending) {
            results.add(p.finish());
        }
        return new VerificationResult(results, authors);
    }

    /** One signature after its header checks, waiting for the body hash. */
    private static final class Pending {
        final Map<String, String> tags;
        final String domain;
        final String identity;
        DkimResult result;
        String detail;
        int keyBits;
        boolean headerOk;
        SignatureRecord record;
        BodyHasherImpl hasher;

        Pending(Map<String, String> tags) {
            this.tags = tags;
            this.domain = tags.getOrDefault("d", "").toLowerCase(Locale.ROOT);
            String i = tags.get("i");
            this.identity = i == null ? "@" + domain : i;
        }

        Pending settle(DkimResult r, String d) {
            result = r;
            detail = d;
            hasher = null;
            return this;
        }

        SignatureResult finish() {
            if (result == null) {
                boolean bodyOk = Arrays.equals(hasher.getDigest(), record.getBodyHash());
                if (!bodyOk) {
                    settle(DkimResult.FAIL, "fail (body has been altered)");
                } else if (!headerOk) {
                    settle(DkimResult.FAIL, "fail (message has been altered)");
                } else {
                    settle(DkimResult.PASS, "pass");
                }
            }
            return new SignatureResult(
                    result,
                    detail,
                    domain,
                    identity,
                    tags.getOrDefault("s", ""),
                    tags.getOrDefault("a", ""),
                    Tags.compact(tags.get("b")),
                    keyBits,
                    number(tags.get("t")),
                    number(tags.get("x")));
        }

        private static Long number(String v) {
            if (v == null || !v.matches("\\d{1,12}")) {
                return null;
            }
            return Long.valueOf(v);
        }
    }

    private Pending prepare(Headers headers, String field) {
        String value = field.substring(field.indexOf(':') + 1);
        Pending p = new Pending(Tags.parse(value));
        SignatureRecord sig;
        try {
            sig = new SignatureRecordImpl(value);
            sig.validate();
        } catch (RuntimeException e) {
            String why = reason(e.getMessage());
            // Mail::DKIM's wording for the one case amavisd-new's logs and A-R show most
            return p.settle(
                    DkimResult.NEUTRAL,
                    why.startsWith("Signature is expired")
                            ? "invalid (signature is expired)"
                            : "invalid (" + why + ")");
        }
        p.record = sig;
        String keyType = sig.getHashKeyType().toString().toLowerCase(Locale.ROOT);
        String hash = sig.getHashMethod().toString().toLowerCase(Locale.ROOT);
        boolean ed25519 = keyType.equals("ed25519") && hash.equals("sha256");
        boolean rsa = keyType.equals("rsa") && (hash.equals("sha256") || hash.equals("sha1"));
        if (!ed25519 && !rsa) {
            return p.settle(DkimResult.NEUTRAL, "invalid (unsupported algorithm " + keyType + "-" + hash + ")");
        }
        for (String c : List.of(sig.getHeaderCanonicalisationMethod(), sig.getBodyCanonicalisationMethod())) {
            if (!SignatureRecord.SIMPLE.equals(c) && !SignatureRecord.RELAXED.equals(c)) {
                return p.settle(DkimResult.NEUTRAL, "invalid (unsupported canonicalization " + c + ")");
            }
        }
        Signature verifier;
        try {
            PublicKey key;
            if (ed25519) {
                key = Ed25519Keys.lookup(keys, sig);
                p.keyBits = 256;
                verifier = Ed25519Keys.prehashedVerifier();
            } else {
                PublicKeyRecord pk = engine.publicRecordLookup(sig);
                key = pk.getPublicKey();
                if (key instanceof RSAPublicKey r) {
                    p.keyBits = r.getModulus().bitLength();
                }
                verifier = Signature.getInstance(hash.toUpperCase(Locale.ROOT) + "withRSA");
            }
            verifier.initVerify(key);
        } catch (TempFailException e) {
            return p.settle(DkimResult.TEMPERROR, "temperror (" + reason(e.getMessage()) + ")");
        } catch (PermFailException e) {
            return p.settle(DkimResult.NEUTRAL, "invalid (" + reason(e.getMessage()) + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            return p.settle(DkimResult.NEUTRAL, "invalid (public key: invalid data)");
        }
        try {
            engine.checkHeaders(headers, sig, verifier);
            p.headerOk = verifier.verify(sig.getSignature());
        } catch (PermFailException e) {
            return p.settle(DkimResult.NEUTRAL, "invalid (" + reason(e.getMessage()) + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            return p.settle(DkimResult.FAIL, "fail (bad " + (ed25519 ? "Ed25519" : "RSA") + " signature)");
        }
        try {
            p.hasher = engine.bodyHasher(sig);
        } catch (PermFailException | RuntimeException e) {
            return p.settle(DkimResult.NEUTRAL, "invalid (" + reason(e.getMessage()) + ")");
        }
        return p;
    }

    private static String reason(String message) {
        return message == null || message.isBlank() ? "unknown error" : message.trim();
    }

    /** Opens jDKIM's protected steps to this class. */
    private static final class Engine extends DKIMVerifier {
        Engine(PublicKeyRecordRetriever keys) {
            super(keys);
        }

        void checkHeaders(Headers headers, SignatureRecord sig, Signature signature)
                throws java.security.SignatureException, PermFailException {
            Canonical.check(headers, sig, signature);
        }

        BodyHasherImpl bodyHasher(SignatureRecord sig) throws PermFailException {
            return newBodyHasher(sig);
        }
    }

    /** jDKIM's header canonicalization and hashing (a protected static of DKIMCommon). */
    static final class Canonical extends DKIMCommon {
        private Canonical() {}

        static void check(Headers headers, SignatureRecord sig, Signature signature)
                throws java.security.SignatureException, PermFailException {
            signatureCheck(headers, sig, sig.getHeaders(), signature);
        }
    }
}
