package org.amavisd.smtp.server;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.mail.HeaderSummary;
import org.amavisd.core.mail.LogId;
import org.amavisd.core.mail.MailId;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.mail.SessionInfo;
import org.amavisd.core.smtp.ReplyFolding;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.smtp.io.ReplyWriter;
import org.amavisd.smtp.io.SmtpInput;
import org.amavisd.smtp.server.command.CommandHandler;
import org.amavisd.smtp.server.command.CommandRegistry;
import org.amavisd.smtp.server.command.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One SMTP/LMTP connection from the front MTA: reads commands, lets the handlers decide, writes
 * their replies (flushing only when no pipelined input waits), spools DATA and hands the
 * message to the processor. Everything about the socket lives here and nowhere else.
 */
public final class SmtpSession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
    private static final int MAX_ERRORS = 20;

    private final Socket socket;
    private final SessionSettings settings;
    private final ShutdownSignal shutdown;
    private volatile boolean idle = true;

    /** Lets the server ask a session to finish: idle sessions are closed, busy ones finish their message first. */
    public interface ShutdownSignal {
        boolean isShuttingDown();
    }

    public SmtpSession(Socket socket, SessionSettings settings, ShutdownSignal shutdown) {
        this.socket = socket;
        this.settings = settings;
        this.shutdown = shutdown;
    }

    /** True while waiting for a command outside any transaction: safe to close for a shutdown. */
    public boolean isIdle() {
        return idle;
    }

    /** Ends an idle session's wait for a command; it then says 421 and closes. */
    public void interruptIdle() {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            log.debug("shutdownInput: {}", e.toString());
        }
    }

    @Override
    public void run() {
        String peer = socket.getInetAddress().getHostAddress();
        SessionState state = new SessionState(
                settings, peer, socket.getPort(), socket.getLocalAddress().getHostAddress(), socket.getLocalPort());
        try (socket) {
            socket.setSoTimeout(
                    (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
            socket.setTcpNoDelay(true);
            SmtpInput in = new SmtpInput(socket.getInputStream());
            ReplyWriter out = new ReplyWriter(socket.getOutputStream());
            out.send(SmtpReply.of(220, "", "[" + state.localAddress() + "] ESMTP amavisd service ready"));
            converse(state, in, out);
        } catch (IOException e) {
            log.info("connection from [{}]:{} ended: {}", peer, socket.getPort(), e.toString());
        } catch (RuntimeException e) {
            log.error("session with [{}]:{} failed", peer, socket.getPort(), e);
        }
    }

    private void converse(SessionState state, SmtpInput in, ReplyWriter out) throws IOException {
        int errors = 0;
        while (true) {
            if (shutdown.isShuttingDown() && !state.inTransaction()) {
                out.send(SmtpReply.of(421, "4.3.2", "Service shutting down, closing channel"));
                return;
            }
            idle = !state.inTransaction();
            SmtpInput.CommandLine line;
            try {
                line = in.readLine(SessionSettings.MAX_COMMAND_LINE);
            } catch (SocketTimeoutException e) {
                log.info("[{}]: timeout waiting for a command", state.peerAddress());
                out.send(SmtpReply.of(421, "4.4.2", settings.hostname() + " Error: timeout exceeded"));
                return;
            } finally {
                idle = false;
            }
            if (line == null) {
                if (shutdown.isShuttingDown()) {
                    out.send(SmtpReply.of(421, "4.3.2", "Service shutting down, closing channel"));
                }
                return; // client went away
            }
            Response response = execute(state, line);
            if (response.reply().code() >= 500) errors++;
            if (errors > MAX_ERRORS) {
                out.send(SmtpReply.of(421, "4.7.0", settings.hostname() + " Error: too many errors"));
                return;
            }
            if (response instanceof Response.Close) {
                out.send(response.reply());
                return;
            }
            if (response instanceof Response.StartData) {
                out.send(response.reply());
                for (SmtpReply r : receiveMessage(state, in)) out.queue(r);
            } else {
                out.queue(response.reply());
            }
            if (!in.hasPendingInput()) out.flush();
        }
    }

    private Response execute(SessionState state, SmtpInput.CommandLine line) {
        if (line.tooLong()) return Response.reply(500, "5.5.2", "Error: line too long");
        if (line.hasNul()) return Response.reply(500, "5.5.2", "Error: NUL character in command");
        if (line.bareLf()) return Response.reply(500, "5.5.2", "Error: bare <LF> received, use <CR><LF>");
        String text = decode(line.bytes());
        int sp = text.indexOf(' ');
        String verb = sp < 0 ? text : text.substring(0, sp);
        String args = sp < 0 ? "" : text.substring(sp + 1);
        CommandHandler handler = CommandRegistry.lookup(verb);
        if (handler == null) {
            log.debug("[{}]: unknown command: {}", state.peerAddress(), text);
            return Response.reply(500, "5.5.2", "Error: command not recognized");
        }
        return handler.handle(state, args);
    }

    /** Command text as UTF-8 (SMTPUTF8), falling back to Latin-1 so no byte is lost. */
    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** DATA: spool, process, and return the replies for the front MTA. */
    private List<SmtpReply> receiveMessage(SessionState state, SmtpInput in) throws IOException {
        long start = System.nanoTime();
        Instant receivedAt = Instant.now();
        MailId mailId = MailId.generate();
        String logId = LogId.next();
        MDC.put("logid", logId);
        try {
            SpoolDirectory spool;
            try {
                spool = SpoolDirectory.create(settings.tempBase(), logId);
            } catch (IOException e) {
                log.error("cannot create a temporary directory under {}: {}", settings.tempBase(), e.toString());
                in.readData(java.io.OutputStream.nullOutputStream(), 0); // stay in step with the client
                return failAll(
                        state, SmtpReply.of(451, "4.3.0", "id=" + logId + " - Error in creating temporary storage"));
            }
            SpoolDirectory.Received received;
            try {
                received = spool.receive(
                        in, settings.messageSizeLimit() > 0 ? settings.messageSizeLimit() : Long.MAX_VALUE);
            } catch (IOException e) { // the connection, not the disk: no reply can be given
                spool.delete();
                throw e;
            }
            SmtpInput.DataResult data = received.data();
            if (!data.complete()) {
                spool.delete();
                throw new IOException("connection lost during DATA after " + data.size() + " bytes");
            }
            if (data.overLimit()) {
                spool.delete();
                log.info("rejected: message size {} B exceeds limit {} B", data.size(), settings.messageSizeLimit());
                return failAll(
                        state, SmtpReply.of(552, "5.3.4", "Message size (" + data.size() + " B) exceeds size limit"));
            }
            if (received.writeError() != null) {
                spool.preserveOrDelete(false, received.writeError());
                log.error(
                        "cannot write message to {}: {}",
                        spool.messageFile(),
                        received.writeError().toString());
                return failAll(
                        state,
                        SmtpReply.of(
                                451,
                                "4.3.0",
                                "id=" + logId + " - Error writing message to temporary storage: "
                                        + received.writeError().getMessage()));
            }
            SessionInfo info = new SessionInfo(
                    state.peerAddress(),
                    state.peerPort(),
                    state.localAddress(),
                    state.localPort(),
                    state.helo(),
                    state.protocol());
            MessageContext message = new MessageContext(
                    mailId,
                    logId,
                    info,
                    state.xforward().copy(),
                    state.sender(),
                    state.params(),
                    state.recipients(),
                    spool.directory(),
                    spool.messageFile(),
                    data.size(),
                    receivedAt,
                    start);
            return process(state, message, spool);
        } finally {
            state.endTransaction();
            MDC.remove("logid");
        }
    }

    private List<SmtpReply> process(SessionState state, MessageContext message, SpoolDirectory spool) {
        Throwable failure = null;
        try {
            message.setHeaders(HeaderSummary.read(message.messageFile()));
            settings.processor().process(message);
        } catch (Exception | Error e) {
            failure = e;
            log.error("processing failed", e);
        }
        for (Recipient r : message.recipients()) {
            if (!r.isDone()) {
                String why = failure == null ? "not settled" : failure.toString();
                r.doneByFilter(SmtpReply.of(451, "4.5.0", "Error in processing, id=" + message.logId() + ", " + why));
            }
        }
        List<SmtpReply> replies = new ArrayList<>();
        if (state.isLmtp()) {
            for (Recipient r : message.recipients())
                replies.add(ReplyFolding.forRecipient(r, message.logId(), message.rejectionsReported()));
        } else {
            replies.add(ReplyFolding.oneForAll(message.recipients(), message.logId(), message.rejectionsReported()));
        }
        try {
            settings.listener().messageDone(message, replies, failure);
        } catch (RuntimeException e) {
            log.error("message listener failed", e);
        }
        spool.preserveOrDelete(settings.preserveEvidence(), failure);
        return replies;
    }

    /** The same reply for every recipient: one under SMTP, one per recipient under LMTP. */
    private static List<SmtpReply> failAll(SessionState state, SmtpReply reply) {
        if (!state.isLmtp()) return List.of(reply);
        List<SmtpReply> out = new ArrayList<>();
        for (int i = 0; i < state.recipients().size(); i++) out.add(reply);
        return out;
    }
}
