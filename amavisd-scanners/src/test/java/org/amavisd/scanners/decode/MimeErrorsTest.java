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

    @Test
    void boundaryThatNeverAppears() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=nowhere\n\n"
                + "--elsewhere\nContent-Type: text/plain\n\nhello\n");
        assertThat(r.mimeErrors())
                .containsExactly("no boundary of multipart/mixed (part 1) found: all of it read as preamble");
    }

    @Test
    void missingClosingBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\ncut off here\n");
        assertThat(r.mimeErrors()).containsExactly("closing boundary of multipart/mixed (part 1) missing");
        assertThat(r.mimeError()).isEqualTo("closing boundary of multipart/mixed (part 1) missing");
        assertThat(r.tree().leaves()).hasSize(2); // what was there is still decoded
    }

    @Test
    void missingClosingBoundaryAfterTheOnlyPart() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=\"xyz\"\n\n"
                + "--xyz\nContent-Type: text/plain\n\nno closing boundary\n");
        assertThat(r.mimeErrors()).containsExactly("closing boundary of multipart/mixed (part 1) missing");
    }

    @Test
    void innerMultipartClosedByTheOuterBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=outer\n\n"
                + "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
                + "--inner\nContent-Type: text/plain\n\nplain\n"
                + "--outer\nContent-Type: text/plain\n\nsecond\n--outer--\n");
        assertThat(r.mimeErrors()).containsExactly("closing boundary of multipart/alternative (part 1/1) missing");
    }

    @Test
    void multipartWithoutBoundary() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nhi\n--x--\n");
        assertThat(r.mimeErrors()).containsExactly("multipart/mixed without a boundary parameter (part 1)");
    }

    @Test
    void headerCutOffByTheEndOfTheMessage() throws IOException {
        Path f = tmp.resolve("email.txt");
        Files.writeString(f, "From: a@example.com\r\nSubject: no body", StandardCharsets.US_ASCII);
        DecodeResult r = Decoder.decode(f, tmp.resolve("parts"), DecodeLimits.DEFAULTS, ExternalArchivers.none());
        assertThat(r.mimeErrors()).containsExactly("the message ends inside its header");
    }

    @Test
    void headerLineThatIsNoField() throws IOException {
        DecodeResult r = decode(HEAD + "Content-Type: multipart/mixed; boundary=b\n\n"
                + "--b\nContent-Type: text/plain\nthis line has no colon\n\nhello\n--b--\n");
        assertThat(r.mimeErrors()).containsExactly("a header line of part 1/1 is not a header field");
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
                new PartTree(java.util.List.of()),
                false,
                null,
                false,
                java.util.Collections.nCopies(20, "closing boundary of multipart/mixed (part 1) missing"));
        assertThat(r.mimeError()).hasSize(255).endsWith("[...]").startsWith("closing boundary");
        assertThat(new DecodeResult(new PartTree(java.util.List.of()), false, null, false).mimeErrors())
                .isEmpty();
    }
}
