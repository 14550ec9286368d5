package org.amavisd.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * RSA keys in PEM: PKCS#1 ("BEGIN RSA PRIVATE KEY", what amavisd-new's genrsa and openssl genrsa
 * write) and PKCS#8 ("BEGIN PRIVATE KEY"), with the small DER work the JDK leaves out.
 */
public final class Pem {
    /** DER AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private Pem() {}

    /** Reads an unencrypted RSA private key from a PEM file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try {
            if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                return rsa(pkcs1ToPkcs8(base64Between(text, "RSA PRIVATE KEY")));
            }
            if (text.contains("-----BEGIN PRIVATE KEY-----")) {
                return rsa(base64Between(text, "PRIVATE KEY"));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not a usable RSA private key: " + e.getMessage(), e);
        }
        throw new IOException(file + ": no unencrypted RSA private key in PEM format found");
    }

    private static PrivateKey rsa(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** The public half of an RSA private key. */
    public static PublicKey publicOf(RSAPrivateCrtKey key) throws IOException {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot derive the public key: " + e.getMessage(), e);
        }
    }

    /** PEM text: the label lines around base64 in lines of 64 characters, each ending in "\n". */
    public static String encode(String label, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder("-----BEGIN " + label + "-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            out.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return out.append("-----END ").append(label).append("-----\n").toString();
    }

    static byte[] base64Between(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new IllegalArgumentException("no " + label + " block");
        }
        return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    /** The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo (the OCTET STRING after the algorithm). */
    static byte[] pkcs8ToPkcs1(byte[] pkcs8) {
        int[] pos = {0};
        enter(pkcs8, pos, 0x30);
        skip(pkcs8, pos, 0x02); // version
        skip(pkcs8, pos, 0x30); // algorithm
        int len = enter(pkcs8, pos, 0x04);
        return Arrays.copyOfRange(pkcs8, pos[0], pos[0] + len);
    }

    private static int enter(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected DER tag " + (der[pos[0]] & 0xff));
        }
        pos[0]++;
        int len = der[pos[0]++] & 0xff;
        if (len > 0x80) {
            int n = len - 0x80;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[pos[0]++] & 0xff);
            }
        }
        return len;
    }

    private static void skip(byte[] der, int[] pos, int tag) {
        int len = enter(der, pos, tag);
        pos[0] += len;
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
