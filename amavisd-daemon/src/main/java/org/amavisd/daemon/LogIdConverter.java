package org.amavisd.daemon;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** "%lid": "(4711-01) " when the line belongs to a message, nothing otherwise, as amavisd-new prefixes its lines. */
public final class LogIdConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String id = event.getMDCPropertyMap().get("logid");
        return id == null ? "" : "(" + id + ") ";
    }
}
