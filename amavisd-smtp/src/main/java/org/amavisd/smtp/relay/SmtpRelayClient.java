package org.amavisd.smtp.relay;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.amavisd.core.mail.HeaderEdits;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.mail.XForward;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.smtp.protocol.Xtext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a spooled message to the back-end MTA over SMTP or LMTP, and settles each recipient
 * with the MTA's own answer ("250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued
 * as X"). Uses PIPELINING for MAIL and RCPT when offered, passes XFORWARD and the DSN
 * parameters on when offered, and turns any failure to reach the MTA into a tempfail.
 */
public final class SmtpRelayClient {
    private static final Logger log = LoggerFactory.getLogger(SmtpRelayClient.class);
    private static final int MAX_XFORWARD_LINE = 500;

    /**
     * The time each phase of a relay may take: to connect; for the greeting and each command's
     * reply (EHLO, XFORWARD, MAIL, RCPT, DATA, RSET); for each block of the message data to be
     * taken by the MTA (no progress for that long ends the transfer); and for the reply after the
     * final dot, when the MTA may be checking the message. The defaults are the values
     * amavisd-new has built in (35 s, 300 s, 180 s, 600 s), which are RFC 5321 4.5.3.2's minimums.
     */
    public record Timeouts(Duration connect, Duration command, Duration dataXfer, Duration dataDone) {
        public static final Timeouts DEFAULT = new Timeouts(
                Duration.ofSeconds(35), Duration.ofSeconds(300), Duration.ofSeconds(180), Duration.ofSeconds(600));

        public Timeouts {
            for (Duration d : new Duration[] {connect, command, dataXfer, dataDone}) {
                if (d == null || d.isNegative() || d.isZero())
                    throw new IllegalArgumentException("relay timeouts must be positive: " + d);
            }
        }
    }

    /** How long a QUIT may wait for its reply: nothing depends on it (amavisd-new's value). */
    private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(10);

    /** How long an idle back-end connection is kept for the worker's next message. */
    static final Duration MAX_IDLE = Duration.ofSeconds(60);

    private record Cached(ForwardMethod method, SmtpClientConnection conn, long lastUsed) {}

    private final String heloName;
    private final Timeouts timeouts;
    private final boolean connectionCache;
    // one connection per worker thread, as amavisd-new keeps one per child ($smtp_connection_cache_enable)
    private final ThreadLocal<Cached> cache = new ThreadLocal<>();

    public SmtpRelayClient(String heloName, Timeouts timeouts) {
        this(heloName, timeouts, true);
    }

    /** @param connectionCache keep the back-end connection for the next message (RSET between messages) */
    public SmtpRelayClient(String heloName, Timeouts timeouts, boolean connectionCache) {
        this.heloName = heloName;
        this.timeouts = timeouts;
        this.connectionCache = connectionCache;
    }

    /**
     * Sends the message to {@code recipients} (a subset of the message's, all not yet done).
     *
     * @param headerPrefix header lines (CRLF-terminated) to put in front of the message
     */
    public void relay(ForwardMethod method, MessageContext msg, List<Recipient> recipients, byte[] headerPrefix) {
        relay(method, msg, recipients, headerPrefix, HeaderEdits.NONE);
    }

    /**
     * Sends the message to {@code recipients} with {@code edits} applied: the added fields, then
     * {@code headerPrefix} (our Received field), then the original with its own edits.
     */
    public void relay(
            ForwardMethod method,
            MessageContext msg,
            List<Recipient> recipients,
            byte[] headerPrefix,
            HeaderEdits edits) {
        ForwardMethod fm =
                method.resolve(msg.session().peerAddress(), msg.session().localPort());
        String mtaId = fm.toString();
        String stage = "fwd-connect";
        SmtpClientConnection conn = null;
        boolean keep = false;
        try {
            conn = reuse(fm);
            if (conn == null) {
                conn = SmtpClientConnection.connect(fm.host(), fm.port(), timeouts.connect());
                conn.timeout(timeouts.command());
                SmtpReply greeting = conn.readReply();
                if (greeting.code()
                        != 220) { // even a 5xx greeting is a tempfail: a misconfigured back end must not bounce mail
                    throw new IOException("negative greeting: " + greeting);
                }
                stage = "fwd-ehlo";
                if (!greet(conn, fm.isLmtp())) {
                    throw new IOException("MTA refused EHLO/LHLO and HELO");
                }
            }
            List<Recipient> pending = new ArrayList<>(recipients);
            if (!checkCapabilities(conn, msg, pending, mtaId)) {
                quit(conn);
                return;
            }
            stage = "fwd-xforward";
            if (conn.supports("XFORWARD")) sendXforward(conn, msg.xforward());
            stage = "fwd-mail-from";
            List<Recipient> accepted = envelope(conn, msg, pending, headerPrefix.length + edits.sizeDelta(), mtaId);
            if (accepted.isEmpty()) {
                quit(conn);
                return;
            }
            stage = "fwd-data-cmd";
            SmtpReply data = conn.command("DATA");
            if (data.code() != 354) {
                settle(accepted, data, mtaId, "5.5.0", "DATA");
                quit(conn);
                return;
            }
            stage = "fwd-data-contents";
            conn.timeout(timeouts.dataXfer());
            sendContents(conn, msg, headerPrefix, edits);
            stage = "fwd-data-end";
            conn.timeout(timeouts.dataDone());
            if (fm.isLmtp()) {
                for (Recipient r : accepted) settleOne(r, conn.readReply(), mtaId);
            } else {
                SmtpReply end = conn.readReply();
                for (Recipient r : accepted) settleOne(r, end, mtaId);
            }
            keep = true; // a clean end: the connection can carry the next message
        } catch (IOException | RuntimeException e) {
            String detail = e instanceof SocketTimeoutException
                    ? timedOut(stage, conn == null)
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            log.info("relaying to {} failed during {}: {}", mtaId, stage, detail);
            SmtpReply tempfail = SmtpReply.of(
                    451,
                    "4.5.0",
                    "id=" + msg.logId() + " - Temporary MTA failure on relaying, From MTA(" + mtaId + ") during "
                            + stage + ": " + SmtpClientConnection.abbreviate(detail));
            for (Recipient r : recipients) {
                if (!r.isDone()) r.doneByFilter(tempfail);
            }
        } finally {
            if (conn != null) {
                if (keep && connectionCache) {
                    cache.set(new Cached(fm, conn, System.nanoTime()));
                } else if (keep) {
                    quit(conn);
                    conn.close();
                } else {
                    conn.close();
                }
            }
        }
    }

    /** This worker's connection from the previous message, if it goes to the same place and still answers RSET. */
    private SmtpClientConnection reuse(ForwardMethod fm) {
        Cached c = cache.get();
        cache.remove();
        if (c == null) return null;
        if (!c.method().equals(fm) || System.nanoTime() - c.lastUsed() > MAX_IDLE.toNanos()) {
            quit(c.conn());
            c.conn().close();
            return null;
        }
        try {
            c.conn().timeout(timeouts.command());
            if (c.conn().command("RSET").code() == 250) return c.conn();
        } catch (IOException e) {
            log.debug("cached connection to {} is gone: {}", fm, e.toString());
        }
        c.conn().close();
        return null;
    }

    private boolean greet(SmtpClientConnection conn, boolean lmtp) throws IOException {
        SmtpReply ehlo = conn.command((lmtp ? "LHLO " : "EHLO ") + heloName);
        if (ehlo.code() == 250) {
            conn.parseExtensions(ehlo);
            return true;
        }
        if (lmtp) return false;
        return conn.command("HELO " + heloName).code() == 250;
    }

    /**
     * Settles up front the recipients the MTA cannot take as the message needs: 8-bit content
     * without 8BITMIME, non-ASCII addresses without SMTPUTF8 (amavisd-new's replies). False when
     * nobody is left to send to.
     */
    private boolean checkCapabilities(
            SmtpClientConnection conn, MessageContext msg, List<Recipient> pending, String mtaId) {
        if (msg.params().is8bit() && !conn.supports("8BITMIME")) {
            log.warn("BODY=8BITMIME but MTA({}) does not announce 8BITMIME", mtaId);
            pending.forEach(r ->
                    r.doneByMta(SmtpReply.of(550, "5.6.3", "Conversion to 7BIT required but not supported"), null));
            return false;
        }
        if (msg.params().smtputf8() && !conn.supports("SMTPUTF8")) {
            if (msg.sender().isInternational()) {
                pending.forEach(r -> r.doneByMta(
                        SmtpReply.of(550, "5.6.7", "Non-ASCII addresses not permitted for that sender"), null));
                return false;
            }
            pending.removeIf(r -> {
                if (!r.relayAddress().isInternational()) return false;
                r.doneByMta(SmtpReply.of(553, "5.6.7", "Non-ASCII addresses not permitted for that recipient"), null);
                return true;
            });
        }
        return !pending.isEmpty();
    }

    /** XFORWARD with the attributes the MTA listed, values neutered and xtext-encoded as Postfix expects. */
    private static void sendXforward(SmtpClientConnection conn, XForward xf) throws IOException {
        Set<String> offered =
                Set.of(conn.extensionParams("XFORWARD").toUpperCase().split("\\s+"));
        StringBuilder line = new StringBuilder("XFORWARD");
        List<String> commands = new ArrayList<>();
        for (Map.Entry<String, String> e : xf.asMap().entrySet()) {
            if (!offered.contains(e.getKey())
                    || e.getValue() == null
                    || e.getValue().isEmpty()) continue;
            String v = e.getValue();
            if (!v.startsWith("[UNAVAILABLE]") && !v.startsWith("[TEMPUNAVAIL]")) {
                v = Xtext.encode(v.replaceAll("[^\\x21-\\x7e]|[<>()\\\\\";@]", "?"));
            }
            if (v.length() > 255) v = v.substring(0, 255);
            String item = " " + e.getKey() + "=" + v;
            if (line.length() + item.length() > MAX_XFORWARD_LINE && line.length() > 8) {
                commands.add(line.toString());
                line = new StringBuilder("XFORWARD");
            }
            line.append(item);
        }
        if (line.length() > 8) commands.add(line.toString());
        for (String c : commands) {
            SmtpReply r = conn.command(c);
            if (!r.isPositive()) log.info("negative reply to XFORWARD: {}", r);
        }
    }

    /** MAIL FROM and the RCPTs (pipelined when offered); returns the recipients the MTA accepted. */
    private List<Recipient> envelope(
            SmtpClientConnection conn, MessageContext msg, List<Recipient> pending, long prefixLength, String mtaId)
            throws IOException {
        boolean dsn = conn.supports("DSN");
        StringBuilder mail = new StringBuilder("MAIL FROM:").append(msg.sender().bracketed());
        if (conn.supports("SIZE")) mail.append(" SIZE=").append(msg.size() + prefixLength);
        if (msg.params().body() != null && conn.supports("8BITMIME"))
            mail.append(" BODY=").append(msg.params().body());
        if (msg.params().smtputf8() && conn.supports("SMTPUTF8")) mail.append(" SMTPUTF8");
        if (dsn && msg.params().ret() != null)
            mail.append(" RET=").append(msg.params().ret());
        if (dsn && msg.params().envid() != null)
            mail.append(" ENVID=").append(msg.params().envid());
        boolean pipelining = conn.supports("PIPELINING");
        conn.send(mail.toString());
        if (!pipelining) conn.flush();
        SmtpReply mailReply = pipelining ? null : conn.readReply();
        if (mailReply != null && !mailReply.isPositive()) {
            settle(pending, mailReply, mtaId, "5.1.0", "MAIL FROM");
            return List.of();
        }
        List<SmtpReply> rcptReplies = new ArrayList<>();
        for (Recipient r : pending) {
            StringBuilder rcpt =
                    new StringBuilder("RCPT TO:").append(r.relayAddress().bracketed());
            if (dsn && r.dsnNotify() != null) rcpt.append(" NOTIFY=").append(r.dsnNotify());
            if (dsn && r.orcpt() != null) {
                rcpt.append(" ORCPT=").append(r.orcpt());
            } else if (dsn && !r.relayAddress().equals(r.address())) {
                // the address was changed (an address extension): the original goes along as ORCPT, as amavisd-new
                // sends it
                rcpt.append(" ORCPT=rfc822;")
                        .append(org.amavisd.smtp.protocol.Xtext.encode(
                                r.address().address()));
            }
            conn.send(rcpt.toString());
            if (!pipelining) {
                conn.flush();
                rcptReplies.add(conn.readReply());
            }
        }
        if (pipelining) {
            conn.flush();
            mailReply = conn.readReply();
            for (int i = 0; i < pending.size(); i++) rcptReplies.add(conn.readReply());
            if (!mailReply.isPositive()) {
                settle(pending, mailReply, mtaId, "5.1.0", "MAIL FROM");
                return List.of();
            }
        }
        List<Recipient> accepted = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            SmtpReply reply = rcptReplies.get(i);
            if (reply.isPositive()) {
                accepted.add(pending.get(i));
            } else {
                pending.get(i).doneByMta(fromMta(reply, mtaId, "5.1.0"), reply.toString());
            }
        }
        return accepted;
    }

    private static void sendContents(
            SmtpClientConnection conn, MessageContext msg, byte[] headerPrefix, HeaderEdits edits) throws IOException {
        DotStuffingOutputStream data = new DotStuffingOutputStream(conn.dataStream());
        edits.write(headerPrefix, msg.messageFile(), data);
        data.finish();
    }

    /** Which wait ran out, in words a sysadmin can match to its setting. */
    private String timedOut(String stage, boolean connecting) {
        if (connecting) return "cannot connect within " + seconds(timeouts.connect()) + " s";
        return switch (stage) {
            case "fwd-data-contents" -> "no progress sending the message for " + seconds(timeouts.dataXfer()) + " s";
            case "fwd-data-end" -> "no reply after the end of data within " + seconds(timeouts.dataDone()) + " s";
            default -> "no reply within " + seconds(timeouts.command()) + " s";
        };
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    private static void quit(SmtpClientConnection conn) {
        try {
            conn.timeout(QUIT_TIMEOUT);
            conn.command("QUIT");
        } catch (IOException e) {
            log.debug("QUIT: {}", e.toString());
        }
    }

    private static void settleOne(Recipient r, SmtpReply reply, String mtaId) {
        r.doneByMta(fromMta(reply, mtaId, "2.0.0"), reply.toString());
    }

    private static void settle(List<Recipient> rs, SmtpReply reply, String mtaId, String dflt, String what) {
        log.info("MTA({}) answered {}: {}", mtaId, what, reply);
        SmtpReply r = fromMta(reply, mtaId, dflt);
        for (Recipient rcpt : rs) rcpt.doneByMta(r, reply.toString());
    }

    /**
     * The MTA's reply quoted inside ours, keeping its code, with an enhanced code added where the
     * MTA gave none: "550 5.1.1 from MTA(smtp:[127.0.0.1]:10025): 550 5.1.1 &lt;x&gt;: rejected".
     */
    static SmtpReply fromMta(SmtpReply reply, String mtaId, String defaultEnhanced) {
        String enhanced = reply.enhanced();
        if (enhanced.isEmpty()) enhanced = (reply.code() / 100) + defaultEnhanced.substring(1);
        return SmtpReply.of(reply.code(), enhanced, "from MTA(" + mtaId + "): " + reply);
    }
}
