package org.amavisd.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon oracle compares %b with amavisd-new's own on real messages; these pin the edges. */
class BodyDigestTest {
    @TempDir
    Path dir;

    private String digest(String message, String algorithm) throws Exception {
        Path f = dir.resolve("email.txt");
        Files.writeString(f, message, StandardCharsets.ISO_8859_1);
        return BodyDigest.of(f, algorithm).hex();
    }

    private static String expected(String javaAlgorithm, String body) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance(javaAlgorithm).digest(body.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void isTheDigestOfTheBodyWithLfLineEnds() throws Exception {
        String m = "Subject: x\r\nX-Folded: a\r\n b\r\n\r\nline one\r\n\r\nbare\rCR\r\nlast";
        assertThat(digest(m, "MD5")).isEqualTo(expected("MD5", "line one\n\nbare\rCR\nlast"));
        assertThat(digest(m, "sha256")).isEqualTo(expected("SHA-256", "line one\n\nbare\rCR\nlast"));
        assertThat(digest("Subject: x\r\n\r\nends in CR\r", "MD5")).isEqualTo(expected("MD5", "ends in CR\r"));
    }

    @Test
    void aMessageWithoutBodyOrHeaderHasTheDigestOfWhatFollowsTheEmptyLine() throws Exception {
        assertThat(digest("Subject: x\r\nFrom: a@b\r\n", "MD5")).isEqualTo(expected("MD5", ""));
        assertThat(digest("\r\nonly a body\r\n", "MD5")).isEqualTo(expected("MD5", "only a body\n"));
        assertThat(digest("Subject: x\r\n \r\nstill header\r\n\r\nbody\r\n", "MD5"))
                .as("a line of blanks is a continuation, not the end of the header")
                .isEqualTo(expected("MD5", "body\n"));
    }

    @Test
    void acceptsAmavisdNewsAlgorithmNamesOnly() {
        assertThat(BodyDigest.javaAlgorithm("md5")).isEqualTo("MD5");
        assertThat(BodyDigest.javaAlgorithm("SHA-1")).isEqualTo("SHA-1");
        assertThat(BodyDigest.javaAlgorithm("sha1")).isEqualTo("SHA-1");
        assertThat(BodyDigest.javaAlgorithm("256")).isEqualTo("SHA-256");
        assertThat(BodyDigest.javaAlgorithm("SHA512224")).isEqualTo("SHA-512/224");
        assertThatThrownBy(() -> BodyDigest.javaAlgorithm("CRC32")).hasMessageContaining("unknown digest algorithm");
        assertThatThrownBy(() -> BodyDigest.javaAlgorithm("SHA-3")).isInstanceOf(IllegalArgumentException.class);
    }
}
