package org.amavisd.smtp.server.command;

import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.smtp.server.SessionState;

/** DATA: checks the transaction is complete; the transport then reads the message. */
public final class DataCommand implements CommandHandler {
    @Override
    public Response handle(SessionState state, String args) {
        if (!args.isBlank()) return Response.reply(501, "5.5.4", "Error: DATA does not accept arguments");
        if (!state.inTransaction()) return Response.reply(503, "5.5.1", "Error: need MAIL command");
        if (state.recipients().isEmpty()) return Response.reply(503, "5.5.1", "Error: need RCPT command");
        return new Response.StartData(SmtpReply.of(354, "", "End data with <CR><LF>.<CR><LF>"));
    }
}
