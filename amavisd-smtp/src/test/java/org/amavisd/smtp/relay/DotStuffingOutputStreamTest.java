package org.amavisd.smtp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotStuffingOutputStreamTest {
    private static String stuffed(String message, boolean byteByByte) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte x : b) out.write(x);
        } else {
            out.write(b, 0, b.length);
        }
        out.finish();
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void doublesALeadingDotOnEveryLineAndEndsWithCrlfDotCrlf() throws IOException {
        for (boolean oneByOne : new boolean[] {false, true}) {
            assertThat(stuffed(".a\r\nb\r\n.\r\n..c\r\nd.e", oneByOne))
                    .isEqualTo("..a\r\nb\r\n..\r\n...c\r\nd.e\r\n.\r\n");
        }
    }

    @Test
    void doublesADotAfterABareCrSoNoBackEndSeesAnEndOfData() throws IOException {
        for (boolean oneByOne : new boolean[] {false, true}) {
            assertThat(stuffed("a\r.\r\nb\r.\rc\r\n", oneByOne)).isEqualTo("a\r..\r\nb\r..\rc\r\n.\r\n");
        }
    }
}
