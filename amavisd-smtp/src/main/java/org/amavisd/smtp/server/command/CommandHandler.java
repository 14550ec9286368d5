package org.amavisd.smtp.server.command;

import org.amavisd.smtp.server.SessionState;

/** One SMTP/LMTP verb: looks at the arguments and the state, changes the state, returns a reply. */
@FunctionalInterface
public interface CommandHandler {
    Response handle(SessionState state, String args);
}
