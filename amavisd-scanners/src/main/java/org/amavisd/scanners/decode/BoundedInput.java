package org.amavisd.scanners.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** At most {@code left} bytes of a stream, for one member of a container; closing it leaves the stream open. */
final class BoundedInput extends FilterInputStream {
    private long left;

    BoundedInput(InputStream in, long left) {
        super(in);
        this.left = left;
    }

    @Override
    public int read() throws IOException {
        if (left <= 0) return -1;
        int c = in.read();
        if (c >= 0) left--;
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) return -1;
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) left -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(Math.min(Math.max(n, 0), left));
        if (s > 0) left -= s;
        return s;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), left);
    }

    /** The bytes still to be read. */
    long left() {
        return left;
    }

    @Override
    public void close() {}
}
