package org.amavisd.core.mail;

import java.util.Locale;
import java.util.Objects;

/**
 * An envelope address as received, without angle brackets; the empty string is the null
 * reverse-path ({@code <>}). Kept exactly as the client sent it; comparisons that must ignore
 * case (the domain) use {@link #domain()}.
 */
public record EmailAddress(String address) {
    public static final EmailAddress NULL_SENDER = new EmailAddress("");

    public EmailAddress {
        Objects.requireNonNull(address);
    }

    public boolean isNull() {
        return address.isEmpty();
    }

    /** The local part (everything before the last '@'), or the whole address when it has none. */
    public String localPart() {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    /** The domain, lowercased; empty when the address has no '@'. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** True when the address holds characters beyond ASCII (needs SMTPUTF8 to be relayed). */
    public boolean isInternational() {
        for (int i = 0; i < address.length(); i++) {
            if (address.charAt(i) > 127) return true;
        }
        return false;
    }

    /** The address in angle brackets, as written in MAIL FROM / RCPT TO and in logs. */
    public String bracketed() {
        return "<" + address + ">";
    }

    @Override
    public String toString() {
        return bracketed();
    }
}
