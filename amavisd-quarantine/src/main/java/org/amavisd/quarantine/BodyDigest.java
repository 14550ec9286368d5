package org.amavisd.quarantine;

import java.util.Objects;

/**
 * The message body digest (amavisd-new's body_digest, hex), attached to a {@link
 * org.amavisd.core.mail.MessageContext} by whichever stage computes it, for the {@code %b} of a
 * quarantine file name.
 */
public record BodyDigest(String hex) {
    public BodyDigest {
        Objects.requireNonNull(hex);
    }
}
