package org.amavisd.smtp.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.amavisd.core.pipeline.MessageListener;
import org.amavisd.core.pipeline.MessageProcessor;

/**
 * What one SMTP/LMTP session needs, taken from the configuration current when the connection
 * was accepted (a reload affects the next connection, never one in progress).
 *
 * @param hostname our name in the greeting and replies ($myhostname)
 * @param messageSizeLimit bytes, 0 = no limit ($smtpd_message_size_limit)
 * @param recipientLimit RCPTs accepted per transaction ($smtpd_recipient_limit)
 * @param timeout idle time allowed while waiting for the client ($smtpd_timeout)
 * @param tempBase where per-message directories are made ($TEMPBASE)
 * @param listener told about each finished message (log line, statistics)
 * @param preserveEvidence keep the temp directory after an internal failure ($allow_preserving_evidence)
 */
public record SessionSettings(
        String hostname,
        long messageSizeLimit,
        int recipientLimit,
        Duration timeout,
        Path tempBase,
        boolean preserveEvidence,
        MessageProcessor processor,
        MessageListener listener) {
    public static final int MAX_COMMAND_LINE = 2048;

    public SessionSettings {
        Objects.requireNonNull(hostname);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(tempBase);
        Objects.requireNonNull(processor);
        listener = listener == null ? MessageListener.NONE : listener;
        if (recipientLimit < 1) throw new IllegalArgumentException("recipient limit must be positive");
    }
}
