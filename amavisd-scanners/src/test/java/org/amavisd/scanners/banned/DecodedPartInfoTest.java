package org.amavisd.scanners.banned;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.amavisd.scanners.decode.DecodeLimits;
import org.amavisd.scanners.decode.Decoder;
import org.amavisd.scanners.decode.Part;
import org.amavisd.scanners.decode.PartTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How declared names are listed: decoded first, then as written (RFC 2231 as MIME-tools shows it). */
class DecodedPartInfoTest {
    @TempDir
    Path dir;

    private DecodedPartInfo leafOf(String attachmentHeader) throws Exception {
        String msg = ("From: a@example.com\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMIME-Version: 1.0\n"
                        + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
                        + "--b1\n" + attachmentHeader + "\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n--b1--\n")
                .replace("\n", "\r\n");
        Path file = dir.resolve("email.txt");
        Files.writeString(file, msg, StandardCharsets.UTF_8);
        PartTree tree = Decoder.decode(file, dir.resolve("parts"), DecodeLimits.DEFAULTS)
                .tree();
        Part leaf = tree.leaves().get(0);
        return new DecodedPartInfo(leaf, tree);
    }

    @Test
    void rfc2231NameIsListedDecodedThenAsOneQWord() throws Exception {
        DecodedPartInfo p = leafOf("Content-Type: application/octet-stream\n"
                + "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20v2.exe");
        assertThat(p.declaredNames()).containsExactly("résumé v2.exe", "=?UTF-8?Q?r=C3=A9sum=C3=A9_v2.exe?=");
    }

    @Test
    void rfc2231LanguageIsKeptAfterAStar() {
        assertThat(DecodedPartInfo.asMimeToolsShowsIt("iso-8859-1'de'f%FCr_a=b?.exe", "für_a=b?.exe"))
                .isEqualTo("=?iso-8859-1*de?Q?f=FCr=5Fa=3Db=3F.exe?=");
    }

    @Test
    void rfc2047NameIsListedDecodedThenAsWritten() throws Exception {
        DecodedPartInfo p = leafOf("Content-Type: application/octet-stream; name=\"=?UTF-8?B?csOpc3Vtw6kuZXhl?=\"");
        assertThat(p.declaredNames()).containsExactly("résumé.exe", "=?UTF-8?B?csOpc3Vtw6kuZXhl?=");
    }

    @Test
    void aNameWithApostrophesThatIsNotRfc2231StaysAsWritten() {
        assertThat(DecodedPartInfo.asMimeToolsShowsIt("it's 'quoted'.exe", "something else"))
                .isEqualTo("it's 'quoted'.exe");
    }

    @Test
    void aPlainNameIsListedOnce() throws Exception {
        DecodedPartInfo p = leafOf("Content-Type: application/octet-stream; name=\"setup.exe\"");
        assertThat(p.declaredNames()).containsExactly("setup.exe");
    }
}
