package org.amavisd.scanners.spam;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;

/**
 * One message to scan, with the envelope facts the daemons are told.
 *
 * @param message the message file as received (CRLF line ends), read, never changed
 * @param sender the envelope sender in angle brackets, "<>" for the null sender
 * @param recipients the envelope recipients in angle brackets
 * @param clientAddress the original SMTP client's IP (XFORWARD ADDR), or null
 * @param clientHelo the original client's HELO name (XFORWARD HELO), or null
 * @param clientName the original client's host name (XFORWARD NAME), or null
 * @param queueId the front MTA's queue id, or null
 * @param policyBankPath the policy banks in effect, joined by "/" (may be empty)
 */
public record SpamRequest(
        Path message,
        String sender,
        List<String> recipients,
        String clientAddress,
        String clientHelo,
        String clientName,
        String queueId,
        String policyBankPath) {

    public SpamRequest {
        Objects.requireNonNull(message);
        Objects.requireNonNull(sender);
        recipients = List.copyOf(recipients);
        policyBankPath = policyBankPath == null ? "" : policyBankPath;
    }

    /** A request with the envelope only; the client facts unknown. */
    public static SpamRequest of(Path message, String sender, List<String> recipients) {
        return new SpamRequest(message, sender, recipients, null, null, null, null, "");
    }

    /** The request for a message in the pipeline; the queue id is not known there (null). */
    public static SpamRequest from(MessageContext ctx) {
        return new SpamRequest(
                ctx.messageFile(),
                ctx.sender().bracketed(),
                ctx.recipients().stream()
                        .map(Recipient::address)
                        .map(a -> a.bracketed())
                        .toList(),
                ctx.clientAddress(),
                ctx.xforward().known("HELO"),
                ctx.xforward().known("NAME"),
                null,
                String.join("/", ctx.policyBanks()));
    }

    /** Sizes of the message file: the whole, its header section, its body. */
    record Sizes(long total, long header, long body) {}

    /**
     * Measures the message for the scanner named: the header section is everything before the empty line that ends it
     * (its own CRLF not counted), the body everything after that empty line. A message that cannot
     * be read is the scanner's I/O failure.
     */
    Sizes sizes(String scannerName) throws SpamScanException {
        try {
            return measure();
        } catch (IOException e) {
            throw new SpamScanException(
                    scannerName, SpamScanException.Kind.IO, "cannot read the message: " + e.getMessage(), e);
        }
    }

    private Sizes measure() throws IOException {
        long total = Files.size(message);
        long header = total;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message), 65536)) {
            long pos = 0;
            int prev2 = -1, prev = '\n'; // start of file counts as start of line
            int c;
            while ((c = in.read()) >= 0) {
                pos++;
                // an empty line: "\n\n" or "\n\r\n"
                if (c == '\n' && (prev == '\n' || (prev == '\r' && prev2 == '\n'))) {
                    long sepLen = prev == '\r' ? 2 : 1;
                    header = pos - sepLen;
                    return new Sizes(total, header, total - pos);
                }
                prev2 = prev;
                prev = c;
            }
        }
        return new Sizes(total, header, 0);
    }

    /**
     * How many bytes of the stream (prepended lines plus message) to send, amavisd-new's way:
     * at most {@code headerCap} bytes of header section, plus {@code separator}, plus at most
     * {@code bodyLimit} bytes of body; no limit at all when the message is less than 5 KiB over it.
     *
     * @return the limit, or -1 for "send everything"
     */
    static long sizeLimit(Sizes s, Long bodyLimit, long headerCap, long separator) {
        if (bodyLimit == null) return -1;
        long limit = Math.min(headerCap, s.header()) + separator + Math.min(bodyLimit, s.body());
        return s.total() < limit + 5 * 1024 ? -1 : limit;
    }
}
