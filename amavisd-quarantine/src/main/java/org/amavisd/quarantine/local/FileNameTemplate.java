package org.amavisd.quarantine.local;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * Expands a local quarantine file name template as amavisd-new does: {@code %m} the mail_id,
 * {@code %n} the log id, {@code %i} the reception time as a local-time ISO 8601 basic timestamp
 * without zone ({@code 20240131T235959}), {@code %b} the body digest, {@code %P} the partition tag,
 * {@code %%} a percent sign; any other {@code %x} stays as written, and so does a lone trailing
 * {@code %}.
 */
public final class FileNameTemplate {
    private static final DateTimeFormatter ISO_BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    private FileNameTemplate() {}

    /** The values a template may refer to; the suppliers are asked only when their letter is used. */
    public record Values(
            String mailId,
            String logId,
            Instant receivedAt,
            ZoneId zone,
            Supplier<String> bodyDigest,
            String partitionTag) {}

    public static String expand(String template, Values v) {
        StringBuilder sb = new StringBuilder(template.length() + 32);
        int n = template.length();
        for (int i = 0; i < n; i++) {
            char c = template.charAt(i);
            if (c != '%' || i + 1 >= n) {
                sb.append(c);
                continue;
            }
            char k = template.charAt(++i);
            switch (k) {
                case 'm' -> sb.append(v.mailId());
                case 'n' -> sb.append(v.logId());
                case 'i' -> sb.append(ISO_BASIC.format(v.receivedAt().atZone(v.zone())));
                case 'b' -> sb.append(v.bodyDigest().get());
                case 'P' -> sb.append(v.partitionTag() == null ? "" : v.partitionTag());
                case '%' -> sb.append('%');
                default -> sb.append('%').append(k);
            }
        }
        return sb.toString();
    }
}
