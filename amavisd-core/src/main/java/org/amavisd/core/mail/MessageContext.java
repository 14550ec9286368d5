package org.amavisd.core.mail;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One message in flight: the envelope, where the spooled copy lives, and what the pipeline
 * learns about it. Created by the SMTP/LMTP session when DATA completes, handed to the
 * {@link org.amavisd.core.pipeline.MessageProcessor}, and discarded with its temp directory
 * after the reply to the front MTA.
 */
public final class MessageContext {
    private final MailId mailId;
    private final String logId;
    private final SessionInfo session;
    private final XForward xforward;
    private final EmailAddress sender;
    private final MailParams params;
    private final List<Recipient> recipients;
    private final Path tempDir;
    private final Path messageFile;
    private final long size;
    private final Instant receivedAt;
    private final long startNanos;
    private final List<String> policyBanks = new ArrayList<>();
    private HeaderSummary headers = HeaderSummary.EMPTY;
    private boolean originating;
    private volatile boolean rejectionsReported;
    private final java.util.Map<Class<?>, Object> attachments = new java.util.concurrent.ConcurrentHashMap<>();

    public MessageContext(
            MailId mailId,
            String logId,
            SessionInfo session,
            XForward xforward,
            EmailAddress sender,
            MailParams params,
            List<Recipient> recipients,
            Path tempDir,
            Path messageFile,
            long size,
            Instant receivedAt,
            long startNanos) {
        this.mailId = Objects.requireNonNull(mailId);
        this.logId = Objects.requireNonNull(logId);
        this.session = Objects.requireNonNull(session);
        this.xforward = xforward == null ? new XForward() : xforward;
        this.sender = Objects.requireNonNull(sender);
        this.params = params == null ? MailParams.NONE : params;
        this.recipients = List.copyOf(recipients);
        this.tempDir = tempDir;
        this.messageFile = messageFile;
        this.size = size;
        this.receivedAt = receivedAt;
        this.startNanos = startNanos;
    }

    public MailId mailId() {
        return mailId;
    }

    public String logId() {
        return logId;
    }

    public SessionInfo session() {
        return session;
    }

    public XForward xforward() {
        return xforward;
    }

    public EmailAddress sender() {
        return sender;
    }

    public MailParams params() {
        return params;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    public Path tempDir() {
        return tempDir;
    }

    /** The message as received (dot-unstuffed, CRLF line ends). */
    public Path messageFile() {
        return messageFile;
    }

    public long size() {
        return size;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The original client's address: XFORWARD ADDR when given, else the connecting peer. */
    public String clientAddress() {
        String a = xforward.known("ADDR");
        return a != null ? a : session.peerAddress();
    }

    public HeaderSummary headers() {
        return headers;
    }

    public void setHeaders(HeaderSummary headers) {
        this.headers = Objects.requireNonNull(headers);
    }

    public List<String> policyBanks() {
        return Collections.unmodifiableList(policyBanks);
    }

    public void addPolicyBank(String name) {
        policyBanks.add(name);
    }

    /**
     * The recipients the back end rejected have been reported to the sender (a DSN was sent, or
     * none was due): under SMTP the message can then be answered 250, as amavisd-new answers it.
     */
    public boolean rejectionsReported() {
        return rejectionsReported;
    }

    public void setRejectionsReported(boolean reported) {
        this.rejectionsReported = reported;
    }

    /** Mail from our own users (the originating flag of the policy bank in force). */
    public boolean originating() {
        return originating;
    }

    public void setOriginating(boolean originating) {
        this.originating = originating;
    }

    /**
     * Typed data a later stage needs from an earlier one (the resolved policy bank, decoded parts),
     * kept here so that core need not know the modules that define it.
     */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, type.cast(value));
    }

    public <T> java.util.Optional<T> attachment(Class<T> type) {
        return java.util.Optional.ofNullable(type.cast(attachments.get(type)));
    }

    /** True when the message needs 8-bit transport: BODY=8BITMIME or SMTPUTF8 addresses. */
    public boolean needsSmtputf8() {
        if (params.smtputf8() || sender.isInternational()) return true;
        return recipients.stream().anyMatch(r -> r.address().isInternational());
    }
}
