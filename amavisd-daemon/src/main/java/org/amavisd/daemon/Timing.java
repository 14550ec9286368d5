package org.amavisd.daemon;

import java.util.LinkedHashMap;
import java.util.Map;
import org.amavisd.core.mail.MessageContext;

/**
 * Where one message's time went, stage by stage, for the TIMING line amavisd-new writes at log
 * level 2 ("TIMING [total 76 ms] - decode: 9, virus: 12, spam: 40, relay: 8") and for the
 * benchmark's split per stage.
 */
final class Timing {
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    /** The message's timing record, created on first use. */
    static Timing of(MessageContext msg) {
        synchronized (msg) {
            return msg.attachment(Timing.class).orElseGet(() -> {
                Timing t = new Timing();
                msg.attach(Timing.class, t);
                return t;
            });
        }
    }

    /** Adds the time since {@code startNanos} (a System.nanoTime() reading) to {@code stage}. */
    synchronized void since(String stage, long startNanos) {
        nanos.merge(stage, System.nanoTime() - startNanos, Long::sum);
    }

    synchronized String line(long totalMillis) {
        StringBuilder sb =
                new StringBuilder("TIMING [total ").append(totalMillis).append(" ms]");
        String sep = " - ";
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            sb.append(sep).append(e.getKey()).append(": ");
            sb.append(String.format(java.util.Locale.ROOT, "%.1f", e.getValue() / 1e6));
            sep = ", ";
        }
        return sb.toString();
    }
}
