package org.amavisd.quarantine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a message was quarantined.
 *
 * @param path the file written (absolute or as given by the quarantine directory)
 * @param quarantineId the id a release asks for, which amavisd-new writes as {@code X-Quarantine-ID:
 *     <mail_id>}: the message's mail_id
 * @param quarantineType amavisd-new's quar_type letter: {@code F} a plain file, {@code Z} a gzipped
 *     file
 * @param ccatName the content category the message was quarantined for (e.g. "Virus"), as given
 * @param bytesWritten bytes written to the file (after compression)
 */
public record QuarantineResult(
        Path path, String quarantineId, char quarantineType, String ccatName, long bytesWritten) {
    public QuarantineResult {
        Objects.requireNonNull(path);
        Objects.requireNonNull(quarantineId);
    }

    /** The value of the X-Quarantine-ID header field, as amavisd-new writes it: {@code <mail_id>}. */
    public String headerValue() {
        return "<" + quarantineId + ">";
    }
}
