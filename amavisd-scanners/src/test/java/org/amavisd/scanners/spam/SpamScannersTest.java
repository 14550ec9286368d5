package org.amavisd.scanners.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.junit.jupiter.api.Test;

/** @spam_scanners as amavisd.conf writes it, through the project's own config reader. */
class SpamScannersTest {
    private static SpamScanners.Configured conf(String text) throws ConfigException {
        return SpamScanners.fromConfig(AmavisConf.parse(text, "amavisd.conf"));
    }

    @Test
    void theStockSpamdClientEntryTalksToLoopback783() throws Exception {
        var c = conf("@spam_scanners = (['SpamdClient', 'Amavis::SpamControl::SpamdClient']);\n1;\n");
        assertThat(c.warnings()).isEmpty();
        assertThat(c.scanners()).singleElement().isInstanceOfSatisfying(SpamdClient.class, s -> {
            assertThat(s.name()).isEqualTo("SpamdClient");
            assertThat(s.options().addresses())
                    .containsExactly(
                            InetSocketAddress.createUnresolved("127.0.0.1", 783),
                            InetSocketAddress.createUnresolved("::1", 783));
            assertThat(s.options().mailBodySizeLimit()).isNull();
            assertThat(s.options().scoreFactor()).isNull();
            assertThat(s.options().request()).isEqualTo(SpamdClient.Request.SYMBOLS);
        });
    }

    @Test
    void spamdOptionsAndSaMailBodySizeLimit() throws Exception {
        var c = conf("$sa_mail_body_size_limit = 400*1024;\n"
                + "@spam_scanners = (['A', 'Amavis::SpamControl::SpamdClient', host => 'spam.example', port => 10783,"
                + " score_factor => 0.5, timeout => 20, request => 'report', user => 'amavis'],\n"
                + " ['B', 'Amavis::SpamControl::SpamdClient', socket => '/run/spamd.sock', mail_body_size_limit => 65000],\n"
                + " ['off', undef], ['SA off', ''], );\n1;\n");
        assertThat(c.scanners()).hasSize(2);
        SpamdClient a = (SpamdClient) c.scanners().get(0);
        assertThat(a.options().addresses()).containsExactly(InetSocketAddress.createUnresolved("spam.example", 10783));
        assertThat(a.options().mailBodySizeLimit()).isEqualTo(400 * 1024L);
        assertThat(a.options().scoreFactor()).isEqualTo(0.5);
        assertThat(a.options().timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(a.options().request()).isEqualTo(SpamdClient.Request.REPORT);
        assertThat(a.options().user()).isEqualTo("amavis");
        SpamdClient b = (SpamdClient) c.scanners().get(1);
        assertThat(b.options().addresses()).containsExactly(UnixDomainSocketAddress.of("/run/spamd.sock"));
        assertThat(b.options().mailBodySizeLimit()).isEqualTo(65000L);
    }

    @Test
    void theRspamdEntryOfAmavisdNewsDocumentation() throws Exception {
        var c = conf("$sa_tag2_level_deflt = 6.0;\n"
                + "@spam_scanners = ( [ 'Remote Rspamd', 'Amavis::SpamControl::RspamdClient',\n"
                + "  url => 'https://rspamd-proxy.example.com/checkv2', timeout => 42,\n"
                + "  credentials => { netloc => 'rspamd-proxy.example.com:443', realm => 'Rspamd restricted access',"
                + " username => 'Marco', password => 'Polo' },\n"
                + "  mail_body_size_limit => 32 * 1024, score_factor => $sa_tag2_level_deflt / 15.0,\n"
                + "  mta_name => 'mail.example.com', ssl_opts => { verify_hostname => 1 } ] );\n1;\n");
        RspamdClient r = (RspamdClient) c.scanners().get(0);
        assertThat(r.name()).isEqualTo("Remote Rspamd");
        assertThat(r.options().url()).isEqualTo(URI.create("https://rspamd-proxy.example.com/checkv2"));
        assertThat(r.options().timeout()).isEqualTo(Duration.ofSeconds(42));
        assertThat(r.options().scoreFactor()).isEqualTo(0.4);
        assertThat(r.options().mailBodySizeLimit()).isEqualTo(32768L);
        assertThat(r.options().mtaName()).isEqualTo("mail.example.com");
        assertThat(r.options().credentials())
                .isEqualTo(new RspamdClient.Credentials(
                        "rspamd-proxy.example.com:443", "Rspamd restricted access", "Marco", "Polo"));
        assertThat(c.warnings()).singleElement().asString().contains("ssl_opts ignored");
    }

    @Test
    void rspamdDefaults() throws Exception {
        var c = conf("@spam_scanners = (['Local Rspamd', 'Amavis::SpamControl::RspamdClient']);\n1;\n");
        RspamdClient r = (RspamdClient) c.scanners().get(0);
        assertThat(r.options().url()).isEqualTo(URI.create("http://127.0.0.1:11333/checkv2"));
        assertThat(r.options().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.options().mailBodySizeLimit()).isNull();
    }

    @Test
    void theDefaultInProcessSpamAssassinIsAskedOfSpamdOnTheStandardSocket() throws Exception {
        var c = SpamScanners.fromConfig(AmavisConf.defaults());
        assertThat(c.warnings()).isEmpty();
        SpamAssassinViaSpamd sa = (SpamAssassinViaSpamd) c.scanners().get(0);
        assertThat(c.scanners()).hasSize(1);
        assertThat(sa.name()).isEqualTo("SpamAssassin");
        assertThat(sa.client().addresses()).isEqualTo("127.0.0.1:783, [::1]:783");
        assertThat(sa.defaultUser()).isNull();
        assertThat(sa.client().options().request()).isEqualTo(SpamdClient.Request.SYMBOLS);
    }

    @Test
    void spamdSocketSaMailBodySizeLimitAndDaemonUserShapeTheSpamAssassinEntry() throws Exception {
        var c = conf("$spamd_socket = '[::1]:10783'; $sa_mail_body_size_limit = 400*1024;"
                + " $daemon_user = 'amavis';\n1;\n");
        SpamAssassinViaSpamd sa = (SpamAssassinViaSpamd) c.scanners().get(0);
        assertThat(sa.client().addresses()).isEqualTo("[::1]:10783");
        assertThat(sa.client().options().mailBodySizeLimit()).isEqualTo(400L * 1024);
        assertThat(sa.defaultUser()).isEqualTo("amavis");
        assertThat(((SpamAssassinViaSpamd) conf("$spamd_socket = 'spam.example:11783';1;")
                                .scanners()
                                .get(0))
                        .client()
                        .addresses())
                .isEqualTo("spam.example:11783");
        assertThat(((SpamAssassinViaSpamd) conf("$spamd_socket = 'spam.example';1;")
                                .scanners()
                                .get(0))
                        .client()
                        .addresses())
                .isEqualTo("spam.example:783");
        assertThat(((SpamAssassinViaSpamd) conf("$spamd_socket = '/run/spamd.sock';1;")
                                .scanners()
                                .get(0))
                        .client()
                        .options()
                        .addresses())
                .containsExactly(java.net.UnixDomainSocketAddress.of("/run/spamd.sock"));
        assertThatThrownBy(() -> conf("\n$spamd_socket = '::1:783';1;"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$spamd_socket")
                .hasMessageContaining("[::1]:783");
        assertThatThrownBy(() -> conf("$spamd_socket = 'host:99999';1;")).isInstanceOf(ConfigException.class);
    }

    @Test
    void saLocalTestsOnlyCannotBePassedToSpamdAndSaysSo() throws Exception {
        var c = conf("$sa_local_tests_only = 1;\n1;\n");
        assertThat(c.scanners()).hasSize(1);
        assertThat(c.warnings())
                .singleElement()
                .asString()
                .contains("$sa_local_tests_only")
                .contains("--local");
        assertThat(conf("$sa_local_tests_only = 1; @spam_scanners = ();1;").warnings())
                .isEmpty();
    }

    @Test
    void anEmptySpamScannersListOrAnEntryWithoutClassHasNoSpamCheck() throws Exception {
        assertThat(conf("@spam_scanners = ();1;").scanners()).isEmpty();
        assertThat(conf("@spam_scanners = (['SpamAssassin', undef]);1;").scanners())
                .isEmpty();
        assertThat(conf("@spam_scanners = (undef);1;").scanners()).isEmpty();
    }

    @Test
    void unknownOptionsWarnUnknownClassesAndBadValuesAreErrorsWithTheLine() throws Exception {
        var c = conf("@spam_scanners = (['S', 'Amavis::SpamControl::SpamdClient', colour => 'blue']);\n1;\n");
        assertThat(c.warnings()).singleElement().asString().contains("unknown option 'colour'");
        assertThatThrownBy(() -> conf("\n@spam_scanners = (['X', 'Amavis::SpamControl::SpamdClinet']);\n1;\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("amavisd.conf:2")
                .hasMessageContaining("unknown spam scanner class 'Amavis::SpamControl::SpamdClinet'");
        assertThatThrownBy(() ->
                        conf("@spam_scanners = (['S', 'Amavis::SpamControl::SpamdClient', score_factor => 'x']);1;"))
                .hasMessageContaining("score_factor must be a number");
        assertThatThrownBy(() -> conf("@spam_scanners = (['S', 'Amavis::SpamControl::SpamdClient', 'port']);1;"))
                .hasMessageContaining("name => value pairs");
        assertThatThrownBy(() ->
                        conf("@spam_scanners = (['R', 'Amavis::SpamControl::RspamdClient', url => 'ftp://x/']);1;"))
                .hasMessageContaining("url must be");
    }
}
