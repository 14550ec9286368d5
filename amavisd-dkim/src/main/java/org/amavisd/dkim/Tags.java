package org.amavisd.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** RFC 6376 tag=value lists, parsed leniently for reporting and key records. */
final class Tags {
    private Tags() {}

    static Map<String, String> parse(String list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : list.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).replaceAll("\\s+", " ").trim();
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** A value with all white space removed (b=, bh=, p=). */
    static String compact(String value) {
        return value == null ? "" : value.replaceAll("\\s+", "");
    }
}
