package org.amavisd.smtp.server.command;

import java.util.Locale;

/** The table from verb to handler: a new verb is one class and one row here. */
public enum CommandRegistry {
    HELO(new GreetingCommand("HELO")),
    EHLO(new GreetingCommand("EHLO")),
    LHLO(new GreetingCommand("LHLO")),
    MAIL(new MailCommand()),
    RCPT(new RcptCommand()),
    DATA(new DataCommand()),
    XFORWARD(new XforwardCommand()),
    RSET(SimpleCommands.RSET),
    NOOP(SimpleCommands.NOOP),
    QUIT(SimpleCommands.QUIT),
    VRFY(SimpleCommands.VRFY),
    HELP(SimpleCommands.HELP),
    EXPN(SimpleCommands.NOT_IMPLEMENTED),
    STARTTLS(SimpleCommands.NOT_IMPLEMENTED),
    AUTH(SimpleCommands.NOT_IMPLEMENTED),
    BDAT(SimpleCommands.NOT_IMPLEMENTED),
    ETRN(SimpleCommands.NOT_IMPLEMENTED),
    XCLIENT(SimpleCommands.NOT_IMPLEMENTED);

    private final CommandHandler handler;

    CommandRegistry(CommandHandler handler) {
        this.handler = handler;
    }

    public CommandHandler handler() {
        return handler;
    }

    /** The handler for a verb, or null when the verb is unknown. */
    public static CommandHandler lookup(String verb) {
        try {
            return valueOf(verb.toUpperCase(Locale.ROOT)).handler;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
