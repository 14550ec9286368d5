package org.amavisd.scanners.banned;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.amavisd.scanners.decode.DecodeLimits;
import org.amavisd.scanners.decode.DecodeResult;
import org.amavisd.scanners.decode.Decoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoder and banned rules together: real MIME and a real zip, judged by Debian's stock rules. */
class DecodedBannedTest {
    @TempDir
    Path dir;

    private BannedVerdict judge(String attachmentType, String fileName, byte[] content) throws Exception {
        String b = "b1";
        String msg = ("From: a@example.com\nTo: b@example.com\nSubject: t\nMIME-Version: 1.0\n"
                        + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n"
                        + "--" + b + "\nContent-Type: text/plain\n\nhello\n"
                        + "--" + b + "\nContent-Type: " + attachmentType + "\nContent-Transfer-Encoding: base64\n"
                        + "Content-Disposition: attachment; filename=\"" + fileName + "\"\n\n"
                        + Base64.getMimeEncoder().encodeToString(content) + "\n"
                        + "--" + b + "--\n")
                .replace("\n", "\r\n");
        Path file = dir.resolve("email.txt");
        Files.writeString(file, msg, StandardCharsets.US_ASCII);
        Path parts = Files.createDirectories(dir.resolve("parts"));
        DecodeResult r = Decoder.decode(file, parts, DecodeLimits.DEFAULTS);
        return BannedNameChecker.of(BannedNameCheckerTest.inlineRules(), null).check(DecodedPartInfo.root(r.tree()));
    }

    private static byte[] zip(String member, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(member));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void aDoubleExtensionAttachmentIsBanned() throws Exception {
        BannedVerdict v = judge("application/octet-stream", "invoice.pdf.exe", "not really a program".getBytes());
        assertThat(v.isBanned()).isTrue();
        assertThat(v.reasonShort()).hasValueSatisfying(r -> assertThat(r).contains("invoice.pdf.exe"));
    }

    @Test
    void anExecutableInsideAZipIsBannedByItsMemberName() throws Exception {
        BannedVerdict v = judge("application/zip", "tools.zip", zip("setup.exe", "data".getBytes()));
        assertThat(v.isBanned()).isTrue();
        assertThat(v.reasonShort()).hasValueSatisfying(r -> assertThat(r).contains("setup.exe"));
    }

    @Test
    void aTextFileInsideAZipPasses() throws Exception {
        assertThat(judge("application/zip", "notes.zip", zip("notes.txt", "just text".getBytes()))
                        .isBanned())
                .isFalse();
    }
}
