package org.amavisd.core.mail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few header fields the log line and the reply need (Message-ID, Subject, From, and the
 * client addresses of the Received fields, top down), read from
 * the top of the spooled file. Reading stops at the end of the header or after a bounded number
 * of bytes, so a huge or header-only message costs no more than that.
 */
public record HeaderSummary(String messageId, String subject, String from, List<String> receivedIps) {
    public static final HeaderSummary EMPTY = new HeaderSummary(null, null, null);

    public HeaderSummary {
        receivedIps = List.copyOf(receivedIps);
    }

    public HeaderSummary(String messageId, String subject, String from) {
        this(messageId, subject, from, List.of());
    }

    private static final int MAX_HEADER_BYTES = 256 * 1024;
    private static final int MAX_FIELD_CHARS = 998;

    public static HeaderSummary read(Path message) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message), 16384)) {
            return read(in);
        }
    }

    static HeaderSummary read(InputStream in) throws IOException {
        Fields fields = new Fields();
        StringBuilder field = new StringBuilder();
        StringBuilder line = new StringBuilder();
        int total = 0;
        while (total < MAX_HEADER_BYTES) {
            line.setLength(0);
            int c;
            boolean eol = false;
            while ((c = in.read()) >= 0) {
                total++;
                if (c == '\n') {
                    eol = true;
                    break;
                }
                if (c != '\r' && line.length() < MAX_FIELD_CHARS) line.append((char) c);
            }
            boolean continuation = line.length() > 0 && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (!continuation) { // a new field (or the end of the header) completes the previous one
                fields.take(field.toString());
                field.setLength(0);
            }
            if (line.length() == 0) break; // the empty line before the body, or the end of the file
            if (field.length() < MAX_FIELD_CHARS) field.append(line); // unfolding keeps the whitespace
            if (!eol) { // the file ends inside the header
                fields.take(field.toString());
                break;
            }
        }
        return new HeaderSummary(fields.messageId, fields.subject, fields.from, fields.receivedIps);
    }

    /** The first occurrence of each field of interest; every Received field's client address. */
    private static final class Fields {
        private static final int MAX_RECEIVED = 100;
        String messageId, subject, from;
        final List<String> receivedIps = new ArrayList<>();
        int received;

        void take(String f) {
            if (received < MAX_RECEIVED) {
                String r = value(f, "received");
                if (r != null) {
                    received++;
                    String ip = ReceivedTrace.clientIp(r);
                    if (ip != null) receivedIps.add(ip);
                }
            }
            if (messageId == null) messageId = value(f, "message-id");
            if (subject == null) subject = value(f, "subject");
            if (from == null) from = value(f, "from");
        }
    }

    private static String value(String field, String name) {
        if (field.length() <= name.length() || !field.regionMatches(true, 0, name, 0, name.length())) return null;
        int i = name.length();
        while (i < field.length() && (field.charAt(i) == ' ' || field.charAt(i) == '\t')) i++;
        if (i >= field.length() || field.charAt(i) != ':') return null;
        // header bytes were read as ISO-8859-1 chars; re-decode as UTF-8 where valid
        String raw = field.substring(i + 1).trim();
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
