package org.amavisd.policy.regex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row was run through perl 5.36 (as {@code $input =~ qr'PATTERN'FLAGS}) when this test was
 * written; the expected value is what perl answered. The test itself does not need perl.
 */
class PerlRegexTest {
    private static Arguments row(String pattern, String flags, String input, boolean perlMatches) {
        return Arguments.of(pattern, flags, input, perlMatches);
    }

    static Stream<Arguments> perlAnswers() {
        return Stream.of(
                row("a$", "", "a\n", true),
                row("a$", "", "a\n\n", false),
                row("a$", "m", "a\nb", true),
                row("a\\Z", "", "a\n", true),
                row("a\\z", "", "a\n", false),
                row("\\Aa", "", "ba", false),
                row("\\n^", "m", "a\n", false),
                row("\\n^", "m", "a\nb", true),
                row("a$", "", "a\r\n", false),
                row("^.$", "", "\r", true),
                row("^.$", "", "\n", false),
                row("^.$", "s", "\n", true),
                row("^[[:alpha:]]+$", "", "abcXYZ", true),
                row("^[[:alpha:]]+$", "", "ab1", false),
                row("^[[:^digit:]]+$", "", "abc", true),
                row("^[[:^digit:]]+$", "", "a1", false),
                row("^[[:upper:]]+$", "i", "abc", true),
                row("^[[:space:]]$", "", "\u000b", true),
                row("^[[:word:]]+$", "", "a_1", true),
                row("^[[:punct:]]+$", "", "!-/", true),
                row("^\\w$", "", "\u00e9", false),
                row("^\\s$", "", "\u000b", true),
                row("^\\h$", "", "\t", true),
                row("^\\v$", "", "\u000b", true),
                row("^\\R$", "", "\r\n", true),
                row("^\\R$", "", "\n", true),
                row("^\\N$", "", "\n", false),
                row("^\\N$", "", "a", true),
                row("^[[]$", "", "[", true),
                row("^[a&&b]$", "", "&", true),
                row("^[]a]$", "", "]", true),
                row("^[^]a]$", "", "]", false),
                row("^[\\b]$", "", "\u0008", true),
                row("^a b$", "x", "ab", true),
                row("^a b$", "x", "a b", false),
                row("^[ ]$", "x", " ", true),
                row("^a # comment\nb$", "x", "ab", true),
                row("^a[ b]$", "xx", "ab", true),
                row("^\\y$", "", "y", true),
                row("^\\Q.$", "", "Q.", true),
                row("^\\Q.$", "", "ab", false),
                row("^\\E$", "", "E", true),
                row("^\\12$", "", "\n", true),
                row("^\\012$", "", "\n", true),
                row("^\\x41$", "", "A", true),
                row("^\\x{263A}$", "", "\u263a", true),
                row("^\\x1$", "", "\u0001", true),
                row("^\\ca$", "", "\u0001", true),
                row("^\\o{101}$", "", "A", true),
                row("^\\N{U+41}$", "", "A", true),
                row("^a{,2}$", "", "aa", true),
                row("^a{foo}$", "", "a{foo}", true),
                row("^a{1,2}$", "", "aaa", false),
                row("^a{ 1 , 2 }$", "", "aa", true),
                row("^(a)\\1$", "", "aa", true),
                row("^(a)\\g1$", "", "aa", true),
                row("^(a)\\g{-1}$", "", "aa", true),
                row("^(?<n>a)\\k<n>$", "", "aa", true),
                row("^(?<n_1>a)\\k{n_1}$", "", "aa", true),
                row("^(?P<n>a)(?P=n)$", "", "aa", true),
                row("(?i)abc", "", "ABC", true),
                row("a(?i)b", "", "aB", true),
                row("a(?i)b", "", "AB", false),
                row("(?:(?i)a)b", "", "AB", false),
                row("(?i:a)b", "", "Ab", true),
                row("(?^:a)", "i", "A", false),
                row("(?^i:a)", "", "A", true),
                row("(?x: a b )c", "", "abc", true),
                row("(?-i:a)b", "i", "aB", true),
                row("(?-i:a)b", "i", "AB", false),
                row("a++b", "", "aab", true),
                row("(?>a+)b", "", "aab", true),
                row("(?#comment)a", "", "a", true),
                row("\\bfoo\\b", "", "a foo b", true),
                row("\\.(exe|vbs)$", "i", "X.EXE", true),
                row(".\\.(exe|vbs|pif|scr|cpl)$", "i", "x.exe", true),
                row(".\\.(exe|vbs|pif|scr|cpl)$", "i", ".exe", false),
                row("^[\\w.-]+$", "", "a.b-c", true),
                row("^a\\/b$", "", "a/b", true),
                row("^\\#$", "", "#", true),
                row("^#$", "", "#", true),
                row("^a}$", "", "a}", true),
                row("^a\\}$", "", "a}", true),
                row("\\bEICAR\\b", "i", "Eicar-Test-Signature", true),
                row("^[\\x41-\\x43]+$", "", "ABC", true),
                row("^[\\101]$", "", "A", true),
                row("^\\p{L}+$", "", "ab", true),
                row("^(?:a|b)+$", "", "abab", true),
                row("^\\d+$", "", "123", true),
                row("^a.c$", "", "a\nc", false),
                row("^a$", "m", "b\na\nc", true));
    }

    @ParameterizedTest(name = "{2} =~ qr''{0}''{1} is {3}")
    @MethodSource("perlAnswers")
    void matchesAsPerlDoes(String pattern, String flags, String input, boolean perlMatches) throws Exception {
        assertThat(PerlRegex.compile(pattern, flags).find(input)).isEqualTo(perlMatches);
    }

    @Test
    void moreRowsPerlAnswered() throws Exception {
        assertThat(PerlRegex.compile("^(?'n'a)\\k'n'$", "").find("aa")).isTrue();
        assertThat(PerlRegex.compile("^a\\@b$", "").find("a@b")).isTrue();
    }

    @Test
    void characterClassesAreAsciiAsForPerlByteStrings() throws Exception {
        // perl: "\x{663}" =~ /^\d$/a is false; amavisd-new matches byte strings, where \d is ASCII
        assertThat(PerlRegex.compile("^\\d$", "").find("\u0663")).isFalse();
        assertThat(PerlRegex.compile("^\\d$", "u").find("\u0663")).isTrue();
        assertThat(PerlRegex.compile("^\u00e9$", "i").find("\u00c9"))
                .as("no non-ASCII case folding")
                .isFalse();
    }

    @Test
    void listContextMatchGivesCapturesOrOne() throws Exception {
        assertThat(PerlRegex.compile("^(.*)@(.*)$", "").matchList("user@ex.com"))
                .contains(List.of("user", "ex.com"));
        assertThat(PerlRegex.compile("x", "").matchList("axb")).contains(List.of("1"));
        assertThat(PerlRegex.compile("x", "").matchList("ab")).isEmpty();
        assertThat(PerlRegex.compile("^(a)|(b)$", "").matchList("b").orElseThrow())
                .containsExactly(null, "b");
    }

    @Test
    void namedGroupsKeepTheirPerlNames() throws Exception {
        PerlRegex r = PerlRegex.compile("(?<local_part>[^@]+)@", "");
        var m = r.matcher("joe@x");
        assertThat(m.find()).isTrue();
        assertThat(m.group(r.javaGroupName("local_part").orElseThrow())).isEqualTo("joe");
    }

    @Test
    void constructsWithoutJavaEquivalentAreNamed() {
        for (String[] c : new String[][] {
            {"a\\Kb", "\\K"},
            {"(?{ 1 })a", "(?{"},
            {"(??{ 'a' })", "(??{"},
            {"(a|(?R))", "(?R)"},
            {"(a)(?1)", "(?1)"},
            {"\\Ga", "\\G"},
            {"(?|(a)|(b))", "(?|"},
            {"(?&name)", "(?&name)"},
            {"(?(1)a|b)", "conditional"},
            {"(*FAIL)", "(*VERB)"},
            {"(?<n>a)|(?<n>b)", "duplicate group name"},
            {"\\b{wb}", "\\b{wb}"}
        }) {
            assertThatThrownBy(() -> PerlRegex.compile(c[0], ""))
                    .as(c[0])
                    .isInstanceOf(PerlRegexException.class)
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> PerlRegex.compile("a", "g")).hasMessageContaining("/g");
        assertThatThrownBy(() -> PerlRegex.compile("[:foo:]x[[:foo:]]", "")).hasMessageContaining("[:foo:]");
        assertThatThrownBy(() -> PerlRegex.compile("(a", "")).isInstanceOf(PerlRegexException.class);
    }

    @Test
    void stringifiesLikePerlAndComparesBySourceAndFlags() throws Exception {
        assertThat(PerlRegex.compile("^a$", "i")).hasToString("(?^i:^a$)").isEqualTo(PerlRegex.compile("^a$", "i"));
        assertThat(PerlRegex.quotemeta("a.b@c-d_e")).isEqualTo("a\\.b\\@c\\-d_e");
        // a stringified qr// interpolated into another keeps its own flags
        assertThat(PerlRegex.compile(PerlRegex.compile("a", "i") + "b", "").find("Ab"))
                .isTrue();
        assertThat(PerlRegex.compile(PerlRegex.compile("a", "i") + "b", "").find("AB"))
                .isFalse();
    }
}
