package org.amavisd.scanners.banned;

import java.util.ArrayList;
import java.util.List;

/**
 * The description of a leaf part by its path from the top of the message (the leaf last), in
 * the two forms amavisd-new matches: the attribute form, "K=value" fields per part, and the
 * traditional form, the plain values that the banned_filename tables see.
 */
public final class PartPath {
    private final List<PartInfo> parts;
    private final List<List<String>> attrs;
    private final List<List<String>> trad;

    private PartPath(List<? extends PartInfo> parts, List<List<String>> attrs, List<List<String>> trad) {
        this.parts = List.copyOf(parts);
        this.attrs = attrs;
        this.trad = trad;
    }

    /** Describes the path; {@code path} runs from a top-level part to the part concerned. */
    public static PartPath of(List<? extends PartInfo> path) {
        List<List<String>> attrs = new ArrayList<>();
        List<List<String>> trad = new ArrayList<>();
        for (PartInfo p : path) {
            List<String> k = new ArrayList<>();
            List<String> t = new ArrayList<>();
            add(k, "P", p.baseName());
            add(k, "L", p.placement());
            for (String m : p.declaredTypes()) {
                add(k, "M", m);
                addTrad(t, m, "");
            }
            for (String s : p.shortTypes()) {
                add(k, "T", s);
                addTrad(t, s, ".");
            }
            for (String n : p.declaredNames()) {
                add(k, "N", n);
                addTrad(t, n, "");
            }
            String a = p.attributes() == null ? "" : p.attributes();
            for (int i = 0; i < a.length(); i++) {
                char c = a.charAt(i);
                if (c != ' ') {
                    k.add("A=" + c);
                    if (c == 'U') {
                        t.add("UNDECIPHERABLE");
                    }
                }
            }
            attrs.add(List.copyOf(k));
            trad.add(List.copyOf(t));
        }
        return new PartPath(List.copyOf(path), List.copyOf(attrs), List.copyOf(trad));
    }

    private static void add(List<String> k, String key, String value) {
        if (value != null && !value.isEmpty()) {
            k.add(key + "=" + clean(value));
        }
    }

    private static void addTrad(List<String> t, String value, String prefix) {
        if (value != null && !value.isEmpty()) {
            t.add(prefix + clean(value));
        }
    }

    /** Tabs and newlines separate fields and parts in the path string; in values they become spaces. */
    private static String clean(String v) {
        return v.replace('\t', ' ').replace('\n', ' ');
    }

    public List<PartInfo> parts() {
        return parts;
    }

    public PartInfo leaf() {
        return parts.get(parts.size() - 1);
    }

    /** Every value of every part on the path, top first: the keys the banned_filename tables see. */
    public List<String> keys() {
        List<String> all = new ArrayList<>();
        trad.forEach(all::addAll);
        return all;
    }

    /**
     * The string $banned_namepath_re is matched against: one line per part (top first, joined by
     * newlines), each line the part's K=value fields joined by tabs.
     */
    public String namepathString() {
        List<String> lines = new ArrayList<>();
        for (List<String> k : attrs) {
            lines.add(String.join("\t", k));
        }
        return String.join("\n", lines);
    }

    /** The attribute form as logged: fields joined by ',', parts by ' | ' ("P=p003,L=1,M=multipart/mixed | ..."). */
    public String attributeForm() {
        List<String> ps = new ArrayList<>();
        for (List<String> k : attrs) {
            ps.add(String.join(",", k));
        }
        return String.join(" | ", ps);
    }

    /** The traditional form: each part's values joined by ',', parts by ' | '. */
    public String traditionalForm() {
        List<String> ps = new ArrayList<>();
        for (List<String> t : trad) {
            ps.add(String.join(",", t));
        }
        return String.join(" | ", ps);
    }

    /** The leaf's values joined by ',': the short name shown in replies and "BANNED: ..." (".exe,.exe-ms,a.exe"). */
    public String leafName() {
        return String.join(",", trad.get(trad.size() - 1));
    }

    @Override
    public String toString() {
        return attributeForm();
    }
}
