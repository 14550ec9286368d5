package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.amavisd.policy.conf.PerlValue.ArrayRef;
import org.amavisd.policy.conf.PerlValue.CodeRef;
import org.amavisd.policy.conf.PerlValue.HashRef;
import org.amavisd.policy.conf.PerlValue.ScalarRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One representative default per group, as amavisd-new 2.13's Amavis::Conf sets it. */
class CatalogueDefaultsTest {
    private static final AmavisConf DEFAULTS = AmavisConf.defaults();
    private static final PerlValue UNDEF = PerlValue.UNDEF;

    private static PerlValue s(String v) {
        return PerlValue.of(v);
    }

    private static ArrayRef list(PerlValue... e) {
        return new ArrayRef(List.of(e));
    }

    private static ScalarRef ref(PerlValue v) {
        return new ScalarRef(v);
    }

    static Stream<Arguments> representativeDefaults() {
        return Stream.of(
                // ports, sockets and methods
                Arguments.of("$inet_socket_port", UNDEF),
                Arguments.of("$requeue_method", s("smtp:[127.0.0.1]:25")),
                Arguments.of("$release_method", UNDEF),
                Arguments.of("$propagate_dsn_if_possible", s("1")),
                // spam levels
                Arguments.of("$sa_tag_level_deflt", UNDEF),
                Arguments.of("$sa_kill_level_deflt", UNDEF),
                Arguments.of("@spam_tag2_level_maps", list(ref(UNDEF))),
                Arguments.of("@spam_dsn_cutoff_level_bysender_maps", list(ref(UNDEF))),
                Arguments.of("$sa_spam_level_char", s("*")),
                // admins
                Arguments.of("@virus_admin_maps", list(new HashRef(java.util.Map.of()), ref(UNDEF))),
                Arguments.of("@banned_admin_maps", list(ref(UNDEF), new HashRef(java.util.Map.of()), ref(UNDEF))),
                Arguments.of("$mailfrom_notify_admin", UNDEF),
                Arguments.of(
                        "$hdrfrom_notify_sender",
                        s("\"Content-filter at ${myhostname_utf8}\" <postmaster@${myhostname_ascii}>")),
                Arguments.of(
                        "$hdrfrom_notify_admin",
                        s("\"Content-filter at ${myhostname_utf8}\" <postmaster@${myhostname_ascii}>")),
                // quarantine
                Arguments.of("$QUARANTINEDIR", UNDEF),
                Arguments.of("$quarantine_subdir_levels", UNDEF),
                Arguments.of("$bad_header_quarantine_to", s("bad-header-quarantine")),
                Arguments.of("@spam_quarantine_to_maps", list(ref(s("spam-quarantine")))),
                Arguments.of("$archive_quarantine_method", UNDEF),
                // banned
                Arguments.of("@banned_filename_maps", list(s("DEFAULT"))),
                Arguments.of("%banned_rules", new HashRef(java.util.Map.of("DEFAULT", UNDEF))),
                Arguments.of("$banned_namepath_re", UNDEF),
                // scanners
                Arguments.of("@spam_scanners", list(list(s("SpamAssassin"), s("Amavis::SpamControl::SpamAssassin")))),
                Arguments.of("@av_scanners", list()),
                Arguments.of("@viruses_that_fake_sender_maps", list(ref(UNDEF), s("1"))),
                // decoding
                Arguments.of("$MAXLEVELS", UNDEF),
                Arguments.of("$MAXFILES", UNDEF),
                Arguments.of("$MIN_EXPANSION_QUOTA", UNDEF),
                Arguments.of("$MAX_EXPANSION_QUOTA", UNDEF),
                Arguments.of("$file", s("file")),
                // headers
                Arguments.of("$remove_existing_spam_headers", s("1")),
                Arguments.of("@spam_subject_tag2_maps", list(ref(UNDEF))),
                Arguments.of("@altermime_args_defang", list(s("--verbose"), s("--removeall"))),
                // lists
                Arguments.of("@whitelist_sender_maps", list(new HashRef(java.util.Map.of()), list(), ref(UNDEF))),
                Arguments.of("@unchecked_lovers_maps", list()),
                Arguments.of("@score_sender_maps", list()),
                // SQL and misc
                Arguments.of("$sql_quarantine_chunksize_max", s("16384")),
                Arguments.of("$penpals_halflife", s("604800")),
                Arguments.of("$storage_redis_ttl", s("1382400")),
                Arguments.of("$mail_part_digest_algorithm", s("SHA1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("representativeDefaults")
    void defaultIsAmavisdNewOne(String name, PerlValue expected) {
        assertThat(DEFAULTS.get(name)).as(name).contains(expected);
        assertThat(SettingsCatalogue.standard().find(name).orElseThrow().mirrored())
                .isTrue();
    }

    @Test
    void byCcatHashesHaveNumericKeys() {
        HashRef fd = (HashRef) DEFAULTS.get("%final_destiny_maps_by_ccat").orElseThrow();
        assertThat(fd.entries().keySet())
                .containsExactlyInAnyOrder("9", "8", "7", "6", "4", "2,1", "2,2", "2", "3", "0");
        assertThat(fd.entries().get("9")).isEqualTo(new CodeRef("__ANON__", "sub { c('final_virus_destiny') }"));
        assertThat(fd.entries().get("2,1")).isEqualTo(s("-4"));
        assertThat(fd.entries().get("2,2")).isEqualTo(s("-3"));
        assertThat(fd.entries().get("3")).isEqualTo(s("-2"));
        assertThat(fd.entries().get("0")).isEqualTo(s("1"));
        HashRef subj = (HashRef) DEFAULTS.get("%subject_tag_maps_by_ccat").orElseThrow();
        assertThat(subj.entries().get("9")).isEqualTo(list(s("***INFECTED*** ")));
        assertThat(subj.entries()).containsEntry("8", UNDEF).containsKey("1,1").containsKey("5,1");
        HashRef names = (HashRef) DEFAULTS.get("%ccat_display_names").orElseThrow();
        assertThat(names.entries())
                .containsEntry("7,3", s("UncheckedAmbiguousContent"))
                .containsEntry("0", s("CatchAll"));
    }

    @Test
    void structuredDefaults() {
        ArrayRef decoders = (ArrayRef) DEFAULTS.get("@decoders").orElseThrow();
        // amavisd-new's 29 entries and ours for 'a' and 'lha'
        assertThat(decoders.elements()).hasSize(31);
        assertThat(decoders.elements().get(0))
                .isEqualTo(list(s("mail"), new CodeRef("Amavis::Unpackers::do_mime_decode", null)));
        HashRef sql = (HashRef) DEFAULTS.get("%sql_clause").orElseThrow();
        assertThat(sql.entries()).hasSize(12);
        assertThat(sql.entries().get("sel_policy")).isInstanceOf(ScalarRef.class);
        assertThat(((ScalarRef) sql.entries().get("sel_policy")).target().asString())
                .startsWith("SELECT users.*, policy.*");
        assertThat(sql.entries().get("sel_adr")).isEqualTo(s("SELECT id FROM maddr WHERE partition_tag=? AND email=?"));
        HashRef tests = (HashRef) DEFAULTS.get("%allowed_header_tests").orElseThrow();
        assertThat(tests.entries()).hasSize(10).containsEntry("utf8", s("0")).containsEntry("8bit", s("1"));
        HashRef signed = (HashRef) DEFAULTS.get("%signed_header_fields").orElseThrow();
        assertThat(signed.entries())
                .containsEntry("from", s("2"))
                .containsEntry("to", s("0"))
                .containsEntry("list-id", s("1"));
        HashRef added = (HashRef) DEFAULTS.get("%allowed_added_header_fields").orElseThrow();
        assertThat(added.entries()).containsEntry("x-spam-status", s("1")).containsEntry("x-spam-report", s("0"));
    }

    @Test
    void configTablesAreSeenThroughTheDefaultMaps() throws Exception {
        AmavisConf c = AmavisConf.parse("""
        %spam_lovers = ('lover@example.com' => 1);
        push @spam_lovers_acl, '.example.net';
        $sa_tag2_level_deflt = 6.31;
        $virus_admin = 'virus-admin@example.com';
        $mailfrom_notify_admin = 'admin@example.com';
        $gzip = 'gzip';
        $bzip2 = undef;
        """, "test.conf");
        ArrayRef maps = (ArrayRef) c.get("@spam_lovers_maps").orElseThrow();
        assertThat(maps.elements().get(0)).isEqualTo(new HashRef(java.util.Map.of("lover@example.com", s("1"))));
        assertThat(maps.elements().get(1)).isEqualTo(list(s(".example.net")));
        assertThat(c.get("@spam_tag2_level_maps")).contains(list(ref(s("6.31"))));
        assertThat(((ArrayRef) c.get("@virus_admin_maps").orElseThrow())
                        .elements()
                        .get(1))
                .isEqualTo(ref(s("virus-admin@example.com")));
        assertThat(c.scalar("hdrfrom_notify_admin"))
                .contains("\"Content-filter at ${myhostname_utf8}\" <admin@example.com>");
        assertThat(c.scalar("hdrfrom_notify_recip"))
                .contains(c.scalar("hdrfrom_notify_sender").orElseThrow());
        assertThat(c.scalar("gunzip")).contains("gzip -d");
        assertThat(c.get("$bunzip2")).as("$bzip2 undef: no $bunzip2").contains(UNDEF);
        assertThat(AmavisConf.parse("1;", "test.conf").scalar("bunzip2"))
                .as("ours defaults to the sample's $bzip2")
                .contains("bzip2 -d");
        assertThat(c.warnings()).isEmpty();
    }
}
