package org.amavisd.core.mail;

/**
 * The ESMTP parameters of MAIL FROM that must travel on to the back end: SIZE (RFC 1870),
 * BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461). Null means absent.
 */
public record MailParams(Long size, String body, boolean smtputf8, String ret, String envid) {
    public static final MailParams NONE = new MailParams(null, null, false, null, null);

    public boolean is8bit() {
        return body != null && body.equalsIgnoreCase("8BITMIME");
    }
}
