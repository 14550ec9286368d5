package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.conf.PerlValue.RegexTable;
import org.junit.jupiter.api.Test;

/** README.lookups "REGULAR EXPRESSION LOOKUPS"; expected results were checked with perl. */
class RegexpLookupTest {
    private static RegexpLookup table(String conf) throws Exception {
        PerlValue v = AmavisConf.parse("$banned_filename_re = new_RE(" + conf + ");", "t.conf")
                .get("$banned_filename_re")
                .orElseThrow();
        return new RegexpLookup("t", (RegexTable) v);
    }

    @Test
    void readmeAclExample() throws Exception {
        RegexpLookup acl = table("qr'@me\\.ac\\.uk$'i, [ qr'[@.]ac\\.uk$'i => 0 ], qr'\\.uk$'i");
        assertThat(acl.lookup(LookupKey.of("user@me.ac.uk"))).contains(PerlValue.of(1));
        assertThat(acl.lookup(LookupKey.of("user@you.ac.uk"))).contains(PerlValue.of(0));
        assertThat(acl.lookup(LookupKey.of("user@them.co.uk"))).contains(PerlValue.of(1));
        assertThat(acl.lookup(LookupKey.of("user@some.com"))).isEmpty();
    }

    @Test
    void readmeCaptureExample() throws Exception {
        RegexpLookup q = table("[ qr'^(.*)@example\\.com$'i => 'virus-${1}@example.com' ],"
                + " [ qr'^(.*)(@[^@]*)?$'i => 'virus-${1}${2}' ]");
        assertThat(q.lookup(LookupKey.of("John@Example.COM"))).contains(PerlValue.of("virus-John@example.com"));
        // (.*) is greedy, so group 2 never participates and ${2} is empty
        assertThat(q.lookup(LookupKey.of("joe@other.org"))).contains(PerlValue.of("virus-joe@other.org"));
        assertThat(q.lookup(LookupKey.of("local"))).contains(PerlValue.of("virus-local"));
    }

    @Test
    void fullAddressUnmodifiedAndUndefMeansNoOpinion() throws Exception {
        RegexpLookup t = table("[ qr'^Boss\\+tag@' => undef ], [ qr'^boss\\+tag@' => 'lower' ], 'x$'");
        assertThat(t.lookup(new LookupKey("Boss+tag@Example.com", "+", false)))
                .as("undef stops the table")
                .isEmpty();
        assertThat(t.lookup(new LookupKey("boss+tag@Example.com", "+", false))).contains(PerlValue.of("lower"));
        assertThat(t.lookup("box")).as("a string pattern").contains(PerlValue.of(1));
        assertThat(table("[qr/b/ => 'x$1y']").lookup("abc"))
                .as("no groups: @rhs is (1)")
                .contains(PerlValue.of("x1y"));
    }

    @Test
    void bannedNamesTryEveryKeyPerEntry() throws Exception {
        RegexpLookup t = table("[qr'^\\.exe$' => 'type'], [qr'\\.exe$'i => 'name']");
        assertThat(t.lookupAnyOf(List.of("invoice.pdf.exe", ".exe"))).contains(PerlValue.of("type"));
    }
}
