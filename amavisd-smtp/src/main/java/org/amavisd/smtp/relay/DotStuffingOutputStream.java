package org.amavisd.smtp.relay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message bytes as SMTP DATA: a '.' doubled at the start of every line, and on
 * {@link #finish()} a CRLF if the message did not end with one, then ".CRLF".
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
        atLineStart = b == '\n';
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
            atLineStart = b[i] == '\n';
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
