package org.amavisd.scanners.spam;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes a channel when its time is up, so a blocked connect, write or read ends with an
 * exception however the peer behaves (one that never reads, never answers, or drips bytes).
 */
final class Watchdog implements AutoCloseable {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Closeable target;
    private volatile boolean fired;
    private ScheduledFuture<?> pending;

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "spam-scanner-watchdog");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    Watchdog(Closeable target) {
        this.target = target;
    }

    /** (Re)arms: the target is closed after {@code d} unless rearmed or closed first. */
    synchronized void arm(Duration d) {
        if (pending != null) pending.cancel(false);
        pending = TIMER.schedule(this::fire, Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        fired = true;
        try {
            target.close();
        } catch (IOException ignored) {
            // closing is all we can do
        }
    }

    /** Whether the time ran out (and the target was closed because of it). */
    boolean fired() {
        return fired;
    }

    @Override
    public synchronized void close() {
        if (pending != null) pending.cancel(false);
    }
}
