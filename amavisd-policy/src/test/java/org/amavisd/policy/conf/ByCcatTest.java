package org.amavisd.policy.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.amavisd.policy.conf.PerlValue.ArrayRef;
import org.junit.jupiter.api.Test;

class ByCcatTest {
    private static final int CLEAN = 1,
            MTA = 2,
            OVERSIZED = 3,
            BADH = 4,
            SPAMMY = 5,
            SPAM = 6,
            UNCHECKED = 7,
            BANNED = 8,
            VIRUS = 9;
    private static final String DISCARD = "0", PASS = "1", BOUNCE = "-2", REJECT = "-3", TEMPFAIL = "-4";

    private final AmavisConf defaults = AmavisConf.defaults();
    private final Function<String, Optional<PerlValue>> settings = ByCcat.settingsOf(defaults);
    private final PerlValue destiny =
            defaults.get("%final_destiny_maps_by_ccat").orElseThrow();

    private String fd(int major, int minor) {
        return ByCcat.forCcat(destiny, major, minor, settings).asString();
    }

    @Test
    void finalDestinyDefaultsAsInAmavisdNew() {
        assertThat(fd(VIRUS, 0)).isEqualTo(DISCARD);
        assertThat(fd(BANNED, 0)).isEqualTo(DISCARD);
        assertThat(fd(UNCHECKED, 0)).isEqualTo(PASS);
        assertThat(fd(SPAM, 0)).isEqualTo(PASS);
        assertThat(fd(BADH, 0)).isEqualTo(PASS);
        assertThat(fd(OVERSIZED, 0)).isEqualTo(BOUNCE);
        assertThat(fd(MTA, 0)).isEqualTo(TEMPFAIL);
        assertThat(fd(MTA, 1)).isEqualTo(TEMPFAIL);
        assertThat(fd(MTA, 2)).isEqualTo(REJECT);
        assertThat(fd(BADH, 6)).as("no '4,6' key: falls back to '4'").isEqualTo(PASS);
        assertThat(fd(CLEAN, 0)).as("catch-all").isEqualTo(PASS);
        assertThat(fd(SPAMMY, 1)).as("catch-all").isEqualTo(PASS);
    }

    @Test
    void categoryListIsSortedAndWalkedInOrderThenCatchAll() {
        List<String> cats = ByCcat.withFinding(ByCcat.withFinding(ByCcat.categories(SPAMMY, 1), CLEAN, 0), VIRUS, 0);
        assertThat(cats).containsExactly("9", "5,1", "5", "1");
        assertThat(ByCcat.withFinding(cats, SPAMMY, 0)).isEqualTo(cats);
        List<ByCcat.Match> all = ByCcat.all(
                cats, settings, destiny, defaults.get("%lovers_maps_by_ccat").orElseThrow());
        // "5" has no destiny but a lovers entry, as in amavisd-new's joint walk of several tables
        assertThat(all).extracting(ByCcat.Match::ccat).containsExactly("9", "5", "0");
        assertThat(all.get(0).value().asString()).isEqualTo(DISCARD);
        assertThat(all.get(0).values().get(1))
                .isEqualTo(defaults.get("@virus_lovers_maps").orElseThrow());
        assertThat(all.get(1).value()).isEqualTo(PerlValue.UNDEF);
        assertThat(ByCcat.first(List.of("4,6"), settings, destiny).orElseThrow().ccat())
                .as("a single category string is not widened to its major")
                .isEqualTo("0");
    }

    @Test
    void anExistingKeyWithUndefStopsTheSearch() {
        PerlValue subj = defaults.get("%subject_tag_maps_by_ccat").orElseThrow();
        assertThat(ByCcat.first(ByCcat.categories(BANNED, 0), settings, subj)
                        .orElseThrow()
                        .value())
                .isEqualTo(PerlValue.UNDEF);
        assertThat(ByCcat.forCcat(subj, VIRUS, 0, settings))
                .isEqualTo(new ArrayRef(List.of(PerlValue.of("***INFECTED*** "))));
        assertThat(ByCcat.forCcat(subj, UNCHECKED, 0, settings))
                .isEqualTo(new ArrayRef(List.of(PerlValue.of("***UNCHECKED*** "))));
        assertThat(ByCcat.forCcat(subj, SPAMMY, 1, settings))
                .as("ca() of an empty list")
                .isEqualTo(new ArrayRef(List.of()));
        assertThat(ByCcat.first(
                                ByCcat.categories(SPAM, 0),
                                settings,
                                defaults.get("%quarantine_method_by_ccat").orElseThrow())
                        .orElseThrow()
                        .value())
                .isEqualTo(PerlValue.of("local:spam-%m.gz"));
    }

    @Test
    void configOverridesASettingAndOneKey() throws Exception {
        AmavisConf c = AmavisConf.parse("""
        $final_spam_destiny = D_DISCARD;
        $final_destiny_maps_by_ccat{'8'} = D_REJECT;
        %spam_lovers = ('lover@example.com' => 1);
        """, "test.conf");
        var s = ByCcat.settingsOf(c);
        PerlValue table = c.get("%final_destiny_maps_by_ccat").orElseThrow();
        assertThat(ByCcat.forCcat(table, SPAM, 0, s).asString()).isEqualTo(DISCARD);
        assertThat(ByCcat.forCcat(table, BANNED, 0, s).asString()).isEqualTo(REJECT);
        assertThat(ByCcat.forCcat(table, VIRUS, 0, s).asString()).isEqualTo(DISCARD);
        ArrayRef lovers =
                (ArrayRef) ByCcat.forCcat(c.get("%lovers_maps_by_ccat").orElseThrow(), SPAMMY, 0, s);
        assertThat(lovers.elements().get(0))
                .isEqualTo(new PerlValue.HashRef(java.util.Map.of("lover@example.com", PerlValue.of("1"))));
        // the legacy name shares storage
        AmavisConf legacy = AmavisConf.parse("$final_destiny_by_ccat{'6'} = D_BOUNCE;", "legacy.conf");
        assertThat(ByCcat.forCcat(
                                legacy.get("%final_destiny_maps_by_ccat").orElseThrow(),
                                SPAM,
                                0,
                                ByCcat.settingsOf(legacy))
                        .asString())
                .isEqualTo(BOUNCE);
    }

    @Test
    void policyBankValuesAreWhatTheSubsRead() {
        Function<String, Optional<PerlValue>> bank =
                n -> n.equals("final_virus_destiny") ? Optional.of(PerlValue.of(PASS)) : settings.apply(n);
        assertThat(ByCcat.forCcat(destiny, VIRUS, 0, bank).asString()).isEqualTo(PASS);
        assertThat(ByCcat.resolve(new PerlValue.CodeRef("__ANON__", "sub { do_something() }"), bank))
                .isInstanceOf(PerlValue.CodeRef.class);
        assertThat(ByCcat.resolve(new PerlValue.CodeRef("__ANON__", "sub { cr('no_such_thing') }"), bank))
                .isEqualTo(PerlValue.UNDEF);
    }
}
