package org.amavisd.scanners.decode;

import java.io.IOException;

/** A decode limit was reached; decoding stops where it is. */
final class OverLimitException extends IOException {
    OverLimitException(String reason) {
        super(reason);
    }
}
