package org.amavisd.smtp.server.command;

import java.util.Locale;
import java.util.Map;
import org.amavisd.core.mail.EmailAddress;
import org.amavisd.core.mail.MailParams;
import org.amavisd.smtp.protocol.PathArgument;
import org.amavisd.smtp.protocol.Xtext;
import org.amavisd.smtp.server.SessionState;

/** MAIL FROM:&lt;sender&gt; with SIZE, BODY, SMTPUTF8, RET, ENVID (and AUTH, accepted and ignored). */
public final class MailCommand implements CommandHandler {
    @Override
    public Response handle(SessionState state, String args) {
        if (!state.isGreeted()) return Response.reply(503, "5.5.1", "Error: send HELO/EHLO/LHLO first");
        if (state.inTransaction()) return Response.reply(503, "5.5.1", "Error: nested MAIL command");
        if (!args.regionMatches(true, 0, "FROM:", 0, 5))
            return Response.reply(501, "5.5.4", "Syntax: MAIL FROM:<address>");
        PathArgument path;
        try {
            path = PathArgument.parse(args.substring(5));
        } catch (PathArgument.SyntaxException e) {
            return Response.reply(501, "5.1.7", "Bad sender address syntax: " + e.getMessage());
        }
        if (!path.params().isEmpty() && !state.isExtended()) {
            return Response.reply(555, "5.5.4", "Error: MAIL parameters need EHLO or LHLO");
        }
        Long size = null;
        String body = null, ret = null, envid = null;
        boolean smtputf8 = false;
        for (Map.Entry<String, String> p : path.params().entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "SIZE":
                    if (v == null || !v.matches("\\d{1,18}")) return Response.reply(501, "5.5.4", "Bad SIZE syntax");
                    size = Long.parseLong(v);
                    break;
                case "BODY":
                    if (v == null) return Response.reply(501, "5.5.4", "Bad BODY syntax");
                    body = v.toUpperCase(Locale.ROOT);
                    if (!body.equals("7BIT") && !body.equals("8BITMIME")) {
                        return Response.reply(555, "5.5.4", "Unsupported BODY type: " + v);
                    }
                    break;
                case "SMTPUTF8":
                    if (v != null) return Response.reply(501, "5.5.4", "SMTPUTF8 takes no value");
                    smtputf8 = true;
                    break;
                case "RET":
                    if (v == null || !(v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"))) {
                        return Response.reply(501, "5.5.4", "Bad RET syntax");
                    }
                    ret = v.toUpperCase(Locale.ROOT);
                    break;
                case "ENVID":
                    if (v == null || Xtext.decode(v) == null || v.length() > 100) {
                        return Response.reply(501, "5.5.4", "Bad ENVID syntax");
                    }
                    envid = v; // kept in xtext form, passed on as received
                    break;
                case "AUTH":
                    break; // the front MTA's authenticated identity: not used
                default:
                    return Response.reply(555, "5.5.4", "Unsupported option: " + p.getKey());
            }
        }
        long limit = state.settings().messageSizeLimit();
        if (size != null && limit > 0 && size > limit) {
            return Response.reply(552, "5.3.4", "Message size exceeds fixed limit");
        }
        EmailAddress sender = new EmailAddress(path.address());
        if (sender.isInternational() && !smtputf8) {
            return Response.reply(553, "5.6.7", "Non-ASCII sender address needs SMTPUTF8");
        }
        state.startTransaction(sender, new MailParams(size, body, smtputf8, ret, envid));
        return Response.reply(250, "2.1.0", "Sender " + sender.bracketed() + " OK");
    }
}
