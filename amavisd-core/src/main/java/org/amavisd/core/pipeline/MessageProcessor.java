package org.amavisd.core.pipeline;

import org.amavisd.core.mail.MessageContext;

/**
 * What happens to a message once it is spooled: checks, decisions, relay. The implementation
 * settles every recipient (an SMTP reply each); any exception it throws, or a recipient left
 * unsettled, makes the session answer that recipient with a tempfail, so nothing is lost.
 */
@FunctionalInterface
public interface MessageProcessor {
    void process(MessageContext message) throws Exception;
}
