package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.policy.regex.PerlRegex;
import org.junit.jupiter.api.Test;

/**
 * Reads the amavisd-new files installed on this machine, when present. Each conf.d file is read
 * on its own so one unsupported construct does not hide the state of the others; the test
 * records which constructs still fail and checks the files that must already work.
 */
class InstalledDebianConfigTest {
    private static final Path CONF_D = Path.of("/etc/amavis/conf.d");
    private static final Path EXAMPLE = Path.of("/usr/share/doc/amavisd-new/examples/amavisd.conf-default");

    @Test
    void confDFilesParseOrNameTheirUnsupportedConstruct() throws Exception {
        requireInstalled(Files.isDirectory(CONF_D), "Debian amavisd-new config not installed");
        List<String> failures = new ArrayList<>();
        List<Path> files = ConfigSources.resolve(CONF_D);
        for (Path f : files) {
            try {
                AmavisConf c = AmavisConf.load(f);
                // only a missing /etc/mailname (read by 05-domain_id) may be remarked upon
                assertThat(c.warnings())
                        .as("warnings for %s", f)
                        .allSatisfy(w -> assertThat(w.message()).contains("/etc/mailname"));
            } catch (ConfigException e) {
                assertThat(e.getMessage()).startsWith(f + ":").contains("unsupported construct");
                failures.add(e.getMessage());
            }
        }
        System.out.println("Debian conf.d constructs not supported yet:\n  " + String.join("\n  ", failures));
        assertThat(files).isNotEmpty();
    }

    @Test
    void everyConfDFileParsesAndSetsOnlyKnownVariables() throws Exception {
        requireInstalled(Files.isDirectory(CONF_D), "Debian amavisd-new config not installed");
        Pattern assignment = Pattern.compile("(?m)^\\s*(?:chomp\\()?([$@%])(\\w+)\\s*(\\{)?[^=\\n]*?=[^=~>]");
        List<String> checked = new ArrayList<>();
        for (Path f : ConfigSources.resolve(CONF_D)) {
            String text = ConfigSources.read(f);
            assertThat(Parser.parse(text, f.toString()))
                    .as("statements of %s", f)
                    .isNotEmpty();
            Matcher m = assignment.matcher(text);
            while (m.find()) {
                String name = (m.group(3) != null && m.group(1).equals("$") ? "%" : m.group(1)) + m.group(2);
                checked.add(name);
                if (!name.equals("%ENV")) {
                    assertThat(SettingsCatalogue.standard().isKnown(name))
                            .as("%s in %s", name, f)
                            .isTrue();
                }
            }
        }
        assertThat(checked).contains("$QUARANTINEDIR", "@av_scanners", "%policy_bank", "$myhostname", "%ENV");
    }

    /** The whole directory, as amavisd-new reads it; the expectations were checked with perl. */
    @Test
    void wholeConfDLoadsAndItsBannedNamesMatchAsInPerl() throws Exception {
        requireInstalled(Files.isDirectory(CONF_D), "Debian amavisd-new config not installed");
        AmavisConf c = AmavisConf.load(CONF_D);
        assertThat(c.warnings()).allSatisfy(w -> assertThat(w.message()).contains("/etc/mailname"));
        PerlValue.RegexTable banned =
                (PerlValue.RegexTable) c.get("$banned_filename_re").orElseThrow();
        org.amavisd.policy.lookup.RegexpLookup lookup = new org.amavisd.policy.lookup.RegexpLookup("banned", banned);
        PerlRegex basic = banned.entries().stream()
                .map(e -> e.regex().compiled())
                .filter(r -> r.source().startsWith(".\\.(exe"))
                .findFirst()
                .orElseThrow();
        PerlRegex dbl = banned.entries().get(0).regex().compiled();
        for (String[] row : new String[][] {
            {"x.exe", "1", "0"},
            {"X.EXE", "1", "0"},
            {".exe", "0", "0"},
            {"invoice.pdf.exe", "1", "1"},
            {"a.txt", "0", "0"}
        }) {
            assertThat(basic.find(row[0])).as("basic %s", row[0]).isEqualTo(row[1].equals("1"));
            assertThat(dbl.find(row[0])).as("double extension %s", row[0]).isEqualTo(row[2].equals("1"));
        }
        assertThat(lookup.lookupAnyOf(List.of("a.txt", ".exe-ms"))).contains(PerlValue.of(1));
        assertThat(lookup.lookup("{12345678-1234-1234-1234-123456789abc}")).contains(PerlValue.of(1));
        assertThat(lookup.lookup("report.pdf")).isEmpty();
        PerlValue.ArrayRef fake =
                (PerlValue.ArrayRef) c.get("@viruses_that_fake_sender_maps").orElseThrow();
        var eicar = new org.amavisd.policy.lookup.RegexpLookup(
                "fake", (PerlValue.RegexTable) fake.elements().get(0));
        assertThat(eicar.lookup("EICAR-Test-Signature")).contains(PerlValue.of(0));
        assertThat(eicar.lookup("Worm.X")).contains(PerlValue.of(1));
        assertThat(c.scalar("notify_virus_sender_templ")).isPresent();
    }

    @Test
    void debianDefaultsWithoutHelpersLoad() throws Exception {
        Path f = CONF_D.resolve("01-debian");
        requireInstalled(Files.isRegularFile(f), "01-debian not installed");
        AmavisConf c = AmavisConf.load(f);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.scalar("path")).get().asString().contains("/usr/bin");
        assertThat(c.list("$unrar")).isNotEmpty();
    }

    @Test
    void exampleDefaultFileLoads() throws Exception {
        requireInstalled(Files.isRegularFile(EXAMPLE), "amavisd.conf-default not installed");
        AmavisConf c = AmavisConf.load(EXAMPLE);
        // every line there is a comment: only our defaults remain
        assertThat(c.assignedNames()).isEmpty();
        assertThat(c.integer("max_servers")).isEqualTo(2);
    }

    /**
     * The Debian package's files are read at test time, never copied into the repo. scripts/test
     * as root installs the package and runs with amavisd.e2e=required: then a missing file fails
     * the test; otherwise (a developer without the package) the test is skipped with the reason.
     */
    static void requireInstalled(boolean present, String what) {
        if (present) {
            return;
        }
        String why = what + " (Debian package amavisd-new; scripts/test as root installs it)";
        if ("required".equals(System.getProperty("amavisd.e2e"))) {
            org.junit.jupiter.api.Assertions.fail(why);
        }
        org.junit.jupiter.api.Assumptions.abort(why);
    }

    @Test
    void perlCodeFilesAreRefusedWithWhatToDoInstead() throws Exception {
        Path custom = Path.of("/usr/share/doc/amavisd-new/examples/amavisd-custom.conf");
        requireInstalled(Files.isRegularFile(custom), "amavisd-custom.conf not installed");
        assertThatThrownBy(() -> AmavisConf.load(custom))
                .hasMessageStartingWith(custom + ":")
                .hasMessageContaining("this file is Perl code ('package Amavis::Custom'), not configuration")
                .hasMessageContaining("Sieve rules");
    }
}
