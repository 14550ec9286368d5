package org.amavisd.scanners.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Builds test messages as text with CRLF line ends, as the spool holds them, and decodes them the
 * daemon's way.
 */
final class Msg {
    private Msg() {}

    /**
     * Writes {@code message} with CRLF line ends to {@code dir}/email.txt and decodes it into
     * {@code dir}/parts with the default limits and no external archivers.
     */
    static DecodeResult decode(Path dir, String message) throws IOException {
        Path f = dir.resolve("email.txt");
        Files.writeString(f, crlf(message), StandardCharsets.ISO_8859_1);
        return Decoder.decode(f, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
    }

    /** The first part of the decode with this name; fails the test when there is none. */
    static Part named(DecodeResult r, String name) {
        return r.tree().parts().stream()
                .filter(p -> name.equals(p.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no part named " + name + " in " + r.tree().parts()));
    }

    static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static String b64(byte[] data) {
        return Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(data);
    }

    static String attachment(String boundary, String type, String dispositionParams, byte[] data) {
        return "--" + boundary + "\n"
                + "Content-Type: " + type + "\n"
                + "Content-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment" + dispositionParams + "\n\n"
                + b64(data) + "\n";
    }

    static String mixed(String boundary, String... parts) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: a@example.com\nTo: b@example.com\nSubject: test\nMIME-Version: 1.0\n")
                .append("Content-Type: multipart/mixed; boundary=\"")
                .append(boundary)
                .append("\"\n\n")
                .append("This is a multi-part message in MIME format.\n");
        for (String p : parts) sb.append(p);
        sb.append("--").append(boundary).append("--\n");
        return crlf(sb.toString());
    }
}
