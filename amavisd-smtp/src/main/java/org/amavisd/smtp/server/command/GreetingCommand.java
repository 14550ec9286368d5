package org.amavisd.smtp.server.command;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.smtp.server.SessionState;

/** HELO, EHLO and LHLO: the greeting decides the protocol (SMTP, ESMTP or LMTP) of the session. */
public final class GreetingCommand implements CommandHandler {
    public static final String XFORWARD_KEYWORD = "XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE";
    private final String verb;

    public GreetingCommand(String verb) {
        this.verb = verb;
    }

    @Override
    public Response handle(SessionState state, String args) {
        String name = args.trim();
        if (name.isEmpty()) return Response.reply(501, "5.5.4", "Syntax: " + verb + " hostname");
        String host = state.settings().hostname();
        switch (verb) {
            case "HELO":
                state.greet(name, "SMTP");
                return new Response.Reply(SmtpReply.of(250, "", host));
            case "LHLO":
                state.greet(name, "LMTP");
                break;
            default:
                state.greet(name, "ESMTP");
        }
        List<String> lines = new ArrayList<>();
        lines.add(host);
        lines.add("VRFY");
        lines.add("PIPELINING");
        long limit = state.settings().messageSizeLimit();
        lines.add(limit > 0 ? "SIZE " + limit : "SIZE");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("DSN");
        lines.add(XFORWARD_KEYWORD);
        return new Response.Reply(new SmtpReply(250, "", lines));
    }
}
