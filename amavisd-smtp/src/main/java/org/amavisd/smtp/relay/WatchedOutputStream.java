package org.amavisd.smtp.relay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A socket's output with a time limit on each write. A blocking socket write has no timeout of
 * its own: a back end that stops reading would hold the worker for ever. When one write makes no
 * progress within the limit, the socket is closed and the write fails with a
 * {@link SocketTimeoutException}. One watchdog thread serves every connection; a write costs one
 * scheduled task (the writes come from a 64 KiB buffer, not byte by byte).
 */
final class WatchedOutputStream extends FilterOutputStream {
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final Socket socket;
    private volatile Duration limit = Duration.ZERO;
    private volatile boolean timedOut;

    WatchedOutputStream(OutputStream out, Socket socket) {
        super(out);
        this.socket = socket;
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "amavisd-relay-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** The time one write may take; zero or negative: no limit. */
    void limit(Duration d) {
        this.limit = d;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1); // not on any path of ours: the buffer above writes arrays
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Duration d = limit;
        if (d.isZero() || d.isNegative()) {
            out.write(b, off, len);
            return;
        }
        ScheduledFuture<?> alarm = WATCHDOG.schedule(this::expire, d.toMillis(), TimeUnit.MILLISECONDS);
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            if (timedOut) throw timeout(d);
            throw e;
        } finally {
            alarm.cancel(false);
        }
        if (timedOut) throw timeout(d);
    }

    private void expire() {
        timedOut = true;
        try {
            socket.close(); // the only way to end a blocked write
        } catch (IOException ignored) {
            // closed or closing anyway
        }
    }

    private static SocketTimeoutException timeout(Duration d) {
        return new SocketTimeoutException("no progress sending to the MTA for " + d.toMillis() + " ms");
    }
}
