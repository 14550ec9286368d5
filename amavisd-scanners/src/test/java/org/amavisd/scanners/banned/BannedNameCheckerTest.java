package org.amavisd.scanners.banned;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's stock $banned_filename_re on typical messages: read from the installed package when
 * present, and in an inline form of the same regexes so the test runs without it.
 */
class BannedNameCheckerTest {
    private static final Path DEBIAN_DEFAULTS = Path.of("/etc/amavis/conf.d/20-debian_defaults");

    /** The regexes of Debian's stock $banned_filename_re (amavisd-new 2.13), in the same order. */
    private static final String INLINE_RULES = """
      $banned_filename_re = new_RE(
        qr'\\.[^./]*\\.(exe|vbs|pif|scr|bat|cmd|com|cpl|dll)\\.?$'i,
        qr'\\{[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\\}?$'i,
        qr'^application/x-msdownload$'i,
        qr'^application/x-msdos-program$'i,
        qr'^application/hta$'i,
        qr'.\\.(exe|vbs|pif|scr|bat|cmd|com|cpl)$'i,
        qr'^\\.(exe-ms)$',
      );
      """;

    static RegexTable inlineRules() throws Exception {
        return table(AmavisConf.parse(INLINE_RULES, "inline-banned-rules"));
    }

    static RegexTable debianRules() throws Exception {
        if (!Files.isRegularFile(DEBIAN_DEFAULTS)) {
            String why = DEBIAN_DEFAULTS + " not installed (Debian package amavisd-new)";
            if ("required".equals(System.getProperty("amavisd.e2e"))) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        return table(AmavisConf.load(DEBIAN_DEFAULTS));
    }

    private static RegexTable table(AmavisConf conf) {
        PerlValue v = conf.get("$banned_filename_re").orElseThrow();
        assertThat(v).isInstanceOf(RegexTable.class);
        return (RegexTable) v;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // a double extension in a MIME part's name: rule 1 (double extension)
                Arguments.of(
                        "invoice.pdf.exe attached",
                        mixed(Part.mime(2, "1/2", "application/octet-stream", "exe", "invoice.pdf.exe")),
                        "application/octet-stream,.exe,invoice.pdf.exe",
                        0),
                // an .exe inside a zip: the member's name matches the basic-extension rule
                Arguments.of(
                        ".exe in a zip",
                        mixed(Part.mime(
                                2,
                                "1/2",
                                "application/octet-stream",
                                "zip",
                                "transcript.zip",
                                Part.member(4, "1/2/1", List.of("exe", "exe-ms"), "transcript.exe"))),
                        ".exe,.exe-ms,transcript.exe",
                        5),
                // a .txt is allowed
                Arguments.of("plain .txt", mixed(Part.mime(2, "1/2", "text/plain", "asc", "notes.txt")), null, -1),
                // a Windows class id as extension
                Arguments.of(
                        "CLSID extension",
                        mixed(Part.mime(
                                2,
                                "1/2",
                                "application/octet-stream",
                                "exe",
                                "readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}")),
                        "application/octet-stream,.exe,readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}",
                        1),
                // a trailing dot after a double extension is still caught by rule 1
                Arguments.of(
                        "trailing dot",
                        mixed(Part.mime(2, "1/2", "application/octet-stream", null, "letter.doc.scr.")),
                        "application/octet-stream,letter.doc.scr.",
                        0),
                // an extension hidden behind spaces: ".jpg<spaces>.scr" is a double extension (rule 1);
                // the run of spaces is compacted in the reason
                Arguments.of(
                        "padding spaces",
                        mixed(Part.mime(
                                2,
                                "1/2",
                                "application/x-zip-compressed",
                                "zip",
                                "photo.zip",
                                Part.member(4, "1/2/1", List.of("exe", "exe-ms"), "photo.jpg            .scr"))),
                        ".exe,.exe-ms,photo.jpg ... .scr",
                        0),
                // trailing spaces defeat the $-anchored stock rules; the file(1) type still bans it
                Arguments.of(
                        "trailing spaces, typed exe-ms",
                        mixed(Part.mime(2, "1/2", "application/octet-stream", "exe-ms", "setup.exe   ")),
                        "application/octet-stream,.exe-ms,setup.exe   ",
                        6),
                Arguments.of(
                        "trailing spaces, untyped",
                        mixed(Part.mime(2, "1/2", "application/octet-stream", null, "setup.exe   ")),
                        null,
                        -1),
                // declared MIME type
                Arguments.of(
                        "application/x-msdownload",
                        mixed(Part.mime(2, "1/2", "application/x-msdownload", null, "update.bin")),
                        "application/x-msdownload,update.bin",
                        2));
    }

    private static Part mixed(Part attachment) {
        return Part.mime(
                3, "1", "multipart/mixed", null, null, Part.mime(1, "1/1", "text/plain", "asc", null), attachment);
    }

    @ParameterizedTest(name = "inline: {0}")
    @MethodSource("cases")
    void inlineStockRules(String what, Part msg, String reason, int rule) throws Exception {
        verify(inlineRules(), msg, reason, rule);
    }

    @ParameterizedTest(name = "installed: {0}")
    @MethodSource("cases")
    void installedDebianRules(String what, Part msg, String reason, int rule) throws Exception {
        verify(debianRules(), msg, reason, rule);
    }

    private static void verify(RegexTable rules, Part msg, String reason, int rule) {
        BannedVerdict v = BannedNameChecker.of(rules, null).check(msg);
        if (reason == null) {
            assertThat(v.isBanned()).as(v.toString()).isFalse();
            assertThat(v.reasonShort()).isEmpty();
            return;
        }
        assertThat(v.isBanned()).as(v.toString()).isTrue();
        assertThat(v.reasonShort()).contains(reason);
        assertThat(v.bannedParts()).hasSize(1);
        assertThat(v.bannedParts().get(0).matchingKey())
                .isEqualTo(rules.entries().get(rule).regex().compiled().toString());
    }
}
