package org.amavisd.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.james.jdkim.api.Headers;

/**
 * The header section of a message read from a stream, which is left at the first byte of the body.
 * Each field is kept as jDKIM wants it: name, colon and value with its folding line breaks, without the
 * final CRLF. Lines ending in a bare LF are taken as ending in CRLF (the spool is CRLF already).
 *
 * <p>Bytes are decoded with the JVM's default charset because jDKIM canonicalizes with {@code
 * String.getBytes()}; all-ASCII header sections, the normal case, are not affected by the choice.
 */
public final class HeaderSection implements Headers {
    static final Charset CHARSET = Charset.defaultCharset();

    private final List<String> fields;

    public HeaderSection(List<String> fields) {
        this.fields = List.copyOf(fields);
    }

    /** Reads header fields up to and including the empty line that ends them (or the end of input). */
    public static HeaderSection read(InputStream in) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        while (true) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) {
                break;
            }
            char c = line.charAt(0);
            if ((c == ' ' || c == '\t') && current != null) {
                current.append("\r\n").append(line);
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(line);
            }
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return new HeaderSection(fields);
    }

    /** One line without its CRLF or LF; null at the end of input before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length;
                if (len > 0 && bytes[len - 1] == '\r') {
                    len--;
                }
                return new String(bytes, 0, len, CHARSET);
            }
            buf.write(b);
        }
        return any ? buf.toString(CHARSET) : null;
    }

    /** The field name of a raw field ("Subject: x" gives "Subject"). */
    public static String name(String field) {
        int colon = field.indexOf(':');
        return (colon < 0 ? field : field.substring(0, colon)).trim();
    }

    /** The field body, unfolded, without the leading white space. */
    public static String value(String field) {
        int colon = field.indexOf(':');
        String v = colon < 0 ? "" : field.substring(colon + 1);
        return v.replace("\r\n", "").trim();
    }

    @Override
    public List<String> getFields() {
        return fields;
    }

    @Override
    public List<String> getFields(String name) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            if (name(f).equalsIgnoreCase(name)) {
                out.add(f);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Lower-case field names, top down. */
    public List<String> names() {
        List<String> out = new ArrayList<>(fields.size());
        for (String f : fields) {
            out.add(name(f).toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
