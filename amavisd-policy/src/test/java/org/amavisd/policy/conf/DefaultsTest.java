package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import org.amavisd.policy.conf.PerlValue.ArrayRef;
import org.junit.jupiter.api.Test;

class DefaultsTest {
    private final AmavisConf c = AmavisConf.defaults();

    @Test
    void mirrorsAmavisdNewDefaults() throws Exception {
        assertThat(c.scalar("MYHOME")).contains("/var/amavis");
        assertThat(c.scalar("TEMPBASE")).contains("/var/amavis");
        assertThat(c.scalar("pid_file")).contains("/var/amavis/amavisd.pid");
        assertThat(c.scalar("lock_file")).isEmpty();
        assertThat(c.integer("max_servers")).isEqualTo(2);
        assertThat(c.integer("max_requests")).isEqualTo(20);
        assertThat(c.integer("child_timeout")).isEqualTo(480);
        assertThat(c.integer("smtpd_timeout")).isEqualTo(480);
        assertThat(c.integer("smtpd_recipient_limit")).isEqualTo(1100);
        assertThat(c.get("$smtpd_message_size_limit")).contains(PerlValue.UNDEF);
        assertThat(c.integer("log_level")).isEqualTo(0);
        assertThat(c.integer("allow_preserving_evidence")).isEqualTo(1);
        assertThat(c.integer("nanny_details_level")).isEqualTo(1);
        assertThat(c.list("@inet_acl")).containsExactly("127.0.0.1", "[::1]");
        assertThat(c.list("$inet_socket_bind")).containsExactly("127.0.0.1", "[::1]");
        assertThat(c.scalar("forward_method")).contains("smtp:[127.0.0.1]:10025");
        assertThat(c.scalar("notify_method")).contains("smtp:[127.0.0.1]:10025");
        assertThat(c.scalar("syslog_facility")).contains("mail");
        assertThat(c.scalar("syslog_ident")).contains("amavis");
        assertThat(c.scalar("smtpd_greeting_banner")).contains("${helo-name} ${protocol} ${product} service ready");
        assertThat(c.integer("final_virus_destiny")).isEqualTo(0);
        assertThat(c.integer("final_spam_destiny")).isEqualTo(1);
        assertThat(c.scalar("virus_quarantine_method")).contains("local:virus-%m");
        assertThat(c.scalar("spam_quarantine_method")).contains("local:spam-%m.gz");
        assertThat(c.list("@mynetworks")).hasSize(8).contains("192.168.0.0/16", "[fc00::]/7");
        assertThat(c.scalar("myhostname")).get().asString().isNotBlank();
        assertThat(c.warnings()).isEmpty();
        assertThat(c.assignedNames()).isEmpty();
    }

    @Test
    void defaultMapsReferenceTheirTables() {
        ArrayRef maps = (ArrayRef) c.get("@bypass_spam_checks_maps").orElseThrow();
        assertThat(maps.elements()).hasSize(3);
        assertThat(maps.elements().get(0)).isInstanceOf(PerlValue.HashRef.class);
        assertThat(maps.elements().get(1)).isInstanceOf(ArrayRef.class);
        assertThat(maps.elements().get(2)).isEqualTo(new PerlValue.ScalarRef(PerlValue.UNDEF));
    }

    @Test
    void knownButUnmirroredNamesHaveNoValue() {
        assertThat(SettingsCatalogue.standard().isKnown("$sa_tag3_level_deflt")).isTrue();
        assertThat(SettingsCatalogue.standard().isKnown("$notify_virus_admin_templ"))
                .isTrue();
        assertThat(c.get("$notify_virus_admin_templ")).isEmpty();
    }

    @Test
    void catalogueEntriesDescribeTheirOrigin() {
        Setting s = SettingsCatalogue.standard().find("$TEMPBASE").orElseThrow();
        assertThat(s.afterDefault()).isTrue();
        assertThat(s.defaultExpr()).isEqualTo("$MYHOME");
        assertThat(s.mirrors()).contains("after-default");
        assertThat(SettingsCatalogue.standard()
                        .find("$max_servers")
                        .orElseThrow()
                        .description())
                .isNotBlank();
    }

    @Test
    void requiredSettingsAreMirroredWithDescriptions() {
        String[] required = {
            "$MYHOME",
            "$TEMPBASE",
            "$pid_file",
            "$lock_file",
            "$myhostname",
            "$mydomain",
            "$max_servers",
            "$max_requests",
            "$child_timeout",
            "$inet_socket_port",
            "$inet_socket_bind",
            "@inet_acl",
            "$forward_method",
            "$notify_method",
            "$log_level",
            "$LOGFILE",
            "$DO_SYSLOG",
            "$syslog_facility",
            "$syslog_ident",
            "$smtpd_timeout",
            "$smtpd_message_size_limit",
            "$smtpd_recipient_limit",
            "$smtpd_greeting_banner",
            "$allow_preserving_evidence",
            "$daemon_user",
            "$daemon_group",
            "$daemonize",
            "$nanny_details_level",
            "$enable_db",
            "$enable_zmq",
            "%interface_policy",
            "%policy_bank",
            "@mynetworks",
            "@local_domains_maps",
            "@local_domains_acl",
            "%local_domains",
            "$recipient_delimiter",
            "$X_HEADER_TAG",
            "$X_HEADER_LINE",
            "$final_virus_destiny",
            "$final_banned_destiny",
            "$final_spam_destiny",
            "$final_bad_header_destiny",
            "$sa_tag_level_deflt",
            "$sa_tag2_level_deflt",
            "$sa_kill_level_deflt",
            "$sa_dsn_cutoff_level",
            "$virus_admin",
            "$spam_admin",
            "@av_scanners",
            "@av_scanners_backup",
            "@bypass_virus_checks_maps",
            "@bypass_spam_checks_maps",
            "$QUARANTINEDIR",
            "$virus_quarantine_method",
            "$spam_quarantine_method",
            "$banned_filename_re",
            "@lookup_sql_dsn",
            "$enable_dkim_verification",
            "$enable_dkim_signing",
            "$sa_spam_subject_tag",
            "$unix_socketname",
            "@listen_sockets"
        };
        SettingsCatalogue cat = SettingsCatalogue.standard();
        for (String name : required) {
            Setting s = cat.find(name).orElseThrow(() -> new AssertionError(name + " missing"));
            assertThat(s.mirrored()).as(name).isTrue();
            assertThat(s.description()).as(name).isNotBlank();
            assertThat(c.get(name)).as(name).isPresent();
        }
        assertThat(cat.all()).hasSizeGreaterThan(450);
    }
}
