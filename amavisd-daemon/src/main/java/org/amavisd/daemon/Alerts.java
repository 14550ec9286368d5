package org.amavisd.daemon;

import java.util.List;
import java.util.Optional;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;

/**
 * The words amavisd-new uses for what the checks found, in X-Amavis-Alert fields (of relayed and
 * of quarantined copies), and the message's banned part (%F) as the log and the notifications
 * name it.
 */
final class Alerts {
    private Alerts() {}

    static String virus(VirusFindings v) {
        return "INFECTED, message contains virus: " + v.joined();
    }

    static String banned(String reason) {
        return "BANNED, message contains " + reason;
    }

    static String badHeader(String firstProblem) {
        return "BAD HEADER SECTION, " + firstProblem;
    }

    /** The first recipient's banned part, as the message-level %F. */
    static Optional<String> firstBannedReason(MessageContext msg) {
        return msg.recipients().stream()
                .map(Recipient::bannedReason)
                .filter(s -> s != null && !s.isEmpty())
                .findFirst();
    }

    /** The bad-header problems the checks found (MIME errors last), empty when none. */
    static List<String> badHeaders(MessageContext msg) {
        return msg.attachment(ContentChecks.Findings.class)
                .map(ContentChecks.Findings::badHeaders)
                .orElse(List.of());
    }
}
