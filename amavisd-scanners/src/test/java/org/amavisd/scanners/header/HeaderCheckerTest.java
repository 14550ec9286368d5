package org.amavisd.scanners.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderCheckerTest {
    private static final String GOOD = "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
            + "From: Alice <alice@example.org>\n"
            + "To: bob@example.com\n"
            + "Subject: hello\n"
            + "Message-ID: <1@example.org>\n";
    private static final String BODY = "\nbody line\n";

    private final HeaderChecker checker = new HeaderChecker();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private HeaderVerdict check(String header) throws IOException {
        return checker.check(new ByteArrayInputStream(bytes(header + BODY)));
    }

    @Test
    void cleanMessageFromSpoolFileHasNoProblems(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("msg");
        Files.write(
                f,
                bytes(GOOD + "Received: from a\n\tby b; Mon, 1 Jan 2024 10:00:00 +0000\n"
                        + "MIME-Version: 1.0\nContent-Type: multipart/mixed;\n boundary=\"xyz\"\n" + BODY
                        + "Date: not a header any more\n\u0000\n"));
        HeaderVerdict v = checker.check(f);
        assertThat(v.problems()).isEmpty();
        assertThat(v.minor()).isZero();
        assertThat(v.ccat()).isEmpty();
    }

    @Test
    void crlfLineEndingsAreClean() throws IOException {
        HeaderVerdict v =
                checker.check(new ByteArrayInputStream(bytes((GOOD + "X-A: b\n  c\n" + BODY).replace("\n", "\r\n"))));
        assertThat(v.problems()).isEmpty();
    }

    @Test
    void multipartFramingIsLeftToTheDecoder() throws IOException {
        // a missing boundary is a MIME error of the decoder's (MIME::Parser's words); an empty one
        // is no error at all: MIME::Parser takes "--" as the delimiter
        assertThat(check(GOOD + "MIME-Version: 1.0\nContent-Type: multipart/mixed; charset=us-ascii\n")
                        .problems())
                .isEmpty();
        assertThat(check(GOOD + "Content-Type: multipart/mixed; boundary=\"\"\n")
                        .isBad())
                .isFalse();
        assertThat(check(GOOD + "Content-Type: Multipart/Alternative;\n\tBoundary=abc\n")
                        .isBad())
                .isFalse();
    }

    @Test
    void minor2NonUtf8EightBit() throws IOException {
        HeaderVerdict v = check(GOOD.replace("Subject: hello", "Subject: caf\u00e9")); // Latin-1 byte E9
        assertThat(v.minor()).isEqualTo(2);
        assertThat(v.problems())
                .singleElement()
                .asString()
                .startsWith("Non-encoded non-ASCII data (and not UTF-8) (char E9 hex): Subject: caf\\x{E9}");
        assertThat(v.ccat().get().displayName()).isEqualTo("BadHdr8bit");
    }

    @Test
    void validUtf8PassesByDefaultButNotWithUtf8TestOrC1Controls() throws IOException {
        String utf8 = new String("Subject: caf\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertThat(check(GOOD.replace("Subject: hello", utf8)).isBad()).isFalse();
        HeaderChecker strict = new HeaderChecker(EnumSet.allOf(HeaderTest.class), false);
        HeaderVerdict v = strict.check(new ByteArrayInputStream(bytes(GOOD.replace("Subject: hello", utf8) + BODY)));
        assertThat(v.minor()).isEqualTo(2);
        HeaderChecker eai = new HeaderChecker(EnumSet.allOf(HeaderTest.class), true);
        assertThat(eai.check(new ByteArrayInputStream(bytes(GOOD.replace("Subject: hello", utf8) + BODY)))
                        .isBad())
                .isFalse();
        assertThat(check(GOOD.replace("Subject: hello", "Subject: a\u00c2\u0085b"))
                        .minor())
                .isEqualTo(2);
    }

    @Test
    void minor3ControlCharacters() throws IOException {
        HeaderVerdict v = check(GOOD.replace("Subject: hello", "Subject: hel\u0000lo"));
        assertThat(v.minor()).isEqualTo(3);
        assertThat(v.problems())
                .singleElement()
                .asString()
                .startsWith("Improper use of control character (char 00 hex)");
        assertThat(check(GOOD.replace("Subject: hello", "Subject: hel\rlo")).minor())
                .isEqualTo(3);
    }

    @Test
    void minor4WhitespaceOnlyContinuation() throws IOException {
        HeaderVerdict v = check(GOOD + "X-Folded: a\n   \n b\n");
        assertThat(v.minor()).isEqualTo(4);
        assertThat(v.ccat().get().displayName()).isEqualTo("BadHdrSpace");
    }

    @Test
    void minor5LongLine() throws IOException {
        assertThat(check(GOOD + "X-Long: " + "a".repeat(990) + "\n").isBad()).isFalse(); // 998 exactly
        HeaderVerdict v = check(GOOD + "X-Long: " + "a".repeat(991) + "\n");
        assertThat(v.minor()).isEqualTo(5);
        // far beyond what is kept of a field: still measured
        assertThat(check(GOOD + "X-Huge: " + "a".repeat(200_000) + "\n").minor())
                .isEqualTo(5);
    }

    @Test
    void minor6Syntax() throws IOException {
        assertThat(check(GOOD + "this line has no colon\n").minor()).isEqualTo(6);
        assertThat(check(GOOD + "--boundary-like: x\n").minor()).isEqualTo(6);
        assertThat(check(GOOD + "X-N\u00e4me: x\n").problems())
                .singleElement()
                .asString()
                .startsWith("Invalid header field name, contains non-ASCII char (char E4 hex)");
        // obsolete syntax: blanks before the colon are allowed
        assertThat(check(GOOD + "X-Old : x\n").isBad()).isFalse();
    }

    @Test
    void minor7MissingDateOrFrom() throws IOException {
        HeaderVerdict v = check(GOOD.replace("Date: Mon, 1 Jan 2024 10:00:00 +0000\n", ""));
        assertThat(v.minor()).isEqualTo(7);
        assertThat(v.problems()).containsExactly("Missing required header field: \"Date\"");
        HeaderVerdict w = check("Subject: x\n");
        assertThat(w.problems())
                .containsExactly("Missing required header field: \"Date\"", "Missing required header field: \"From\"");
        // To and Subject are not required
        assertThat(check("Date: x\nFrom: a@b\n").isBad()).isFalse();
    }

    @Test
    void minor8Duplicates() throws IOException {
        HeaderVerdict v = check(GOOD + "subject: again\n");
        assertThat(v.minor()).isEqualTo(8);
        assertThat(v.problems()).containsExactly("Duplicate header field: \"Subject\"");
        assertThat(check(GOOD + "From: a\nFrom: b\n").problems())
                .containsExactly("Header field occurs more than once: \"From\" occurs 3 times");
        // Received, Comments and the like may repeat
        assertThat(check(GOOD + "Received: a\nReceived: b\nComments: x\nComments: y\n")
                        .isBad())
                .isFalse();
    }

    @Test
    void highestMinorWinsAndOnlyOneProblemPerField() throws IOException {
        HeaderVerdict v = check(GOOD + "Subject: dup\u0000\nX-Long: " + "a".repeat(1200) + "\u00e9\n");
        assertThat(v.problems()).hasSize(3); // control in Subject, long X-Long (not also 8-bit), duplicate Subject
        assertThat(v.minor()).isEqualTo(8);
    }

    @Test
    void disabledTestsAreSkipped() throws IOException {
        HeaderChecker none = new HeaderChecker(EnumSet.noneOf(HeaderTest.class), false);
        assertThat(none.check(new ByteArrayInputStream(bytes("bad line\nSubject: \u0000\n" + BODY)))
                        .isBad())
                .isFalse();
        HeaderChecker noSyntax = new HeaderChecker(EnumSet.complementOf(EnumSet.of(HeaderTest.SYNTAX)), false);
        // with the syntax test off a field without a name is not looked at further (as amavisd-new)
        assertThat(noSyntax.check(new ByteArrayInputStream(bytes(GOOD + "bad \u0000 line\n" + BODY)))
                        .isBad())
                .isFalse();
    }

    @Test
    void readsOnlyTheHeaderSection() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes(GOOD + BODY));
        for (int i = 0; i < 10_000; i++) {
            out.write(new byte[] {0, (byte) 0xff, 'x', 'x', 'x', 'x', 'x', 'x', 'x', '\n'});
        }
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertThat(checker.check(in).isBad()).isFalse();
        assertThat(in.available()).as("body left unread").isGreaterThan(50_000);
    }

    @Test
    void testKeysAreAllowedHeaderTestsKeys() {
        assertThat(HeaderTest.EIGHT_BIT.key()).isEqualTo("8bit");
        assertThat(HeaderTest.defaults())
                .doesNotContain(HeaderTest.UTF8)
                .contains(HeaderTest.MIME, HeaderTest.MULTIPLE);
    }
}
