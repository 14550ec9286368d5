package org.amavisd.quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The message body digest (amavisd-new's body_digest, hex, high nybble first), for the {@code %b}
 * of a quarantine file name. Attached to a {@link org.amavisd.core.mail.MessageContext} once
 * computed, so a second copy of the same message reuses it.
 *
 * <p>As amavisd-new computes it: the digest of {@code $mail_digest_algorithm} (MD5 by default,
 * or one of the SHA family) over the bytes after the empty line that ends the header section, with
 * the line ends amavisd-new's own spool file has: LF, not CRLF. A message with no body (or no empty
 * line) has the digest of nothing.
 */
public record BodyDigest(String hex) {
    public BodyDigest {
        Objects.requireNonNull(hex);
    }

    /**
     * The Java name of an amavisd-new {@code $mail_digest_algorithm}: "MD5" (any case), or a SHA as
     * Perl's Digest::SHA names it ("SHA-1", "sha1", "1", "SHA-256", "sha512224", ...).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static String javaAlgorithm(String amavisName) {
        String a = amavisName == null ? "" : amavisName.strip().toUpperCase(Locale.ROOT);
        if (a.equals("MD5")) return "MD5";
        String bits = a.replaceFirst("^SHA-?", "").replace("/", "");
        String java = switch (bits) {
            case "1" -> "SHA-1";
            case "224", "256", "384", "512" -> "SHA-" + bits;
            case "512224" -> "SHA-512/224";
            case "512256" -> "SHA-512/256";
            default -> null;
        };
        if (java == null)
            throw new IllegalArgumentException(
                    "unknown digest algorithm '" + amavisName + "' (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512)");
        return java;
    }

    /** Computes the digest of {@code message} (a spooled file with CRLF line ends). */
    public static BodyDigest of(Path message, String amavisAlgorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(javaAlgorithm(amavisAlgorithm));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(message)) {
            digestBody(in, md);
        }
        return new BodyDigest(HexFormat.of().formatHex(md.digest()));
    }

    /** Skips the header section, then feeds the body with each CRLF as LF (a bare CR stays). */
    static void digestBody(InputStream in, MessageDigest md) throws IOException {
        byte[] buf = new byte[65536];
        byte[] out = new byte[buf.length + 1]; // a chunk's bytes and a CR held over from the one before
        boolean inBody = false;
        boolean lineStart = true; // in the header: at the start of a line
        boolean pendingCr = false; // the last byte seen was a CR not yet written
        int n;
        while ((n = in.read(buf)) > 0) {
            int o = 0;
            for (int i = 0; i < n; i++) {
                byte c = buf[i];
                if (!inBody) {
                    if (c == '\n') {
                        if (lineStart) inBody = true; // an empty line ("\r\n" or "\n")
                        lineStart = true;
                    } else if (c != '\r') {
                        lineStart = false;
                    }
                    continue;
                }
                if (pendingCr) {
                    pendingCr = false;
                    if (c != '\n') out[o++] = '\r';
                }
                if (c == '\r') {
                    pendingCr = true;
                    continue;
                }
                out[o++] = c;
            }
            md.update(out, 0, o);
        }
        if (pendingCr) md.update((byte) '\r');
    }
}
