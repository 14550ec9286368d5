package org.amavisd.smtp.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SmtpInputTest {
    private static SmtpInput input(String s) {
        return new SmtpInput(
                new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)), 7); // tiny buffer: every boundary
    }

    private static String text(SmtpInput.CommandLine l) {
        return new String(l.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsCrlfLinesAndFlagsBareLfNulAndOverlength() throws IOException {
        SmtpInput in = input("EHLO a\r\nNOOP\nX\0Y\r\n" + "z".repeat(20) + "\r\nlast");
        SmtpInput.CommandLine l = in.readLine(10);
        assertThat(text(l)).isEqualTo("EHLO a");
        assertThat(l.bareLf() || l.hasNul() || l.tooLong()).isFalse();
        assertThat(in.readLine(10).bareLf()).isTrue();
        assertThat(in.readLine(10).hasNul()).isTrue();
        SmtpInput.CommandLine tooLong = in.readLine(10);
        assertThat(tooLong.tooLong()).isTrue();
        assertThat(tooLong.bytes()).hasSize(10);
        SmtpInput.CommandLine last = in.readLine(10);
        assertThat(last.unterminated()).isTrue();
        assertThat(text(last)).isEqualTo("last");
        assertThat(in.readLine(10)).isNull();
    }

    @Test
    void aLineOfExactlyTheLimitIsNotTooLong() throws IOException {
        SmtpInput in = input("0123456789\r\n01234567890\r\n");
        SmtpInput.CommandLine l = in.readLine(10);
        assertThat(l.tooLong()).isFalse();
        assertThat(text(l)).isEqualTo("0123456789");
        assertThat(in.readLine(10).tooLong()).isTrue();
    }

    private static String data(String wire, long limit, SmtpInput.DataResult[] result) throws IOException {
        SmtpInput in = input(wire);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result[0] = in.readData(out, limit);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void unstuffsLeadingDotsAndStopsAtCrlfDotCrlf() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        assertThat(data("a\r\n..b\r\n.c\r\n..\r\n.\r\nNEXT", Long.MAX_VALUE, r)).isEqualTo("a\r\n.b\r\nc\r\n.\r\n");
        assertThat(r[0].complete()).isTrue();
        assertThat(r[0].size()).isEqualTo(13);
    }

    @Test
    void leavesTheInputRightAfterTheTerminator() throws IOException {
        SmtpInput in = input("body\r\n.\r\nQUIT\r\n");
        in.readData(OutputStreamSink.NULL, Long.MAX_VALUE);
        assertThat(text(in.readLine(100))).isEqualTo("QUIT");
    }

    @Test
    void bareLfBecomesCrlfAndNeverEndsTheData() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        assertThat(data("a\nb\n.\nc\r\n.\nd\r\n.\r\n", Long.MAX_VALUE, r)).isEqualTo("a\r\nb\r\n.\r\nc\r\n.\r\nd\r\n");
        assertThat(r[0].hasBareLf()).isTrue();
    }

    /** Would-be ends of data around bare CR and bare LF (SMTP smuggling), and what they become. */
    static Stream<Arguments> fakeTerminators() {
        return Stream.of(
                Arguments.of("a\n.\nb", "a\r\n.\r\nb"),
                Arguments.of("a\n.\r\nb", "a\r\n.\r\nb"),
                Arguments.of("a\r\n.\nb", "a\r\n.\r\nb"),
                Arguments.of("a\r.\r\nb", "a\r.\r\nb"),
                Arguments.of("a\r\n.\rb", "a\r\n\rb"), // ".\rb" is a longer line: its dot is unstuffed
                Arguments.of(".\nb", ".\r\nb"),
                Arguments.of(".\rb", "\rb"),
                Arguments.of("a\n.\n.\r\nb", "a\r\n.\r\n.\r\nb"),
                Arguments.of("a\n\n.\r\nb", "a\r\n\r\n.\r\nb"),
                Arguments.of("a\n..\r\nb", "a\r\n.\r\nb"));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("fakeTerminators")
    void onlyCrlfDotCrlfEndsTheData(String fake, String kept) throws IOException {
        SmtpInput in = input(fake + "\r\n.\r\nNEXT\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SmtpInput.DataResult r = in.readData(out, Long.MAX_VALUE);
        assertThat(r.complete()).isTrue();
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(kept + "\r\n");
        assertThat(text(in.readLine(100))).isEqualTo("NEXT");
    }

    @Test
    void aBodyOfOnlyTheTerminatorIsAnEmptyMessage() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        assertThat(data(".\r\nNEXT", Long.MAX_VALUE, r)).isEmpty();
        assertThat(r[0].complete()).isTrue();
    }

    @Test
    void bareCrIsKeptAndNulIsNoted() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        assertThat(data("a\rb\0\r\n.\r\r\n.\r\n", Long.MAX_VALUE, r)).isEqualTo("a\rb\0\r\n\r\r\n");
        assertThat(r[0].hasNul()).isTrue();
    }

    @Test
    void stopsWritingAtTheLimitButReadsToTheEnd() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        assertThat(data("0123456789\r\n0123456789\r\n.\r\n", 5, r)).isEqualTo("01234");
        assertThat(r[0].overLimit()).isTrue();
        assertThat(r[0].complete()).isTrue();
        assertThat(r[0].size()).isEqualTo(24);
    }

    @Test
    void endOfStreamBeforeTheTerminatorIsIncomplete() throws IOException {
        SmtpInput.DataResult[] r = new SmtpInput.DataResult[1];
        data("half a message\r\n", Long.MAX_VALUE, r);
        assertThat(r[0].complete()).isFalse();
    }

    @Test
    void reportsPendingPipelinedInput() throws IOException {
        InputStream raw = new ByteArrayInputStream("A\r\nB\r\n".getBytes(StandardCharsets.US_ASCII));
        SmtpInput in = new SmtpInput(raw);
        in.readLine(10);
        assertThat(in.hasPendingInput()).isTrue();
        in.readLine(10);
        assertThat(in.hasPendingInput()).isFalse();
    }

    private static final class OutputStreamSink {
        static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
    }
}
