package org.amavisd.smtp.server.command;

import org.amavisd.core.smtp.SmtpReply;

/** What a command handler asks the transport to do next. */
public sealed interface Response {
    SmtpReply reply();

    /** Send the reply and read the next command. */
    record Reply(SmtpReply reply) implements Response {}

    /** Send the reply, then close the connection (QUIT, a fatal error). */
    record Close(SmtpReply reply) implements Response {}

    /** Send the 354 reply and read the message (DATA). */
    record StartData(SmtpReply reply) implements Response {}

    static Response reply(int code, String enhanced, String text) {
        return new Reply(SmtpReply.of(code, enhanced, text));
    }
}
