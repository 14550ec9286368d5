package org.amavisd.smtp.server.command;

import org.amavisd.core.smtp.SmtpReply;

/** The verbs with no state of their own worth a class: RSET, NOOP, QUIT, VRFY, HELP, and the refusals. */
public final class SimpleCommands {
    private SimpleCommands() {}

    public static final CommandHandler RSET = (state, args) -> {
        if (!args.isBlank()) return Response.reply(501, "5.5.4", "Error: RSET does not accept arguments");
        state.resetTransaction();
        return Response.reply(250, "2.0.0", "Ok");
    };

    public static final CommandHandler NOOP = (state, args) -> Response.reply(250, "2.0.0", "Ok");

    public static final CommandHandler QUIT = (state, args) -> {
        if (!args.isBlank()) return Response.reply(501, "5.5.4", "Error: QUIT does not accept arguments");
        return new Response.Close(
                SmtpReply.of(221, "2.0.0", state.settings().hostname() + " amavisd closing transmission channel"));
    };

    public static final CommandHandler VRFY = (state, args) -> {
        if (args.isBlank()) return Response.reply(501, "5.5.4", "Syntax: VRFY address");
        return Response.reply(252, "2.0.0", "Argument not checked");
    };

    public static final CommandHandler HELP = (state, args) -> Response.reply(
            214, "2.0.0", "http://www.postfix.org/FILTER_README.html and amavisd's docs/ say how to use this service");

    public static final CommandHandler NOT_IMPLEMENTED =
            (state, args) -> Response.reply(502, "5.5.1", "Error: command not implemented");
}
