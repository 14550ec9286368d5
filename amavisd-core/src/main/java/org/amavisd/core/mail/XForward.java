package org.amavisd.core.mail;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Postfix's XFORWARD attributes (NAME ADDR PORT PROTO HELO IDENT SOURCE): the original client
 * as the front MTA saw it. Values are kept decoded; "[UNAVAILABLE]" and "[TEMPUNAVAIL]" mean
 * unknown and are kept as such so they can be passed on unchanged.
 */
public final class XForward {
    public static final List<String> ATTRIBUTES = List.of("NAME", "ADDR", "PORT", "PROTO", "HELO", "IDENT", "SOURCE");

    private final Map<String, String> values = new LinkedHashMap<>();

    public static boolean isKnownAttribute(String name) {
        return ATTRIBUTES.contains(name.toUpperCase(Locale.ROOT));
    }

    public void put(String name, String value) {
        values.put(name.toUpperCase(Locale.ROOT), value);
    }

    public String get(String name) {
        return values.get(name.toUpperCase(Locale.ROOT));
    }

    /** A value that is present and not one of the "unavailable" markers. */
    public String known(String name) {
        String v = get(name);
        return v == null || v.startsWith("[UNAVAILABLE]") || v.startsWith("[TEMPUNAVAIL]") ? null : v;
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public XForward copy() {
        XForward c = new XForward();
        c.values.putAll(values);
        return c;
    }

    public void clear() {
        values.clear();
    }
}
