package org.amavisd.core.mail;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The short id that ties a message's log lines and replies together, "PID-NN" as amavisd-new
 * writes it: the daemon's process id and a per-daemon message counter.
 */
public final class LogId {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();

    private LogId() {}

    public static String next() {
        return String.format("%d-%02d", PID, COUNTER.incrementAndGet());
    }
}
