package org.amavisd.scanners.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MIME framing errors, which amavisd-new reports as CC_BADH minor 1 ("MIME error: ..."). */
class MimeErrorsTest {
    @TempDir
    Path tmp;

    private DecodeResult decode(String message) throws IOException {
        return Msg.decode(tmp, message);
    }

    private static final String HEAD = "From: a@example.com\nSubject: t\nMIME-Version: 1.0\n";

    @Test
    void aSoundMessageHasNone() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\nhello\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
        assertThat(r.mimeError()).isNull();
    }

    /** MIME::Parser's words, as amavisd-new logs them after "MIME error: ". */
    private static final String PREAMBLE = "error: unexpected end of preamble",
            PARTS = "error: unexpected end of parts before epilogue",
            PART = "error: part did not end with expected boundary",
            HEADER = "error: unexpected end of header",
            NO_BOUNDARY = "error: multipart boundary is missing, or contains CR or LF";

    @Test
    void aPartWithoutHeaderFieldsIsSound() throws IOException {
        // RFC 2046 5.1.1: a body part may start with the empty line; it is then text/plain
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\n\nno header here\n--b\nContent-Type: text/plain\n\nsecond\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
        assertThat(r.mimeError()).isNull();
        assertThat(r.tree().leaves()).hasSize(2);
        assertThat(Files.readString(r.tree().leaves().get(0).file())).isEqualTo("no header here");
    }

    @Test
    void aDigestOfPartsWithoutHeaderFieldsIsSound() throws IOException {
        // RFC 2046 5.1.5: in a digest such a part is a message/rfc822
        DecodeResult r = decode(HEAD + "Content-Type: multipart/digest; boundary=b\n\n"
                + "--b\n\nFrom: x@example.org\nSubject: one\n\nbody one\n"
                + "--b\n\nFrom: y@example.org\nSubject: two\n\nbody two\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
        assertThat(r.tree().parts())
                .filteredOn(p -> "1/1".equals(p.levelPath()) || "1/2".equals(p.levelPath()))
                .extracting(Part::mimeType)
                .containsExactly("message/rfc822", "message/rfc822");
    }

    @Test
    void boundaryThatNeverAppears() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=nowhere\n\n"
                + "--elsewhere\nContent-Type: text/plain\n\nhello\n");
        assertThat(r.mimeErrors()).containsExactly(PREAMBLE);
        assertThat(r.mimeError()).isEqualTo("error: unexpected end of preamble");
    }

    @Test
    void missingClosingBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\ncut off here\n");
        assertThat(r.mimeErrors()).containsExactly(PART, PARTS);
        // amavisd-new's one line: each of MIME::Parser's messages ends with an empty line
        assertThat(r.mimeError())
                .isEqualTo("error: part did not end with expected boundary; ; "
                        + "error: unexpected end of parts before epilogue");
        assertThat(r.tree().leaves()).hasSize(2); // what was there is still decoded
    }

    @Test
    void innerMultipartClosedByTheOuterBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=outer\n\n"
                + "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
                + "--inner\nContent-Type: text/plain\n\nplain\n"
                + "--outer\nContent-Type: text/plain\n\nsecond\n--outer--\n");
        assertThat(r.mimeErrors()).containsExactly(PART, PARTS);
    }

    @Test
    void innerMultipartWithoutAnyOfItsBoundaries() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: multipart/mixed; boundary=c\n\njust text\n--b--\n");
        assertThat(r.mimeErrors()).containsExactly(PREAMBLE);
    }

    @Test
    void multipartWithoutBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhi\n--x--\n");
        assertThat(r.mimeErrors()).containsExactly(NO_BOUNDARY);
    }

    @Test
    void headerCutOffByTheEndOfTheMessage() throws IOException {
        Path f = tmp.resolve("email.txt");
        Files.writeString(f, "From: a@example.com\r\nSubject: no body", StandardCharsets.US_ASCII);
        DecodeResult r = Decoder.decode(f, tmp.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
        assertThat(r.mimeErrors()).containsExactly(HEADER);
    }

    @Test
    void partHeaderCutOffByTheClosingBoundary() throws IOException {
        // the header reads on past the closing boundary, to the end of the message
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: text/plain\n--b--\n");
        assertThat(r.mimeErrors()).containsExactly(HEADER, PART, PARTS);
    }

    @Test
    void partHeaderCutOffByTheNextDelimiterIsOnlyAWarning() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n--b\nContent-Type: text/plain\n\nx\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
    }

    @Test
    void headerLinesThatAreNoFieldsAreSkipped() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\nthis line has no colon\n\nhello\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
    }

    @Test
    void anEmptyMultipartIsOnlyAWarning() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
    }

    @Test
    void boundaryLinesMayEndInWhiteSpace() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b \t\nContent-Type: text/plain\n\nhello\n--b--   \n");
        assertThat(r.mimeErrors()).isEmpty();
    }

    @Test
    void uuencodedBodyWithoutBegin() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n"
                + "M86QL(&]F('1E>'0*\n--b\nContent-Transfer-Encoding: X-UUencode\n\nbegin 644 a.txt\n`\nend\n--b--\n");
        assertThat(r.mimeErrors()).containsExactly("error: uu decoding: no begin found");
    }

    @Test
    void binhexBodyThatNeverStarts() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: application/mac-binhex40\nContent-Transfer-Encoding: binhex\n\n"
                + "(This file must be converted with BinHex 4.0)\nno colon here\n");
        assertThat(r.mimeErrors()).containsExactly("error: binhex decoding: fell off end of file");
        DecodeResult ok = Msg.decode(
                Files.createDirectories(tmp.resolve("ok")),
                HEAD + "Content-Type: application/mac-binhex40\nContent-Transfer-Encoding: binhex\n\n"
                        + "(This file must be converted with BinHex 4.0)\n:!!!\n");
        assertThat(ok.mimeErrors()).isEmpty();
    }

    @Test
    void tooManyPartsWhenNoErrorCameFirst() throws IOException {
        StringBuilder m = new StringBuilder(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n");
        for (int i = 0; i < 5; i++)
            m.append("--b\nContent-Type: text/plain\n\npart ").append(i).append('\n');
        m.append("--b--\n");
        Path f = tmp.resolve("email.txt");
        Files.writeString(f, Msg.crlf(m.toString()), StandardCharsets.US_ASCII);
        DecodeLimits three = new DecodeLimits(14, 3, 100 * 1024L, 300 * 1024 * 1024L, java.time.Duration.ofSeconds(60));
        DecodeResult r = Decoder.decode(f, tmp.resolve("parts"), three, ExternalArchivers.none());
        assertThat(r.mimeErrors()).containsExactly("Unable to parse, perhaps message contains too many parts");
    }

    @Test
    void strayBase64CharactersAndAnUnknownEncodingAreNotMimeErrors() throws IOException {
        // MIME::Parser drops characters outside the base64 alphabet and takes an unknown
        // Content-Transfer-Encoding as binary, with a warning at most: neither is an error
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVs!!bG8=\n"
                + "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: x-unheard-of\n\nraw\n--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
        assertThat(Files.readString(r.tree().leaves().get(0).file())).isEqualTo("hello");
    }

    @Test
    void problemsInsideAnEmbeddedMessageDoNotCount() throws IOException {
        // amavisd-new parses with nested messages left whole: only the outer structure is judged
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: message/rfc822\n\n"
                + "Subject: inner\nContent-Type: multipart/mixed; boundary=never\n\n--other\n\nx\n"
                + "--b--\n");
        assertThat(r.mimeErrors()).isEmpty();
    }

    @Test
    void theOneLineFormIsCutAt250Characters() {
        DecodeResult r = new DecodeResult(
                new PartTree(java.util.List.of()), false, null, false, java.util.Collections.nCopies(20, PARTS));
        assertThat(r.mimeError()).hasSize(255).endsWith("[...]").startsWith(PARTS + "; ; " + PARTS);
        assertThat(new DecodeResult(new PartTree(java.util.List.of()), false, null, false).mimeErrors())
                .isEmpty();
    }
}
