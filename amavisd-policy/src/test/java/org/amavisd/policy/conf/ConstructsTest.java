package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amavisd.policy.conf.PerlValue.ArrayRef;
import org.amavisd.policy.conf.PerlValue.CodeRef;
import org.amavisd.policy.conf.PerlValue.HashRef;
import org.amavisd.policy.conf.PerlValue.RegexValue;
import org.amavisd.policy.conf.PerlValue.ScalarRef;
import org.junit.jupiter.api.Test;

class ConstructsTest {
    private static AmavisConf conf(String text) throws ConfigException {
        return AmavisConf.parse(text, "test.conf");
    }

    private static String s(AmavisConf c, String name) {
        return c.scalar(name).orElseThrow();
    }

    @Test
    void scalarArrayAndHashAssignments() throws Exception {
        AmavisConf c = conf("""
        $max_servers = 5;
        @inet_acl = (1, 2);
        @mynetworks = qw(10.0.0.0/8 [::1]);
        %interface_policy = (k => 'v', 10026 => "ORIG",);
        """);
        assertThat(c.integer("max_servers")).isEqualTo(5);
        assertThat(c.list("@inet_acl")).containsExactly("1", "2");
        assertThat(c.list("@mynetworks")).containsExactly("10.0.0.0/8", "[::1]");
        HashRef h = (HashRef) c.get("%interface_policy").orElseThrow();
        assertThat(h.entries())
                .containsExactly(
                        java.util.Map.entry("k", PerlValue.of("v")),
                        java.util.Map.entry("10026", PerlValue.of("ORIG")));
    }

    @Test
    void hashElementsAndNestedAutovivification() throws Exception {
        AmavisConf c = conf("""
        $interface_policy{'10026'} = 'ORIG';
        $interface_policy{SOCK} = 'AM.PDP-SOCK';
        $policy_bank{'ORIG'} = { originating => 1, bypass_spam_checks_maps => [1], };
        $policy_bank{MYNETS}{originating} = 1;
        $policy_bank{'ORIG'}->{log_level} = 3;
        """);
        HashRef banks = (HashRef) c.get("%policy_bank").orElseThrow();
        HashRef orig = (HashRef) banks.get("ORIG").orElseThrow();
        assertThat(orig.get("originating")).contains(PerlValue.of("1"));
        assertThat(orig.get("log_level")).contains(PerlValue.of("3"));
        assertThat(((ArrayRef) orig.get("bypass_spam_checks_maps").orElseThrow()).elements())
                .containsExactly(PerlValue.of("1"));
        assertThat(((HashRef) banks.get("MYNETS").orElseThrow()).get("originating"))
                .contains(PerlValue.of("1"));
        assertThat(c.list("%interface_policy")).containsExactly("10026", "SOCK");
    }

    @Test
    void chainedAssignmentAndEnv() throws Exception {
        AmavisConf c = conf("$ENV{PATH} = $path = '/usr/bin:/bin';\n$log_level = $max_servers = 3;");
        assertThat(s(c, "path")).isEqualTo("/usr/bin:/bin");
        HashRef env = (HashRef) c.get("%ENV").orElseThrow();
        assertThat(env.get("PATH")).contains(PerlValue.of("/usr/bin:/bin"));
        assertThat(c.integer("log_level")).isEqualTo(3);
        assertThat(c.integer("max_servers")).isEqualTo(3);
    }

    @Test
    void declarationsPragmasCommentsPodAndEnd() throws Exception {
        AmavisConf c = conf("""
        use strict;
        use warnings;
        require Amavis::IO::Zlib;  # Debian's workaround for its gzipped quarantine
        # a comment
        my($base) = '/srv';  # trailing comment
        my $sub = "tmp";
        our $extra = 1;

        =pod

        $max_servers = 99;  this is documentation

        =cut

        $TEMPBASE = "$base/$sub";
        1;
        __END__
        $max_servers = 77;
        """);
        assertThat(s(c, "TEMPBASE")).isEqualTo("/srv/tmp");
        assertThat(c.integer("max_servers")).isEqualTo(2);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.assignedNames()).contains("$TEMPBASE").doesNotContain("$base", "$max_servers");
    }

    @Test
    void numbersAndArithmetic() throws Exception {
        AmavisConf c = conf("""
        $a1 = 200*1024*1024;
        $a2 = 1_000 + 0x1F;
        $a3 = (2 + 3) * 4 - 10 / 4;
        $a4 = -5 % 3;
        $a5 = 6.31;
        $a6 = 2.0;
        $a7 = 2 ** 10;
        $a8 = -(3 + 4);
        $a9 = 1e3;
        """);
        assertThat(s(c, "a1")).isEqualTo("209715200");
        assertThat(s(c, "a2")).isEqualTo("1031");
        assertThat(s(c, "a3")).isEqualTo("17.5");
        assertThat(s(c, "a4")).isEqualTo("1");
        assertThat(s(c, "a5")).isEqualTo("6.31");
        assertThat(s(c, "a6")).isEqualTo("2");
        assertThat(s(c, "a7")).isEqualTo("1024");
        assertThat(s(c, "a8")).isEqualTo("-7");
        assertThat(s(c, "a9")).isEqualTo("1000");
    }

    @Test
    void stringOperatorsUndefAndRanges() throws Exception {
        AmavisConf c = conf("""
        $s1 = 'ab' . 'cd' . 12;
        $s2 = '-' x 3;
        $s3 = undef;
        @r = (1..4);
        @rep = ('a') x 2;
        $s4 = $undefined_thing // 'fallback';
        """);
        assertThat(s(c, "s1")).isEqualTo("abcd12");
        assertThat(s(c, "s2")).isEqualTo("---");
        assertThat(c.scalar("s3")).isEmpty();
        assertThat(c.get("$s3")).contains(PerlValue.UNDEF);
        assertThat(c.list("@r")).containsExactly("1", "2", "3", "4");
        assertThat(c.list("@rep")).containsExactly("a", "a");
        assertThat(s(c, "s4")).isEqualTo("fallback");
    }

    @Test
    void singleAndDoubleQuotedStrings() throws Exception {
        AmavisConf c = conf("""
        $mydomain = 'example.com';
        $MYHOME = '/var/lib/amavis';
        $q1 = 'it\\'s \\\\ $not @interp \\n';
        $virus_admin = "postmaster\\@$mydomain";
        $q3 = "$MYHOME/tmp";
        $q4 = "${MYHOME}x\\t\\"q\\" \\$ \\\\";
        $q5 = q(a (nested) 'x');
        $q6 = qq{$mydomain {b}};
        $q7 = "\\x41\\101\\x{263A}\\n";
        @list = ('a', 'b');
        $q8 = "[@list] smtp:[$mydomain]:25";
        $interface_policy{'10026'} = 'ORIG';
        $q9 = "p=$interface_policy{'10026'} $interface_policy{10026}";
        """);
        assertThat(s(c, "q1")).isEqualTo("it's \\ $not @interp \\n");
        assertThat(s(c, "virus_admin")).isEqualTo("postmaster@example.com");
        assertThat(s(c, "q3")).isEqualTo("/var/lib/amavis/tmp");
        assertThat(s(c, "q4")).isEqualTo("/var/lib/amavisx\t\"q\" $ \\");
        assertThat(s(c, "q5")).isEqualTo("a (nested) 'x'");
        assertThat(s(c, "q6")).isEqualTo("example.com {b}");
        assertThat(s(c, "q7")).isEqualTo("AA\u263A\n");
        assertThat(s(c, "q8")).isEqualTo("[a b] smtp:[example.com]:25");
        assertThat(s(c, "q9")).isEqualTo("p=ORIG ORIG");
    }

    @Test
    void qwWithAnyDelimiter() throws Exception {
        AmavisConf c = conf("@a = qw/x y/; @b = qw{ p  q\n r }; @c = qw[1 2]; @d = qw!k!;");
        assertThat(c.list("@a")).containsExactly("x", "y");
        assertThat(c.list("@b")).containsExactly("p", "q", "r");
        assertThat(c.list("@c")).containsExactly("1", "2");
        assertThat(c.list("@d")).containsExactly("k");
    }

    @Test
    void hereDocuments() throws Exception {
        AmavisConf c = conf("""
        $mydomain = 'ex.org';
        $h1 = <<'EOD';
        literal $mydomain
        EOD
        $h2 = <<"EOD" . <<EOT;
        at $mydomain
        EOD
        bare $mydomain
        EOT
        $h3 = <<~EOD;
            indented
              more
            EOD
        $max_servers = 4;
        """);
        assertThat(s(c, "h1")).isEqualTo("literal $mydomain\n");
        assertThat(s(c, "h2")).isEqualTo("at ex.org\nbare ex.org\n");
        assertThat(s(c, "h3")).isEqualTo("indented\n  more\n");
        assertThat(c.integer("max_servers")).isEqualTo(4);
        assertThat(c.origin("$max_servers").line()).isEqualTo(14);
    }

    @Test
    void decisionAndContentCategoryConstants() throws Exception {
        AmavisConf c = conf("""
        $final_virus_destiny = D_REJECT;
        $final_spam_destiny = D_BOUNCE;
        $final_banned_destiny = D_PASS;
        $final_bad_header_destiny = D_TEMPFAIL;
        $x1 = D_DISCARD;
        @cc = (CC_VIRUS, CC_BANNED, CC_UNCHECKED, CC_SPAM, CC_SPAMMY, CC_BADH,
               CC_OVERSIZED, CC_MTA, CC_CLEAN, CC_CATCHALL);
        %by_ccat = (CC_SPAMMY.',1' => 'tag3', CC_CLEAN, 'clean', CC_BANNED => 'quoted');
        """);
        assertThat(c.integer("final_virus_destiny")).isEqualTo(-3);
        assertThat(c.integer("final_spam_destiny")).isEqualTo(-2);
        assertThat(c.integer("final_banned_destiny")).isEqualTo(1);
        assertThat(c.integer("final_bad_header_destiny")).isEqualTo(-4);
        assertThat(c.integer("x1")).isEqualTo(0);
        assertThat(c.list("@cc")).containsExactly("9", "8", "7", "6", "5", "4", "3", "2", "1", "0");
        // as in Perl, '=>' quotes a bareword on its left, so amavisd configs use ',' after constants
        assertThat(c.list("%by_ccat")).containsExactly("5,1", "1", "CC_BANNED");
    }

    @Test
    void referencesAndDereferencing() throws Exception {
        AmavisConf c = conf("""
        @local_domains_acl = ('.example.com');
        %h = (a => 1);
        $sref = \\$max_servers;
        $aref = [1, [2, 3], {k => 'v'}];
        $x1 = $aref->[1][0];
        $x2 = $$aref[2]{k};
        $x3 = ${$aref}[0];
        @copy = @$aref;
        $hr = \\%h;
        $x4 = $hr->{a};
        $x5 = $local_domains_acl[0];
        $x6 = $local_domains_acl[-1];
        """);
        ArrayRef maps = (ArrayRef) c.get("@local_domains_maps").orElseThrow();
        // the default map references the variable, so it sees the later assignment
        assertThat(((ArrayRef) maps.elements().get(1)).elements()).containsExactly(PerlValue.of(".example.com"));
        assertThat(c.get("$sref").orElseThrow()).isEqualTo(new ScalarRef(PerlValue.of("2")));
        assertThat(s(c, "x1")).isEqualTo("2");
        assertThat(s(c, "x2")).isEqualTo("v");
        assertThat(s(c, "x3")).isEqualTo("1");
        assertThat(c.list("@copy")).hasSize(3).first().isEqualTo("1");
        assertThat(s(c, "x4")).isEqualTo("1");
        assertThat(s(c, "x5")).isEqualTo(".example.com");
        assertThat(s(c, "x6")).isEqualTo(".example.com");
        assertThat(c.list("$aref")).hasSize(3);
    }

    @Test
    void codeRefsRegexesAndAnonymousSubs() throws Exception {
        AmavisConf c = conf("""
        @av_scanners = (
          ['ClamAV-clamd', \\&ask_daemon, ["CONTSCAN {}\\n", '/run/clamd.ctl'],
            qr/\\bOK$/m, qr'\\bFOUND$'m, qr{^.*?: (?!Infected Archive)(.*) FOUND$}mi ],
          ['Other', sub { chdir('/opt/x') or die "cannot: $!" }, [0,3,6..8]],
        );
        """);
        ArrayRef scanners = (ArrayRef) c.get("@av_scanners").orElseThrow();
        ArrayRef clam = (ArrayRef) scanners.elements().get(0);
        assertThat(clam.elements().get(1)).isEqualTo(new CodeRef("ask_daemon", null));
        assertThat(((ArrayRef) clam.elements().get(2)).elements().get(0)).isEqualTo(PerlValue.of("CONTSCAN {}\n"));
        assertThat(clam.elements().get(3)).isEqualTo(new RegexValue("\\bOK$", "m"));
        assertThat(clam.elements().get(4)).isEqualTo(new RegexValue("\\bFOUND$", "m"));
        assertThat(clam.elements().get(5)).isEqualTo(new RegexValue("^.*?: (?!Infected Archive)(.*) FOUND$", "mi"));
        ArrayRef other = (ArrayRef) scanners.elements().get(1);
        CodeRef sub = (CodeRef) other.elements().get(1);
        assertThat(sub.source()).startsWith("sub {").endsWith("}").contains("chdir('/opt/x')");
        assertThat(((ArrayRef) other.elements().get(2)).elements())
                .extracting(PerlValue::asString)
                .containsExactly("0", "3", "6", "7", "8");
    }

    @Test
    void pushAndCompoundAssignment() throws Exception {
        AmavisConf c = conf("""
        push @inet_acl, '10.0.0.1', '10.0.0.2';
        push(@mynetworks, qw(192.0.2.0/24));
        $log_level += 2;
        $X_HEADER_LINE .= 'suffix';
        $lock_file //= '/tmp/lock';
        """);
        assertThat(c.list("@inet_acl")).containsExactly("127.0.0.1", "[::1]", "10.0.0.1", "10.0.0.2");
        assertThat(c.list("@mynetworks")).endsWith("192.0.2.0/24");
        assertThat(c.integer("log_level")).isEqualTo(2);
        assertThat(s(c, "X_HEADER_LINE")).isEqualTo("suffix");
        assertThat(s(c, "lock_file")).isEqualTo("/tmp/lock");
    }

    @Test
    void listAssignmentToSeveralTargets() throws Exception {
        AmavisConf c = conf("my($a, $b, @rest) = (1, 2, 3, 4); $max_servers = $b; @inet_acl = @rest;");
        assertThat(c.integer("max_servers")).isEqualTo(2);
        assertThat(c.list("@inet_acl")).containsExactly("3", "4");
    }

    @Test
    void legacyUppercaseAliases() throws Exception {
        AmavisConf c = conf("$DO_SYSLOG = 1; $LOGFILE = '/var/log/amavis.log';");
        assertThat(c.integer("$do_syslog")).isEqualTo(1);
        assertThat(c.scalar("$DO_SYSLOG")).contains("1");
        assertThat(c.scalar("logfile")).contains("/var/log/amavis.log");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void listAccessorShapes() throws Exception {
        AmavisConf c = conf("$inet_socket_port = [10024, 10026]; $forward_method = 'smtp:[::1]:10025';");
        assertThat(c.list("$inet_socket_port")).containsExactly("10024", "10026");
        assertThat(c.list("$forward_method")).containsExactly("smtp:[::1]:10025");
        assertThat(c.list("$QUARANTINEDIR")).isEmpty();
        assertThat(c.list("inet_acl")).containsExactly("127.0.0.1", "[::1]");
    }

    @Test
    void valuesAreImmutable() throws Exception {
        AmavisConf c = conf("@inet_acl = (1);");
        ArrayRef a = (ArrayRef) c.get("@inet_acl").orElseThrow();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.elements().add(PerlValue.of("x")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(c.assignedNames())).containsExactly("@inet_acl");
    }

    @Test
    void environmentIsReadable() throws Exception {
        String home = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(home != null);
        AmavisConf c = conf("$MYHOME = \"$ENV{HOME}/amavis\"; $helpers_home = $ENV{'HOME'};");
        assertThat(s(c, "MYHOME")).isEqualTo(home + "/amavis");
        assertThat(s(c, "helpers_home")).isEqualTo(home);
        assertThat(s(c, "TEMPBASE")).isEqualTo(home + "/amavis");
    }

    @Test
    void listSlicesFollowPerl() throws Exception {
        AmavisConf c = conf("""
        our ($x, $last, $neg, $frac, $none, @a, @b, @c, @d);
        $x = (1,2,3)[1];
        @a = (qw(a b c))[0,2];
        $last = (1,2,3)[0,1];
        $neg = ('p','q','r')[-1];
        $frac = (1,2,3)[-1.5];
        @b = (1)[3,4];
        @c = ()[0,1];
        @d = (@a, 'z')[2,0];
        $none = (1,2)[5];
        """);
        assertThat(s(c, "x")).isEqualTo("2");
        assertThat(c.list("@a")).containsExactly("a", "c");
        assertThat(s(c, "last")).as("scalar context: the last element selected").isEqualTo("2");
        assertThat(s(c, "neg")).isEqualTo("r");
        assertThat(s(c, "frac")).as("indices truncate toward zero").isEqualTo("3");
        assertThat(((ArrayRef) c.get("@b").orElseThrow()).elements())
                .as("out of range: undef")
                .containsExactly(PerlValue.UNDEF, PerlValue.UNDEF);
        assertThat(c.list("@c")).as("a slice of an empty list is empty").isEmpty();
        assertThat(c.list("@d")).containsExactly("z", "a");
        assertThat(c.scalar("$none")).isEmpty();
    }
}
