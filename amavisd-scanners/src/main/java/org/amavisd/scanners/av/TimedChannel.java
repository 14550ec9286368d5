package org.amavisd.scanners.av;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A non-blocking {@link SocketChannel} (TCP or Unix domain) with a timeout on connect, on every
 * read and on every write: a Unix-domain channel has no SO_TIMEOUT, so a selector waits instead.
 */
final class TimedChannel implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final long readTimeoutMs;
    private final SocketSpec spec;

    private TimedChannel(SocketSpec spec, SocketChannel channel, Selector selector, Duration readTimeout) {
        this.spec = spec;
        this.channel = channel;
        this.selector = selector;
        this.readTimeoutMs = Math.max(1, readTimeout.toMillis());
    }

    static TimedChannel connect(SocketSpec spec, Duration connectTimeout, Duration readTimeout) throws IOException {
        SocketChannel ch = spec.isUnix() ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector sel = null;
        try {
            ch.configureBlocking(false);
            sel = Selector.open();
            if (!ch.connect(spec.address())) {
                ch.register(sel, SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + connectTimeout.toNanos();
                while (!ch.finishConnect()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) throw new SocketTimeoutException("connect to " + spec + " timed out");
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
            }
            return new TimedChannel(spec, ch, sel, readTimeout);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) sel.close();
            if (e instanceof IOException io && !(io instanceof SocketTimeoutException))
                throw new IOException("cannot connect to " + spec + ": " + e.getMessage(), e);
            throw e;
        }
    }

    SocketSpec spec() {
        return spec;
    }

    /** Writes all of {@code buf}, waiting at most the read timeout whenever the peer does not take more. */
    void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.write(buf) == 0) await(SelectionKey.OP_WRITE, "write to");
        }
    }

    /** Reads what is there, waiting up to the read timeout for something; -1 at end of stream. */
    int read(ByteBuffer buf) throws IOException {
        int n = channel.read(buf);
        while (n == 0) {
            await(SelectionKey.OP_READ, "read from");
            n = channel.read(buf);
        }
        return n;
    }

    /** Reads what is there now without waiting; 0 when nothing is, -1 at end of stream. */
    int readNow(ByteBuffer buf) throws IOException {
        return channel.read(buf);
    }

    private void await(int op, String what) throws IOException {
        SelectionKey key = channel.register(selector, op);
        try {
            int ready = selector.select(readTimeoutMs);
            selector.selectedKeys().clear();
            if (ready == 0)
                throw new SocketTimeoutException(what + " " + spec + " timed out after " + readTimeoutMs + " ms");
        } finally {
            key.interestOps(0);
        }
    }

    /** Reads until the peer closes, at most {@code limit} bytes kept. */
    byte[] readToEnd(int limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(16384);
        while (true) {
            buf.clear();
            int n = read(buf);
            if (n < 0) return out.toByteArray();
            if (out.size() < limit) out.write(buf.array(), 0, Math.min(n, limit - out.size()));
        }
    }

    static EOFException eof(SocketSpec spec) {
        return new EOFException("clamd at " + spec + " closed the connection");
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            selector.close();
        }
    }
}
