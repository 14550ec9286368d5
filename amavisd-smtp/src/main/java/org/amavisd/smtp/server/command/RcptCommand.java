package org.amavisd.smtp.server.command;

import java.util.Locale;
import java.util.Map;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.Recipient;
import org.amavisd.smtp.protocol.PathArgument;
import org.amavisd.smtp.protocol.Xtext;
import org.amavisd.smtp.server.SessionState;

/** RCPT TO:&lt;recipient&gt; with the DSN parameters NOTIFY and ORCPT. */
public final class RcptCommand implements CommandHandler {
    @Override
    public Response handle(SessionState state, String args) {
        if (!state.inTransaction()) return Response.reply(503, "5.5.1", "Error: need MAIL command");
        if (!args.regionMatches(true, 0, "TO:", 0, 3)) return Response.reply(501, "5.5.4", "Syntax: RCPT TO:<address>");
        PathArgument path;
        try {
            path = PathArgument.parse(args.substring(3));
        } catch (PathArgument.SyntaxException e) {
            return Response.reply(501, "5.1.3", "Bad recipient address syntax: " + e.getMessage());
        }
        if (path.address().isEmpty())
            return Response.reply(501, "5.1.3", "Bad recipient address syntax: empty address");
        if (state.countRcptAttempt() > state.settings().recipientLimit()) {
            return Response.reply(452, "4.5.3", "Too many recipients");
        }
        if (!path.params().isEmpty() && !state.isExtended()) {
            return Response.reply(555, "5.5.4", "Error: RCPT parameters need EHLO or LHLO");
        }
        String notify = null, orcpt = null;
        for (Map.Entry<String, String> p : path.params().entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "NOTIFY":
                    if (v == null || !validNotify(v.toUpperCase(Locale.ROOT))) {
                        return Response.reply(501, "5.5.4", "Bad NOTIFY syntax");
                    }
                    notify = v.toUpperCase(Locale.ROOT);
                    break;
                case "ORCPT":
                    int semi = v == null ? -1 : v.indexOf(';');
                    if (semi <= 0 || Xtext.decode(v.substring(semi + 1)) == null) {
                        return Response.reply(501, "5.5.4", "Bad ORCPT syntax");
                    }
                    orcpt = v;
                    break;
                default:
                    return Response.reply(555, "5.5.4", "Unsupported option: " + p.getKey());
            }
        }
        EmailAddress rcpt = new EmailAddress(path.address());
        if (rcpt.isInternational() && !state.params().smtputf8()) {
            return Response.reply(553, "5.6.7", "Non-ASCII recipient address needs SMTPUTF8");
        }
        state.recipients().add(new Recipient(rcpt, notify, orcpt));
        return Response.reply(250, "2.1.5", "Recipient " + rcpt.bracketed() + " OK");
    }

    private static boolean validNotify(String v) {
        if (v.equals("NEVER")) return true;
        for (String part : v.split(",", -1)) {
            if (!part.equals("SUCCESS") && !part.equals("FAILURE") && !part.equals("DELAY")) return false;
        }
        return true;
    }
}
