package org.amavisd.smtp.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathArgumentTest {
    @Test
    void parsesAddressAndParameters() throws Exception {
        PathArgument p = PathArgument.parse("<a@b.example> SIZE=100 body=8BITMIME SMTPUTF8");
        assertThat(p.address()).isEqualTo("a@b.example");
        assertThat(p.params())
                .containsEntry("SIZE", "100")
                .containsEntry("BODY", "8BITMIME")
                .containsEntry("SMTPUTF8", null);
    }

    @Test
    void acceptsNullSenderSourceRouteQuotedLocalPartAndNoBrackets() throws Exception {
        assertThat(PathArgument.parse("<>").address()).isEmpty();
        assertThat(PathArgument.parse(" <@r1,@r2:u@d>").address()).isEqualTo("u@d");
        assertThat(PathArgument.parse("<\"odd > local\"@d>").address()).isEqualTo("\"odd > local\"@d");
        assertThat(PathArgument.parse("u@d SIZE=5").address()).isEqualTo("u@d");
    }

    @Test
    void rejectsMalformedPaths() {
        assertThatThrownBy(() -> PathArgument.parse("<a@b")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> PathArgument.parse("<a@b>x")).hasMessageContaining("garbage");
        assertThatThrownBy(() -> PathArgument.parse("<a@b> SIZE=1 SIZE=2")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> PathArgument.parse("")).hasMessageContaining("missing");
    }
}
