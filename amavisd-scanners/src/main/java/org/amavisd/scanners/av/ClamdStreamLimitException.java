package org.amavisd.scanners.av;

import java.io.IOException;

/** clamd refused an INSTREAM because it exceeds its StreamMaxLength. */
public final class ClamdStreamLimitException extends IOException {
    public ClamdStreamLimitException(String message) {
        super(message);
    }
}
