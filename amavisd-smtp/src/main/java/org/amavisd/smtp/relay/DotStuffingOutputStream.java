package org.amavisd.smtp.relay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message bytes as SMTP DATA: a '.' doubled at the start of every line, and on
 * {@link #finish()} a CRLF if the message did not end with one, then ".CRLF".
 *
 * <p>A dot after a bare CR is doubled too: a back end that takes a bare CR for a line end must
 * not find an end of data (or a smuggled command) in the message. A strict back end then keeps
 * both dots of that (already malformed) line.
 */
final class DotStuffingOutputStream extends FilterOutputStream {
    private boolean atLineStart = true;
    private int last = -1;

    DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (atLineStart && b == '.') out.write('.');
        out.write(b);
        atLineStart = b == '\n' || b == '\r';
        last = b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (atLineStart && b[i] == '.') {
                out.write(b, start, i - start);
                out.write('.');
                start = i;
            }
            atLineStart = b[i] == '\n' || b[i] == '\r';
        }
        out.write(b, start, end - start);
        if (len > 0) last = b[end - 1];
    }

    void finish() throws IOException {
        if (last != -1 && last != '\n') out.write(new byte[] {'\r', '\n'});
        out.write(new byte[] {'.', '\r', '\n'});
        out.flush();
    }
}
