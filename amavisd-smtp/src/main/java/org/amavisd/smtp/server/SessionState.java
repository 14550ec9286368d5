package org.amavisd.smtp.server;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MailParams;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.mail.XForward;

/**
 * The protocol state of one session: greeting, XFORWARD attributes and the transaction being
 * built (MAIL, RCPTs). Command handlers read and change it; they never touch the socket.
 */
public final class SessionState {
    private final SessionSettings settings;
    private final String peerAddress;
    private final int peerPort;
    private final String localAddress;
    private final int localPort;
    private String helo;
    private String protocol; // null until greeted: SMTP, ESMTP or LMTP
    private final XForward xforward = new XForward();
    private EmailAddress sender; // null = no transaction
    private MailParams params = MailParams.NONE;
    private final List<Recipient> recipients = new ArrayList<>();
    private int rcptAttempts;

    public SessionState(
            SessionSettings settings, String peerAddress, int peerPort, String localAddress, int localPort) {
        this.settings = settings;
        this.peerAddress = peerAddress;
        this.peerPort = peerPort;
        this.localAddress = localAddress;
        this.localPort = localPort;
    }

    public SessionSettings settings() {
        return settings;
    }

    public String peerAddress() {
        return peerAddress;
    }

    public int peerPort() {
        return peerPort;
    }

    public String localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public String helo() {
        return helo;
    }

    public String protocol() {
        return protocol;
    }

    public boolean isGreeted() {
        return protocol != null;
    }

    public boolean isLmtp() {
        return "LMTP".equals(protocol);
    }

    public boolean isExtended() {
        return "ESMTP".equals(protocol) || "LMTP".equals(protocol);
    }

    public void greet(String helo, String protocol) {
        this.helo = helo;
        this.protocol = protocol;
        resetTransaction();
    }

    public XForward xforward() {
        return xforward;
    }

    public boolean inTransaction() {
        return sender != null;
    }

    public EmailAddress sender() {
        return sender;
    }

    public MailParams params() {
        return params;
    }

    public void startTransaction(EmailAddress sender, MailParams params) {
        this.sender = sender;
        this.params = params;
        this.recipients.clear();
        this.rcptAttempts = 0;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    /** Counts every RCPT command of the transaction, accepted or not, against the limit. */
    public int countRcptAttempt() {
        return ++rcptAttempts;
    }

    /** RSET, HELO/EHLO and the end of DATA: the envelope is forgotten; XFORWARD too, as Postfix expects. */
    public void resetTransaction() {
        sender = null;
        params = MailParams.NONE;
        recipients.clear();
        rcptAttempts = 0;
    }

    public void endTransaction() {
        resetTransaction();
        xforward.clear();
    }
}
