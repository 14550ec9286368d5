package org.amavisd.core.smtp;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP reply as a value: the three-digit code, the enhanced status code (RFC 3463, may be
 * empty) and one or more text lines. Handlers return these; only the transport writes them.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {
    private static final Pattern PARSE = Pattern.compile(
            "^([2-5]\\d\\d)(?:[ -]|$)[ \\t]*(?:([2-5]\\.\\d{1,3}\\.\\d{1,3})\\b[ \\t]*)?(.*)$", Pattern.DOTALL);

    public SmtpReply {
        if (code < 200 || code > 599) throw new IllegalArgumentException("bad SMTP code " + code);
        enhanced = enhanced == null ? "" : enhanced;
        lines = List.copyOf(lines.isEmpty() ? List.of("") : lines);
    }

    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    /**
     * Parses "250 2.0.0 Ok: queued as X" (the first line of a reply; the enhanced code may be
     * missing). Returns null when the text is not an SMTP reply.
     */
    public static SmtpReply parse(String text) {
        Matcher m = PARSE.matcher(Objects.requireNonNull(text));
        if (!m.matches()) return null;
        return of(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    public String text() {
        return String.join(" ", lines);
    }

    /** The reply as wire lines without CRLF: "250-first", "250 last". */
    public List<String> wireLines() {
        String prefix = enhanced.isEmpty() ? "" : enhanced + " ";
        String[] out = new String[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            char sep = i == lines.size() - 1 ? ' ' : '-';
            out[i] = code + "" + sep + prefix + lines.get(i);
        }
        return List.of(out);
    }

    /** One line, as logged and as quoted inside another reply. */
    @Override
    public String toString() {
        return code + (enhanced.isEmpty() ? "" : " " + enhanced) + (text().isEmpty() ? "" : " " + text());
    }
}
