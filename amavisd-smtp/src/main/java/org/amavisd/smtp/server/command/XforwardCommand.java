package org.amavisd.smtp.server.command;

import org.amavisd.core.mail.XForward;
import org.amavisd.smtp.protocol.Xtext;
import org.amavisd.smtp.server.SessionState;

/** Postfix's XFORWARD: the original client's attributes, given before MAIL, possibly over several commands. */
public final class XforwardCommand implements CommandHandler {
    @Override
    public Response handle(SessionState state, String args) {
        if (state.inTransaction())
            return Response.reply(503, "5.5.1", "Error: XFORWARD not allowed within transaction");
        String a = args.trim();
        if (a.isEmpty()) return Response.reply(501, "5.5.4", "Syntax: XFORWARD attribute=value...");
        XForward parsed = new XForward();
        for (String item : a.split(" +")) {
            int eq = item.indexOf('=');
            if (eq <= 0) return Response.reply(501, "5.5.4", "Bad XFORWARD syntax: " + item);
            String name = item.substring(0, eq);
            if (!XForward.isKnownAttribute(name))
                return Response.reply(501, "5.5.4", "Bad XFORWARD attribute name: " + name);
            String value = Xtext.decode(item.substring(eq + 1));
            if (value == null) return Response.reply(501, "5.5.4", "Bad XFORWARD attribute value: " + name);
            parsed.put(name, value);
        }
        parsed.asMap().forEach(state.xforward()::put); // all or nothing
        return Response.reply(250, "2.0.0", "Ok");
    }
}
