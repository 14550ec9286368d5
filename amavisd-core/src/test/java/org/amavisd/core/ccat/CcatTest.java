package org.amavisd.core.ccat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CcatTest {

    @Test
    void numbersAreAmavisdNewsCcConstants() {
        assertThat(ContentCategory.VIRUS.number()).isEqualTo(9);
        assertThat(ContentCategory.BANNED.number()).isEqualTo(8);
        assertThat(ContentCategory.UNCHECKED.number()).isEqualTo(7);
        assertThat(ContentCategory.SPAM.number()).isEqualTo(6);
        assertThat(ContentCategory.SPAMMY.number()).isEqualTo(5);
        assertThat(ContentCategory.BAD_HEADER.number()).isEqualTo(4);
        assertThat(ContentCategory.OVERSIZED.number()).isEqualTo(3);
        assertThat(ContentCategory.MTA.number()).isEqualTo(2);
        assertThat(ContentCategory.CLEAN.number()).isEqualTo(1);
        assertThat(ContentCategory.CATCHALL.number()).isEqualTo(0);
        for (int i = 0; i <= 9; i++) {
            assertThat(ContentCategory.of(i).number()).isEqualTo(i);
        }
        assertThat(ContentCategory.byNumber(10)).isEmpty();
    }

    @Test
    void keysParseAndPrintAsInByCcatHashes() {
        assertThat(Ccat.parse("4,2")).isEqualTo(Ccat.of(ContentCategory.BAD_HEADER, 2));
        assertThat(Ccat.parse("6")).isEqualTo(Ccat.of(ContentCategory.SPAM));
        assertThat(Ccat.parse("4,0")).isEqualTo(Ccat.parse("4"));
        assertThat(Ccat.of(ContentCategory.BAD_HEADER, 2).key()).isEqualTo("4,2");
        assertThat(Ccat.of(ContentCategory.VIRUS).key()).isEqualTo("9");
        assertThatThrownBy(() -> Ccat.parse("x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ccat.parse("12")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void displayAndLogNames() {
        assertThat(Ccat.parse("9").displayName()).isEqualTo("Virus");
        assertThat(Ccat.parse("4,2").displayName()).isEqualTo("BadHdr8bit");
        assertThat(Ccat.parse("4,8").displayName()).isEqualTo("BadHdrDupl");
        assertThat(Ccat.parse("4").displayName()).isEqualTo("BadHdr");
        assertThat(Ccat.parse("7,3").displayName()).isEqualTo("UncheckedAmbiguousContent");
        assertThat(Ccat.parse("5,1").displayName()).isEqualTo("Spammy3");
        assertThat(Ccat.parse("2,2").displayName()).isEqualTo("MtaRejected");
        assertThat(Ccat.parse("1,1").displayName()).isEqualTo("CleanTag");
        assertThat(Ccat.parse("8,5").displayName()).isEqualTo("Banned");

        assertThat(Ccat.parse("9").logName()).isEqualTo("INFECTED");
        assertThat(Ccat.parse("8").logName()).isEqualTo("BANNED");
        assertThat(Ccat.parse("7").logName()).isEqualTo("UNCHECKED");
        assertThat(Ccat.parse("7,1").logName()).isEqualTo("UNCHECKED-ENCRYPTED");
        assertThat(Ccat.parse("7,2").logName()).isEqualTo("UNCHECKED");
        assertThat(Ccat.parse("6").logName()).isEqualTo("SPAM");
        assertThat(Ccat.parse("5,1").logName()).isEqualTo("SPAMMY");
        assertThat(Ccat.parse("4,5").logName()).isEqualTo("BAD-HEADER-5");
        assertThat(Ccat.parse("4").logName()).isEqualTo("BAD-HEADER-0");
        assertThat(Ccat.parse("3").logName()).isEqualTo("OVERSIZED");
        assertThat(Ccat.parse("2,1").logName()).isEqualTo("MTA-BLOCKED");
        assertThat(Ccat.parse("1").logName()).isEqualTo("CLEAN");
        assertThat(Ccat.parse("0").logName()).isEqualTo("OTHER");
    }

    @Test
    void orderIsMajorThenMinor() {
        assertThat(Ccat.parse("9")).isGreaterThan(Ccat.parse("8,3"));
        assertThat(Ccat.parse("4,2")).isGreaterThan(Ccat.parse("4"));
        assertThat(Ccat.parse("4,8")).isGreaterThan(Ccat.parse("4,7"));
    }

    @Test
    void listKeepsDescendingOrderAndImpliedMajors() {
        CcatList l = new CcatList();
        assertThat(l.main()).isEmpty();
        assertThat(l.mainOrClean()).isEqualTo(Ccat.parse("1"));
        l.add(ContentCategory.CLEAN);
        l.add(ContentCategory.BAD_HEADER, 2);
        l.add(ContentCategory.SPAM);
        l.add(ContentCategory.BAD_HEADER, 8);
        l.add(ContentCategory.BAD_HEADER, 2);
        assertThat(l.entries()).extracting(Ccat::key).containsExactly("6", "4,8", "4,2", "4", "1");
        assertThat(l.main()).contains(Ccat.parse("6"));
        assertThat(l.contains(Ccat.parse("4,2"))).isTrue();
        assertThat(l.contains(Ccat.parse("4,3"))).isFalse();
        assertThat(l.contains(ContentCategory.BAD_HEADER)).isTrue();
        assertThat(l.highestMinor(ContentCategory.BAD_HEADER)).isEqualTo(8);
        assertThat(l.highestMinor(ContentCategory.VIRUS)).isZero();
    }

    @Test
    void settingsFollowMainThenBlockingCategory() {
        CcatList l = new CcatList();
        l.add(ContentCategory.CLEAN);
        l.add(ContentCategory.BAD_HEADER, 2);
        l.add(ContentCategory.SPAM);
        Map<Ccat, String> destiny = Map.of(
                Ccat.parse("6"), "D_DISCARD",
                Ccat.parse("4"), "D_BOUNCE",
                Ccat.parse("0"), "D_PASS");
        assertThat(l.settingByMain(destiny)).contains("D_DISCARD");
        assertThat(l.settingsByMainAll(destiny))
                .extracting(Map.Entry::getValue)
                .containsExactly("D_DISCARD", "D_BOUNCE", "D_PASS");
        // a spam lover: spam passes, the bad header blocks
        l.setBlocking(Ccat.parse("4"));
        assertThat(l.effective()).isEqualTo(Ccat.parse("4"));
        assertThat(l.setting(destiny)).contains("D_BOUNCE");
        assertThat(l.setting(Map.of(Ccat.parse("0"), "x"))).contains("x");
        assertThatThrownBy(() -> l.setBlocking(Ccat.parse("9"))).isInstanceOf(IllegalArgumentException.class);
    }
}
