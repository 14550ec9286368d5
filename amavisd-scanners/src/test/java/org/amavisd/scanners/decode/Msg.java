package org.amavisd.scanners.decode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds test messages as text with CRLF line ends, as the spool holds them. */
final class Msg {
    private Msg() {}

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
