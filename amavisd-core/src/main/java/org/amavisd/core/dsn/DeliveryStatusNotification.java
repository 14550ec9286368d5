package org.amavisd.core.dsn;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;

/**
 * A non-delivery report (RFC 3464 multipart/report) to the sender of a message, for recipients
 * the filter could not deliver to. It is written to a file: the original message is streamed into
 * it (whole with RET=FULL, its header section otherwise), never held in memory.
 */
public final class DeliveryStatusNotification {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private DeliveryStatusNotification() {}

    /**
     * Whether a failure report goes to the sender for this recipient: never for the null sender
     * (no bounce of a bounce), and only when the recipient's DSN NOTIFY asks for failures (absent
     * NOTIFY means failures and delays, RFC 3461).
     */
    public static boolean wanted(MessageContext msg, Recipient r) {
        if (msg.sender().isNull()) return false;
        String notify = r.dsnNotify();
        return notify == null || notify.contains("FAILURE");
    }

    /**
     * Writes the report to {@code out}.
     *
     * @param failed the recipients to report, each settled with a 5xx reply
     * @param reportingMta our host name
     */
    public static void write(MessageContext msg, List<Recipient> failed, String reportingMta, Path out)
            throws IOException {
        String boundary = "----------=_" + msg.mailId().id() + "=_report";
        String now = ZonedDateTime.now(ZoneId.systemDefault()).format(DATE);
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 65536)) {
            StringBuilder h = new StringBuilder(2048);
            line(h, "From: \"Content-filter at " + reportingMta + "\" <postmaster@" + reportingMta + ">");
            line(h, "To: " + msg.sender().bracketed());
            line(h, "Subject: " + subject(failed) + subjectSuffix(msg));
            line(h, "Date: " + now);
            line(h, "Message-ID: <DSN" + msg.mailId().id() + "@" + reportingMta + ">");
            line(h, "Auto-Submitted: auto-replied");
            line(h, "MIME-Version: 1.0");
            line(h, "Content-Type: multipart/report; report-type=delivery-status;");
            line(h, " boundary=\"" + boundary + "\"");
            line(h, "");
            line(h, "This is a MIME-encapsulated message.");
            line(h, "");
            line(h, "--" + boundary);
            line(h, "Content-Type: text/plain; charset=utf-8");
            line(h, "Content-Description: Notification");
            line(h, "");
            line(h, "This is the content filter at " + reportingMta + ".");
            line(h, "");
            boolean ours = failed.stream().allMatch(r -> r.done() == Recipient.Done.BY_FILTER);
            line(
                    h,
                    "Your message could not be delivered to "
                            + (failed.size() == 1 ? "one recipient" : failed.size() + " recipients")
                            + (ours
                                    ? ": our content checker blocked it."
                                    : ": the next mail server or our content checker refused it."));
            line(h, "The report below has the details; the other recipients, if any, got the message.");
            line(h, "");
            line(
                    h,
                    "Reference: id=" + msg.logId() + ", mail_id=" + msg.mailId().id()
                            + (msg.headers().messageId() != null
                                    ? ", Message-ID: " + msg.headers().messageId()
                                    : ""));
            line(h, "");
            for (Recipient r : failed)
                line(h, r.address().bracketed() + ": " + oneLine(r.reply().toString()));
            line(h, "");
            line(h, "--" + boundary);
            line(h, "Content-Type: message/delivery-status");
            line(h, "Content-Description: Delivery report");
            line(h, "");
            line(h, "Reporting-MTA: dns; " + reportingMta);
            if (msg.params().envid() != null)
                line(h, "Original-Envelope-Id: " + msg.params().envid());
            line(
                    h,
                    "Arrival-Date: "
                            + ZonedDateTime.ofInstant(msg.receivedAt(), ZoneId.systemDefault())
                                    .format(DATE));
            for (Recipient r : failed) {
                line(h, "");
                line(h, "Final-Recipient: rfc822; " + r.address().address());
                if (r.orcpt() != null) line(h, "Original-Recipient: " + r.orcpt());
                line(h, "Action: failed");
                line(
                        h,
                        "Status: "
                                + (r.reply().enhanced().isEmpty()
                                        ? "5.0.0"
                                        : r.reply().enhanced()));
                line(h, "Diagnostic-Code: smtp; " + oneLine(r.reply().toString()));
                line(h, "Last-Attempt-Date: " + now);
            }
            line(h, "");
            boolean full = "FULL".equals(msg.params().ret());
            line(h, "--" + boundary);
            line(h, "Content-Type: " + (full ? "message/rfc822" : "text/rfc822-headers"));
            line(h, "Content-Description: " + (full ? "Undelivered message" : "Undelivered message headers"));
            line(h, "");
            o.write(h.toString().getBytes(StandardCharsets.UTF_8));
            copyOriginal(msg.messageFile(), o, full);
            o.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The original, whole or up to the end of its header section; it already has CRLF line ends. */
    private static void copyOriginal(Path message, OutputStream o, boolean whole) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(message), 65536)) {
            if (whole) {
                in.transferTo(o);
                return;
            }
            int prev2 = -1, prev1 = -1, c;
            while ((c = in.read()) >= 0) {
                o.write(c);
                if (c == '\n' && (prev1 == '\n' || (prev1 == '\r' && prev2 == '\n'))) return; // the empty line
                prev2 = prev1;
                prev1 = c;
            }
        }
    }

    /** "BANNED contents from you" when our checks blocked it (the blocking category), else "Undeliverable mail". */
    private static String subject(List<Recipient> failed) {
        for (Recipient r : failed) {
            if (r.done() == Recipient.Done.BY_FILTER && r.contents().blocking().isPresent()) {
                var b = r.contents().blocking().get();
                return b.logName() + " contents from you"
                        + (r.bannedReason() != null && !r.bannedReason().isEmpty()
                                ? " (" + oneLine(r.bannedReason()) + ")"
                                : "");
            }
        }
        return "Undeliverable mail";
    }

    private static String subjectSuffix(MessageContext msg) {
        String s = msg.headers().subject();
        if (s == null || s.isBlank()) return "";
        s = oneLine(s);
        s = s.length() > 120 ? s.substring(0, 120) : s;
        boolean ascii = s.chars().allMatch(ch -> ch < 128);
        // a non-ASCII subject is quoted back as an RFC 2047 encoded word, never as raw 8-bit header text
        return ": "
                + (ascii
                        ? s
                        : "=?UTF-8?B?"
                                + java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))
                                + "?=");
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ");
    }

    private static void line(StringBuilder sb, String s) {
        sb.append(s).append("\r\n");
    }
}
