package org.amavisd.scanners.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part numbers as amavisd-new gives them: MIME::Parser numbers the leaves as it writes them, then
 * amavisd-new's depth-first walk numbers preambles, containers and epilogues; archives and
 * embedded messages are unpacked tier by tier, in number order, their parts numbered as they come.
 */
class PartNumberingTest {
    @TempDir
    Path tmp;

    private DecodeResult decode(String message) throws IOException {
        return Msg.decode(tmp, message);
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write("member a\n".getBytes(StandardCharsets.US_ASCII));
            z.putNextEntry(new ZipEntry("b.bin"));
            z.write(new byte[] {0, 1, 2, 3});
        }
        return out.toByteArray();
    }

    @Test
    void nestedMessageIsNumberedLeavesFirstThenByTier() throws IOException {
        String inner = """
                From: x@example.com
                Subject: inner
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="in"

                --in
                Content-Type: text/plain

                inner text
                --in
                Content-Type: application/octet-stream; name="inner.bin"

                inner data
                --in--
                """;
        String msg = """
                From: a@example.com
                Subject: numbering
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="out"

                A preamble that says more than amavisd-new's trivial ones!
                --out
                Content-Type: text/plain

                first text
                --out
                Content-Type: multipart/alternative; boundary="alt"

                --alt
                Content-Type: text/plain

                plain
                --alt
                Content-Type: text/html

                <p>html</p>
                --alt--
                --out
                Content-Type: application/zip; name="z.zip"
                Content-Transfer-Encoding: base64

                """ + Msg.b64(zip()) + """

                --out
                Content-Type: message/rfc822

                """ + inner + """
                --out--
                An epilogue (with parentheses, so not trivial).
                """;
        DecodeResult r = decode(msg);
        assertThat(r.overLimits()).isFalse();
        assertThat(r.mimeErrors()).isEmpty();
        assertThat(r.tree().parts())
                .extracting(p -> p.id() + " " + p.levelPath() + " " + p.tier())
                .containsExactly(
                        // tier 2: the message's MIME leaves as they are written
                        "p001 1/1 2", // first text
                        "p002 1/2/1 2", // plain
                        "p003 1/2/2 2", // html
                        "p004 1/3 2", // z.zip
                        "p005 1/4 2", // the embedded message, whole
                        // then depth first: preamble, container, epilogue, children
                        "p006 1/0 2", // preamble of 1
                        "p007 1 2", // multipart/mixed
                        "p008 1/5 2", // epilogue of 1
                        "p009 1/2 2", // multipart/alternative
                        // tier 3, in the order of the parts unpacked: the zip (p004), the message (p005)
                        "p010 1/3/1 3", // a.txt
                        "p011 1/3/2 3", // b.bin
                        "p012 1/4/1/1 3", // inner text
                        "p013 1/4/1/2 3", // inner.bin
                        "p014 1/4/1 3"); // the inner multipart/mixed
        assertThat(r.tree().get("p007").orElseThrow().mimeType()).isEqualTo("multipart/mixed");
        assertThat(r.tree().get("p011").orElseThrow().name()).isEqualTo("b.bin");
        assertThat(r.tree().get("p013").orElseThrow().parentId()).isEqualTo("p014");
        assertThat(r.tree().get("p014").orElseThrow().parentId()).isEqualTo("p005");
        assertThat(r.tree().describePath("p013"))
                .isEqualTo("P=p007,L=1,M=multipart/mixed | P=p005,L=1/4,M=message/rfc822,T=mail"
                        + " | P=p014,L=1/4/1,M=multipart/mixed | P=p013,L=1/4/1/2,M=application/octet-stream,"
                        + "T=asc,N=inner.bin");
        // every file is named after its part
        for (Part p : r.tree().leaves()) {
            assertThat(p.file().getFileName().toString()).isEqualTo(p.id());
        }
        try (var files = Files.list(tmp.resolve("parts"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(n -> n.matches("p\\d{3}"))
                    .hasSize(r.tree().leaves().size());
        }
        assertThat(Files.readString(r.tree().get("p013").orElseThrow().file())).isEqualTo("inner data");
    }

    @Test
    void theUsualPreambleIsNoPart() throws IOException {
        DecodeResult r = decode(
                Msg.mixed("b", Msg.attachment("b", "text/plain", "", "hello".getBytes(StandardCharsets.US_ASCII))));
        assertThat(r.tree().parts())
                .extracting(p -> p.id() + " " + p.levelPath())
                .containsExactly("p001 1/1", "p002 1");
    }

    @Test
    void aSinglePartMessageIsItsOwnLeaf() throws IOException {
        DecodeResult r = decode("From: a@example.com\nSubject: t\n\njust text\n");
        assertThat(r.tree().parts())
                .extracting(p -> p.id() + " " + p.levelPath())
                .containsExactly("p001 1");
        assertThat(r.tree().root().orElseThrow().file()).isNotNull();
    }
}
