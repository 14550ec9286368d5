package org.amavisd.core.mail;

/**
 * Facts about the SMTP/LMTP connection a message came in on: who connected (the front MTA),
 * on which of our ports (chooses the interface policy bank), what it greeted with, and the
 * protocol it speaks: "SMTP" (HELO), "ESMTP" (EHLO) or "LMTP" (LHLO).
 */
public record SessionInfo(
        String peerAddress, int peerPort, String localAddress, int localPort, String helo, String protocol) {
    public boolean isLmtp() {
        return "LMTP".equals(protocol);
    }
}
