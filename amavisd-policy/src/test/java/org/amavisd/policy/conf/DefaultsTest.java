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
    assertThat(SettingsCatalogue.standard().isKnown("$gzip")).isTrue();
    assertThat(c.get("$gzip")).isEmpty();
  }

  @Test
  void catalogueEntriesDescribeTheirOrigin() {
    Setting s = SettingsCatalogue.standard().find("$TEMPBASE").orElseThrow();
    assertThat(s.afterDefault()).isTrue();
    assertThat(s.defaultExpr()).isEqualTo("$MYHOME");
    assertThat(s.mirrors()).contains("after-default");
    assertThat(SettingsCatalogue.standard().find("$max_servers").orElseThrow().description()).isNotBlank();
  }
}
