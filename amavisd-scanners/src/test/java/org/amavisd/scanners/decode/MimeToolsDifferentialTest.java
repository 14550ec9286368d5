package org.amavisd.scanners.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our MIME errors against those of MIME-tools' parser itself (Debian's libmime-tools-perl, which
 * amavisd-new runs), on the same messages: a fixed set of sound and broken ones, and a few hundred
 * built at random from the pieces that make MIME framing go wrong (parts without header fields,
 * digests, missing and foreign boundaries, headers cut off, bare LF, no final line end). For each,
 * the one line amavisd-new would log after "MIME error: " must be ours.
 *
 * <p>Gated by amavisd.e2e like the other tests that need a Debian package: "off" skips,
 * "required" fails when perl or MIME::Parser is missing, anything else skips then.
 */
class MimeToolsDifferentialTest {
    private static final Path PARSER_PM = Path.of("/usr/share/perl5/MIME/Parser.pm");

    @TempDir
    Path tmp;

    @Test
    void sameErrorsAsMimeToolsParser() throws Exception {
        String mode = System.getProperty("amavisd.e2e", "auto");
        Assumptions.assumeFalse(mode.equals("off"), "amavisd.e2e=off");
        if (!Files.isRegularFile(PARSER_PM) || !Files.isExecutable(Path.of("/usr/bin/perl"))) {
            String why = "needs perl and MIME::Parser (Debian package libmime-tools-perl)";
            if (mode.equals("required")) Assertions.fail(why);
            Assumptions.abort(why);
        }
        Map<Path, String> messages = new LinkedHashMap<>();
        int i = 0;
        for (String m : corpus()) {
            Path f = tmp.resolve(String.format("m%04d.eml", i++));
            Files.writeString(f, m, StandardCharsets.ISO_8859_1);
            messages.put(f, m);
        }
        Map<String, String> theirs = mimeTools(new ArrayList<>(messages.keySet()));
        List<String> differences = new ArrayList<>();
        int broken = 0;
        for (Path f : messages.keySet()) {
            Path dir = Files.createDirectories(tmp.resolve(f.getFileName() + ".d"));
            DecodeResult r = Decoder.decode(f, dir.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
            String ours = r.mimeError() == null ? "" : r.mimeError();
            String expected = theirs.get(f.toString());
            if (!expected.isEmpty()) broken++;
            if (!ours.equals(expected)) {
                differences.add(f.getFileName() + ": MIME-tools [" + expected + "], ours [" + ours + "]\n"
                        + messages.get(f).replace("\r", "\\r"));
            }
        }
        assertThat(theirs).hasSameSizeAs(messages);
        assertThat(broken).as("messages MIME-tools finds broken").isGreaterThan(50);
        assertThat(differences).isEmpty();
    }

    private Map<String, String> mimeTools(List<Path> files) throws IOException, InterruptedException {
        Path script = tmp.resolve("errors.pl");
        try (InputStream in = getClass().getResourceAsStream("/mime-tools/errors.pl")) {
            Files.copy(in, script);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/perl", script.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Map<String, String> r = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) r.put(line.substring(0, tab), line.substring(tab + 1));
        }
        return r;
    }

    private static final String HEAD = "From: a@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n";

    private static List<String> corpus() {
        List<String> c = new ArrayList<>();
        c.add(HEAD + "Content-Type: text/plain\r\n\r\nhello\r\n");
        c.add(HEAD + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nno header here\r\n--b--\r\n");
        c.add(HEAD + "Content-Type: multipart/digest; boundary=b\r\n\r\n--b\r\n\r\nFrom: x@y\r\nSubject: one\r\n\r\n"
                + "body one\r\n--b\r\n\r\nFrom: z@y\r\n\r\nbody two\r\n--b--\r\n");
        c.add(HEAD + "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n");
        c.add(HEAD + "Content-Type: multipart/mixed; boundary=nowhere\r\n\r\n--elsewhere\r\n\r\nhello\r\n");
        c.add("From: a@example.com\r\nSubject: no body");
        c.add("From: a@example.com\r\nSubject: no body\r\n");
        c.add(HEAD + "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\nhi\r\n----\r\n");
        c.add(HEAD + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nno begin\r\n");
        c.add(HEAD + "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-uu\r\n\r\nbegin 600 x\r\nend\r\n");
        c.add(HEAD
                + "Content-Transfer-Encoding: mac-binhex40\r\n\r\n(This file must be converted with BinHex)\r\n:\r\n");
        c.add(HEAD + "Content-Transfer-Encoding: binhex\r\n\r\n(This file must be converted with BinHex)\r\n");
        Random rnd = new Random(20261203L);
        for (int i = 0; i < 400; i++) c.add(randomMessage(rnd));
        return c;
    }

    /** A message built at random from pieces that matter to MIME framing. */
    private static String randomMessage(Random rnd) {
        String nl = rnd.nextInt(8) == 0 ? "\n" : "\r\n";
        StringBuilder sb = new StringBuilder("From: a@example.com" + nl + "Subject: r" + nl);
        entity(sb, rnd, nl, 0, null, true);
        String s = sb.toString();
        if (rnd.nextInt(6) == 0 && s.endsWith(nl)) s = s.substring(0, s.length() - nl.length());
        return s;
    }

    private static void entity(StringBuilder sb, Random rnd, String nl, int depth, String outer, boolean top) {
        int kind = depth >= 3 ? rnd.nextInt(2) : rnd.nextInt(6);
        String boundary = "b" + depth + (char) ('a' + rnd.nextInt(3));
        if (!top && rnd.nextInt(5) == 0) { // no header fields at all
            sb.append(nl);
            body(sb, rnd, nl, outer);
            return;
        }
        switch (kind) {
            case 0 -> sb.append("Content-Type: text/plain").append(nl);
            case 1 -> sb.append("Content-Type: message/rfc822").append(nl);
            case 2 ->
                sb.append("Content-Type: multipart/digest; boundary=\"")
                        .append(boundary)
                        .append('"')
                        .append(nl);
            case 3 -> sb.append("Content-Type: multipart/mixed").append(nl); // no boundary
            default ->
                sb.append("Content-Type: multipart/mixed;")
                        .append(nl)
                        .append("\tboundary=")
                        .append(boundary)
                        .append(nl);
        }
        if (rnd.nextInt(8) == 0) sb.append("not a field").append(nl);
        if (rnd.nextInt(6) == 0) {
            String[] encodings = {"x-uuencode", "X-UU", "binhex40", "base64", "7-bit", "x-unknown"};
            sb.append("Content-Transfer-Encoding: ")
                    .append(encodings[rnd.nextInt(encodings.length)])
                    .append(nl);
        }
        if (rnd.nextInt(10) == 0) return; // the header cut off here
        sb.append(nl);
        if (kind < 2 || kind == 3) {
            body(sb, rnd, nl, outer);
            return;
        }
        if (rnd.nextInt(3) == 0) sb.append("preamble").append(nl);
        int parts = rnd.nextInt(4);
        String delim = rnd.nextInt(12) == 0 ? "--other" : "--" + boundary;
        for (int p = 0; p < parts; p++) {
            sb.append(delim).append(rnd.nextInt(6) == 0 ? " \t" : "").append(nl);
            if (kind == 2 && rnd.nextBoolean()) {
                sb.append(nl)
                        .append("From: inner@example.org")
                        .append(nl)
                        .append(nl)
                        .append("inner")
                        .append(nl);
            } else {
                entity(sb, rnd, nl, depth + 1, boundary, false);
            }
        }
        int close = rnd.nextInt(6);
        if (close > 0)
            sb.append("--").append(boundary).append(close == 1 ? "--  " : "--").append(nl);
        if (rnd.nextInt(3) == 0) sb.append("epilogue").append(nl);
        if (outer != null && rnd.nextInt(8) == 0)
            sb.append("--").append(outer).append("--").append(nl);
    }

    private static void body(StringBuilder sb, Random rnd, String nl, String outer) {
        sb.append("text ").append(rnd.nextInt(100)).append(nl);
        if (rnd.nextInt(5) == 0)
            sb.append("begin 644 f.txt").append(nl).append("end").append(nl);
        if (rnd.nextInt(5) == 0)
            sb.append("(This file must be converted with BinHex 4.0)").append(nl);
        if (rnd.nextInt(4) == 0) sb.append(":!!").append(nl);
        if (rnd.nextInt(10) == 0) sb.append("--looks-like-a-boundary").append(nl);
        if (rnd.nextInt(12) == 0) sb.append(nl);
    }
}
