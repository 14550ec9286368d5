package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import org.amavisd.policy.conf.PerlValue.ArrayRef;
import org.amavisd.policy.conf.PerlValue.CodeRef;
import org.amavisd.policy.conf.PerlValue.HashRef;
import org.amavisd.policy.conf.PerlValue.RegexValue;
import org.junit.jupiter.api.Test;

/** A hand-written config in the style sysadmins keep, exercising many constructs together. */
class RealisticConfTest {
    private static final String CONF = """
      use strict;

      # amavisd.conf for mail.example.com
      $MYHOME   = '/var/lib/amavis';
      $TEMPBASE = "$MYHOME/tmp";
      $mydomain = 'example.com';
      $myhostname = "mail.$mydomain";
      $daemon_user  = 'amavis';
      $daemon_group = 'amavis';

      $max_servers  = 4;
      $child_timeout = 10*60;
      $smtpd_message_size_limit = 50*1024*1024;   # 50 MiB

      $inet_socket_port = [10024, 10026, 9998];
      @inet_acl = qw( 127.0.0.1 [::1] 10.1.0.0/16 );
      $forward_method = 'smtp:[127.0.0.1]:10025';
      $notify_method  = $forward_method;

      @mynetworks = qw( 127.0.0.0/8 [::1] 10.0.0.0/8 );
      @local_domains_acl = ( ".$mydomain", 'example.org' );

      $interface_policy{'10026'} = 'ORIG';
      $policy_bank{'ORIG'} = {   # mail from our own users
        originating => 1,
        allow_disclaimers => 1,
        virus_admin_maps => ["virusalert\\@$mydomain"],
        final_spam_destiny => D_PASS,
        spam_kill_level_maps => [ 999 ],
        bypass_spam_checks_maps => [1],
      };
      $interface_policy{'9998'} = 'AM.PDP-INET';
      $policy_bank{'AM.PDP-INET'} = { protocol => 'AM.PDP', inet_acl => [qw( 127.0.0.1 [::1] )] };

      $final_virus_destiny      = D_DISCARD;
      $final_banned_destiny     = D_BOUNCE;
      $final_spam_destiny       = D_REJECT;
      $final_bad_header_destiny = D_PASS;

      $sa_tag_level_deflt  = -999;
      $sa_tag2_level_deflt = 6.2;
      $sa_kill_level_deflt = 6.9;
      $sa_spam_subject_tag = '***SPAM*** ';
      $virus_admin = "postmaster\\@$mydomain";

      $smtpd_greeting_banner = <<'EOB' . 'done';
      ${helo-name} ${protocol} ${product} at $mydomain ready
      EOB

      @av_scanners = (
        ['ClamAV-clamd',
          \\&ask_daemon, ["CONTSCAN {}\\n", "/var/run/clamav/clamd.ctl"],
          qr/\\bOK$/m, qr/\\bFOUND$/m,
          qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],
      );

      our %by_ccat_example = ( CC_SPAMMY.',1' => 'tag3', CC_VIRUS, 'virus' );

      1;  # ensure a defined return
      """;

    @Test
    void loadsAllSettings() throws Exception {
        AmavisConf c = AmavisConf.parse(CONF, "/etc/amavisd.conf");

        assertThat(c.warnings())
                .as("under use strict a helper of one's own is declared with our")
                .isEmpty();
        assertThat(c.scalar("TEMPBASE")).contains("/var/lib/amavis/tmp");
        assertThat(c.scalar("pid_file")).contains("/var/lib/amavis/amavisd.pid");
        assertThat(c.scalar("myhostname")).contains("mail.example.com");
        assertThat(c.integer("max_servers")).isEqualTo(4);
        assertThat(c.integer("child_timeout")).isEqualTo(600);
        assertThat(c.integer("smtpd_message_size_limit")).isEqualTo(52428800);
        assertThat(c.list("$inet_socket_port")).containsExactly("10024", "10026", "9998");
        assertThat(c.list("@inet_acl")).containsExactly("127.0.0.1", "[::1]", "10.1.0.0/16");
        assertThat(c.scalar("notify_method")).contains("smtp:[127.0.0.1]:10025");
        assertThat(c.list("@local_domains_acl")).containsExactly(".example.com", "example.org");

        HashRef ifaces = (HashRef) c.get("%interface_policy").orElseThrow();
        assertThat(ifaces.get("10026")).contains(PerlValue.of("ORIG"));
        assertThat(ifaces.get("9998")).contains(PerlValue.of("AM.PDP-INET"));

        HashRef banks = (HashRef) c.get("%policy_bank").orElseThrow();
        HashRef orig = (HashRef) banks.get("ORIG").orElseThrow();
        assertThat(orig.get("originating")).contains(PerlValue.of("1"));
        assertThat(orig.get("final_spam_destiny")).contains(PerlValue.of("1"));
        assertThat(((ArrayRef) orig.get("virus_admin_maps").orElseThrow()).elements())
                .containsExactly(PerlValue.of("virusalert@example.com"));
        HashRef pdp = (HashRef) banks.get("AM.PDP-INET").orElseThrow();
        assertThat(pdp.get("protocol")).contains(PerlValue.of("AM.PDP"));
        assertThat(c.origin("%policy_bank")).isEqualTo(new Origin("/etc/amavisd.conf", 33, 29));

        assertThat(c.integer("final_virus_destiny")).isEqualTo(0);
        assertThat(c.integer("final_banned_destiny")).isEqualTo(-2);
        assertThat(c.integer("final_spam_destiny")).isEqualTo(-3);
        assertThat(c.integer("final_bad_header_destiny")).isEqualTo(1);
        assertThat(c.scalar("sa_tag_level_deflt")).contains("-999");
        assertThat(c.scalar("sa_tag2_level_deflt")).contains("6.2");
        assertThat(c.scalar("virus_admin")).contains("postmaster@example.com");
        assertThat(c.scalar("smtpd_greeting_banner"))
                .contains("${helo-name} ${protocol} ${product} at $mydomain ready\ndone");

        ArrayRef scanners = (ArrayRef) c.get("@av_scanners").orElseThrow();
        ArrayRef clam = (ArrayRef) scanners.elements().get(0);
        assertThat(clam.elements()).hasSize(6);
        assertThat(clam.elements().get(0)).isEqualTo(PerlValue.of("ClamAV-clamd"));
        assertThat(clam.elements().get(1)).isEqualTo(new CodeRef("ask_daemon", null));
        assertThat(clam.elements().get(5)).isEqualTo(new RegexValue("^.*?: (?!Infected Archive)(.*) FOUND$", "m"));

        assertThat(c.list("%by_ccat_example")).containsExactly("5,1", "9");
    }
}
