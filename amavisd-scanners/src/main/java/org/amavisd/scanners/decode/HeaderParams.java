package org.amavisd.scanners.decode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * A Content-Type or Content-Disposition value: the leading token and its parameters, with RFC 2231
 * continuations and charsets joined and decoded, and RFC 2047 encoded words decoded (mailers put
 * them inside quoted parameters although RFC 2047 does not allow it).
 */
final class HeaderParams {
    final String value;
    private final Map<String, String> params;
    private final Map<String, String> raw;

    private HeaderParams(String value, Map<String, String> params, Map<String, String> raw) {
        this.value = value;
        this.params = params;
        this.raw = raw;
    }

    /** Decoded parameter, or null. */
    String get(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }

    /** The parameter as written (continuations joined, nothing decoded), or null. */
    String raw(String name) {
        return raw.get(name.toLowerCase(Locale.ROOT));
    }

    static HeaderParams parse(String header) {
        if (header == null) return new HeaderParams("", Map.of(), Map.of());
        String s = header.replaceAll("\r?\n[ \t]", " ");
        int i = 0, n = s.length();
        StringBuilder v = new StringBuilder();
        while (i < n && s.charAt(i) != ';') v.append(s.charAt(i++));
        String value = stripComments(v.toString()).trim().toLowerCase(Locale.ROOT);
        // name -> (section -> [encoded?, text])
        Map<String, TreeMap<Integer, Object[]>> pieces = new HashMap<>();
        Map<String, String> plain = new HashMap<>();
        while (i < n) {
            i++; // ';'
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            int ks = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ';') i++;
            String key = s.substring(ks, i).trim().toLowerCase(Locale.ROOT);
            if (i >= n || s.charAt(i) == ';') continue;
            i++; // '='
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            StringBuilder val = new StringBuilder();
            boolean quoted = i < n && s.charAt(i) == '"';
            if (quoted) {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) c = s.charAt(i++);
                    val.append(c);
                }
                i++; // closing quote
                while (i < n && s.charAt(i) != ';') i++;
            } else {
                while (i < n && s.charAt(i) != ';') val.append(s.charAt(i++));
            }
            String text = key.isEmpty()
                    ? null
                    : quoted ? val.toString() : stripComments(val.toString()).strip();
            if (text == null) continue;
            boolean encoded = key.endsWith("*");
            String k = encoded ? key.substring(0, key.length() - 1) : key;
            int star = k.indexOf('*');
            if (star > 0 && k.substring(star + 1).matches("\\d{1,3}")) {
                pieces.computeIfAbsent(k.substring(0, star), x -> new TreeMap<>())
                        .put(Integer.parseInt(k.substring(star + 1)), new Object[] {encoded, text});
            } else if (encoded) {
                pieces.computeIfAbsent(k, x -> new TreeMap<>()).put(0, new Object[] {true, text});
            } else {
                plain.putIfAbsent(k, text);
            }
        }
        Map<String, String> params = new HashMap<>();
        Map<String, String> raw = new HashMap<>();
        for (var e : plain.entrySet()) {
            raw.put(e.getKey(), e.getValue());
            params.put(e.getKey(), decodeWords(e.getValue()));
        }
        for (var e : pieces.entrySet()) {
            StringBuilder joinedRaw = new StringBuilder();
            Charset cs = StandardCharsets.UTF_8;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            boolean first = true;
            for (Object[] p : e.getValue().values()) {
                boolean enc = (Boolean) p[0];
                String t = (String) p[1];
                joinedRaw.append(t);
                if (enc) {
                    if (first) {
                        int q1 = t.indexOf('\''), q2 = q1 < 0 ? -1 : t.indexOf('\'', q1 + 1);
                        if (q2 > 0) {
                            cs = charset(t.substring(0, q1), cs);
                            t = t.substring(q2 + 1);
                        }
                    }
                    percentDecode(t, bytes);
                } else {
                    bytes.writeBytes(t.getBytes(cs));
                }
                first = false;
            }
            // RFC 2231 wins over a plain parameter of the same name
            raw.put(e.getKey(), joinedRaw.toString());
            params.put(e.getKey(), decodeWords(new String(bytes.toByteArray(), cs)));
        }
        return new HeaderParams(value, params, raw);
    }

    /** RFC 2047 encoded words, leniently (unknown charsets fall back, bad words kept as they are). */
    static String decodeWords(String s) {
        if (s == null || !s.contains("=?")) return s;
        try {
            return DecoderUtil.decodeEncodedWords(s, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return s;
        }
    }

    private static Charset charset(String name, Charset dflt) {
        try {
            return name.isEmpty() ? dflt : Charset.forName(name.trim());
        } catch (RuntimeException e) {
            return dflt;
        }
    }

    private static void percentDecode(String t, ByteArrayOutputStream out) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '%' && i + 2 < t.length()) {
                int h = Character.digit(t.charAt(i + 1), 16), l = Character.digit(t.charAt(i + 2), 16);
                if (h >= 0 && l >= 0) {
                    out.write(h * 16 + l);
                    i += 2;
                    continue;
                }
            }
            if (c < 0x80) out.write(c);
            else out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String stripComments(String s) {
        if (s.indexOf('(') < 0) return s;
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (char c : s.toCharArray()) {
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (depth == 0) sb.append(c);
        }
        return sb.toString();
    }
}
