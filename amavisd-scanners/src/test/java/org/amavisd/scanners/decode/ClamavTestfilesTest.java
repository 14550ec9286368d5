package org.amavisd.scanners.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian's clamav-testfiles: each archive the Java libraries read must yield the inner clam.exe. */
class ClamavTestfilesTest {
    static final Path DIR = Path.of("/usr/share/clamav-testfiles");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "clam.zip",
                "clam.7z",
                "clam.tar.gz",
                "clam.exe.bz2",
                "clam.bz2.zip",
                "clam.d64.zip",
                "clam.impl.zip",
                "clam.bin-be.cpio",
                "clam.bin-le.cpio",
                "clam.newc.cpio",
                "clam.odc.cpio",
                "clam.exe.mbox.base64",
                "clam.exe.mbox.uu",
                "clam.mail",
                "clam.tnef",
                "clam.ole.doc",
                "clam.ppt"
            })
    void findsClamExe(String file) throws IOException {
        Path src = DIR.resolve(file);
        requireInstalled(Files.isReadable(src) && Files.isReadable(DIR.resolve("clam.exe")));
        byte[] clam = Files.readAllBytes(DIR.resolve("clam.exe"));
        Path msg = tmp.resolve("email.txt");
        if (file.contains("mbox") || file.equals("clam.mail")) {
            Files.copy(src, msg);
        } else {
            Files.writeString(
                    msg,
                    Msg.mixed(
                            "b",
                            Msg.attachment(
                                    "b", "application/octet-stream", "; filename=" + file, Files.readAllBytes(src))),
                    StandardCharsets.ISO_8859_1);
        }
        DecodeResult r = Decoder.decode(msg, tmp.resolve("parts"), DecodeLimits.DEFAULTS);
        assertThat(r.overLimits()).isFalse();
        boolean found = false;
        for (Part p : r.tree().leaves()) {
            if (p.size() == clam.length && Arrays.equals(Files.readAllBytes(p.file()), clam)) {
                found = true;
                assertThat(p.types()).contains("exe");
            }
        }
        assertThat(found)
                .as("clam.exe inside %s; parts: %s", file, r.tree().parts())
                .isTrue();
    }

    /**
     * The package's files are read at test time, never copied into the repo. scripts/test as root
     * installs clamav-testfiles and runs with amavisd.e2e=required: a missing file then fails the
     * test; otherwise (a developer without the package) the test is skipped with the reason.
     */
    private static void requireInstalled(boolean present) {
        if (present) {
            return;
        }
        String why =
                "clamav-testfiles not installed (Debian package clamav-testfiles; scripts/test as root installs it)";
        if ("required".equals(System.getProperty("amavisd.e2e"))) {
            org.junit.jupiter.api.Assertions.fail(why);
        }
        org.junit.jupiter.api.Assumptions.abort(why);
    }
}
