package org.amavisd.scanners.banned;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.junit.jupiter.api.Test;

/** Path descriptions, rule order and $banned_namepath_re. */
class BannedPathTest {

    /** A zip with a directory and an exe in it, as in README.banned's foto.zip example. */
    private static Part message() {
        Part zip = new Part(
                2,
                "1/2",
                List.of("application/x-zip-compressed"),
                List.of("zip"),
                List.of("=?koi8-r?B?Zm90by56aXA=?=", "foto.zip"),
                "",
                List.of(
                        Part.member(5, "1/2/2", List.of(), "foto/").withAttributes("D"),
                        Part.member(6, "1/2/3", List.of("exe", "exe-ms"), "foto/expander.exe")));
        return Part.mime(3, "1", "multipart/mixed", null, null, Part.mime(1, "1/1", "text/plain", "asc", null), zip);
    }

    private static RegexTable rules(String perl) throws Exception {
        return (RegexTable) AmavisConf.parse("$banned_filename_re = new_RE(" + perl + ");", "t")
                .get("$banned_filename_re")
                .orElseThrow();
    }

    @Test
    void pathFormsMatchReadmeBanned() {
        Part msg = message();
        Part zip = msg.children().get(1);
        PartPath p = PartPath.of(List.of(msg, zip, zip.children().get(1)));
        assertThat(p.attributeForm())
                .isEqualTo("P=p003,L=1,M=multipart/mixed | P=p002,L=1/2,"
                        + "M=application/x-zip-compressed,T=zip,N==?koi8-r?B?Zm90by56aXA=?=,N=foto.zip | "
                        + "P=p006,L=1/2/3,T=exe,T=exe-ms,N=foto/expander.exe");
        assertThat(p.namepathString())
                .isEqualTo("P=p003\tL=1\tM=multipart/mixed\n"
                        + "P=p002\tL=1/2\tM=application/x-zip-compressed\tT=zip\tN==?koi8-r?B?Zm90by56aXA=?=\tN=foto.zip\n"
                        + "P=p006\tL=1/2/3\tT=exe\tT=exe-ms\tN=foto/expander.exe");
        assertThat(p.keys())
                .containsExactly(
                        "multipart/mixed",
                        "application/x-zip-compressed",
                        ".zip",
                        "=?koi8-r?B?Zm90by56aXA=?=",
                        "foto.zip",
                        ".exe",
                        ".exe-ms",
                        "foto/expander.exe");
        assertThat(p.leafName()).isEqualTo(".exe,.exe-ms,foto/expander.exe");
        PartPath dir = PartPath.of(List.of(msg, zip, zip.children().get(0)));
        assertThat(dir.attributeForm()).endsWith(" | P=p005,L=1/2/2,N=foto/,A=D");
    }

    @Test
    void onlyLeavesAreJudgedBreadthFirst() throws Exception {
        BannedVerdict v = BannedNameChecker.of(rules("qr'.'"), null).check(message());
        assertThat(v.decided()).extracting(d -> d.path().leaf().baseName()).containsExactly("p001", "p005", "p006");
    }

    @Test
    void anAllowRuleBeforeTheDenyRulesExemptsArchiveContents() throws Exception {
        String deny = "qr'.\\.(exe|vbs|pif|scr|bat|cmd|com|cpl)$'i, qr'^\\.(exe-ms)$'";
        assertThat(BannedNameChecker.of(rules(deny), null).check(message()).reasonShort())
                .contains(".exe,.exe-ms,foto/expander.exe");
        BannedVerdict allowed = BannedNameChecker.of(rules("[qr'^\\.(zip|rar|arc|arj|zoo)$' => 0], " + deny), null)
                .check(message());
        assertThat(allowed.isBanned()).isFalse();
        assertThat(allowed.decided())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.banned()).isFalse());
        // after the deny rules the allow rule comes too late
        assertThat(BannedNameChecker.of(rules(deny + ", [qr'^\\.zip$' => 0]"), null)
                        .check(message())
                        .isBanned())
                .isTrue();
    }

    @Test
    void ruleCommentsNameTheReason() throws Exception {
        BannedVerdict v = BannedNameChecker.of(rules("qr'(?# executable )^\\.exe-ms$'"), null)
                .check(message());
        assertThat(v.reasonShort()).contains("executable:.exe,.exe-ms,foto/expander.exe");
        assertThat(v.ruleComments()).containsExactly("executable");
    }

    @Test
    void undecipherablePartsHaveTheirOwnKey() throws Exception {
        Part msg = Part.mime(
                3,
                "1",
                "multipart/mixed",
                null,
                null,
                Part.mime(2, "1/1", "application/zip", "zip", "secret.zip").withAttributes("UC"));
        BannedVerdict v =
                BannedNameChecker.of(rules("qr'^UNDECIPHERABLE$'"), null).check(msg);
        assertThat(v.reasonShort()).contains("application/zip,.zip,secret.zip,UNDECIPHERABLE");
    }

    @Test
    void namepathReAppliesWhereTheFilenameTablesHaveNoOpinion() throws Exception {
        RegexTable namepath = (RegexTable) AmavisConf.parse(
                        "$banned_namepath_re = new_RE("
                                + "[qr'(?#NO EXE IN ZIP)^(.*\\t)?T=zip(\\t.*)?$(?:\\n.*)*^(.*\\t)?T=exe-ms(\\t.*)?$'xmi => 'DISCARD'],"
                                + ");",
                        "t")
                .get("$banned_namepath_re")
                .orElseThrow();
        BannedVerdict v = BannedNameChecker.of(null, namepath).check(message());
        assertThat(v.bannedParts()).singleElement().satisfies(b -> {
            assertThat(b.source()).isEqualTo(BannedPart.Source.NAMEPATH_RE);
            assertThat(b.result().asString()).isEqualTo("DISCARD");
        });
        assertThat(v.reasonShort()).contains("NO EXE IN ZIP:.exe,.exe-ms,foto/expander.exe");
        // an explicit allow from the filename tables is an opinion: the path rule is not asked
        BannedVerdict allowed = BannedNameChecker.of(rules("[qr'^foto/expander\\.exe$' => 0]"), namepath)
                .check(message());
        assertThat(allowed.isBanned()).isFalse();
    }

    @Test
    void noRulesNoWalk() {
        assertThat(BannedNameChecker.of(null, null).hasRules()).isFalse();
        assertThat(BannedNameChecker.of(null, null).check(message()).decided()).isEmpty();
    }
}
