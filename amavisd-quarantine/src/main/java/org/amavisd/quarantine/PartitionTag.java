package org.amavisd.quarantine;

import java.util.Objects;

/**
 * amavisd-new's $partition_tag for this message, attached to a {@link
 * org.amavisd.core.mail.MessageContext}, for the {@code %P} of a quarantine file name. Absent, %P
 * expands to the empty string, as an undefined partition tag does in amavisd-new.
 */
public record PartitionTag(String value) {
    public PartitionTag {
        Objects.requireNonNull(value);
    }
}
