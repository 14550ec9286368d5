package org.amavisd.core.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderEditsTest {
    @TempDir
    Path dir;

    private String apply(HeaderEdits e, String original) throws IOException {
        Path f = dir.resolve("m");
        Files.writeString(f, original, StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.write("Received: x\r\n".getBytes(StandardCharsets.US_ASCII), f, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void addedFieldsComeAboveOurReceivedAndFoldLikeAmavisdNew() throws IOException {
        HeaderEdits e = HeaderEdits.NONE
                .withPrepended("X-Quarantine-ID", "<q8W-Ho5c4UV0>")
                .withPrepended("X-Amavis-Alert", "BANNED, message contains application/octet-stream,invoice.pdf.exe");
        // amavisd-new 2.13 wrote exactly these lines for the same alert
        assertThat(apply(e, "Subject: hi\r\n\r\nbody\r\n"))
                .isEqualTo("X-Quarantine-ID: <q8W-Ho5c4UV0>\r\n"
                        + "X-Amavis-Alert: BANNED, message contains\r\n application/octet-stream,invoice.pdf.exe\r\n"
                        + "Received: x\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void subjectTagGoesInFrontAndDeletedFieldsGoWithTheirContinuations() throws IOException {
        HeaderEdits e = HeaderEdits.NONE.withSubjectTag("***UNCHECKED*** ").withDeleted("X-Spam-Flag");
        String in = "From: a@b\r\nX-Spam-Flag: YES\r\n\tcontinued\r\nSubject: hello\r\n world\r\n\r\n"
                + "Subject: body line stays\r\n";
        assertThat(apply(e, in))
                .isEqualTo("Received: x\r\nFrom: a@b\r\nSubject: ***UNCHECKED*** hello\r\n world\r\n\r\n"
                        + "Subject: body line stays\r\n");
    }

    @Test
    void aTagAlreadyThereIsNotRepeated() throws IOException {
        HeaderEdits e = HeaderEdits.NONE.withSubjectTag("***UNCHECKED*** ");
        assertThat(apply(e, "Subject: ***UNCHECKED*** hello\r\n\r\nb\r\n"))
                .isEqualTo("Received: x\r\nSubject: ***UNCHECKED*** hello\r\n\r\nb\r\n");
    }

    @Test
    void aMissingSubjectIsAddedWithTheTag() throws IOException {
        HeaderEdits e = HeaderEdits.NONE.withSubjectTag("***INFECTED*** ");
        assertThat(apply(e, "From: a@b\r\n\r\nbody\r\n"))
                .isEqualTo("Received: x\r\nFrom: a@b\r\nSubject: ***INFECTED***\r\n\r\nbody\r\n");
        assertThat(apply(e, "From: a@b\r\n")).isEqualTo("Received: x\r\nFrom: a@b\r\nSubject: ***INFECTED***\r\n");
    }

    @Test
    void equalEditsAreEqualValuesAndSizeDeltaCoversThem() {
        HeaderEdits a = HeaderEdits.NONE.withPrepended("X-A", "1").withSubjectTag("[t] ");
        HeaderEdits b = HeaderEdits.NONE.withPrepended("X-A", "1").withSubjectTag("[t] ");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(HeaderEdits.NONE.withPrepended("X-A", "2"));
        assertThat(a.sizeDelta()).isGreaterThanOrEqualTo("X-A: 1\r\n".length() + "[t] ".length());
        assertThat(HeaderEdits.NONE.isEmpty()).isTrue();
    }

    @Test
    void foldPointsAreUsedOnlyWhereTheLineWouldPass78Characters() {
        HeaderEdits e = HeaderEdits.NONE.withPrependedFolded(
                "X-Spam-Status",
                "Yes,\n score=999\n tagged_above=2\n required=6.31\n tests=[ALL_TRUSTED=-1,\n GTUBE=1000,\n"
                        + " TVD_SPACE_RATIO=0.001,\n SOME_VERY_LONG_RULE_NAME_HERE=1.5]\n autolearn=unavailable");
        assertThat(new String(e.prependBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("X-Spam-Status: Yes, score=999 tagged_above=2 required=6.31\r\n"
                        + " tests=[ALL_TRUSTED=-1, GTUBE=1000, TVD_SPACE_RATIO=0.001,\r\n"
                        + " SOME_VERY_LONG_RULE_NAME_HERE=1.5] autolearn=unavailable\r\n");
    }

    @Test
    void authenticationResultsClaimingOurAuthservIdAreRemovedOthersKept() throws IOException {
        HeaderEdits e = HeaderEdits.NONE.withForeignClaimsRemoved("mx.example.com");
        String in = "Authentication-Results: MX.example.com (amavis); dkim=pass\r\n header.d=evil.test\r\n"
                + "Authentication-Results: other.example.net; spf=pass\r\nSubject: s\r\n\r\nbody\r\n";
        assertThat(apply(e, in))
                .isEqualTo(
                        "Received: x\r\nAuthentication-Results: other.example.net; spf=pass\r\nSubject: s\r\n\r\nbody\r\n");
    }
}
