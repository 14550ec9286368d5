package org.amavisd.scanners.decode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parts of one message, in number order (p001 first; see {@link Part#id()}). */
public final class PartTree {
    private final Map<String, Part> byId = new LinkedHashMap<>();

    PartTree(List<Part> parts) {
        for (Part p : parts) byId.put(p.id(), p);
    }

    public List<Part> parts() {
        return List.copyOf(byId.values());
    }

    public int size() {
        return byId.size();
    }

    public Optional<Part> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The message's top MIME entity (L=1; p001 only for a single-part message), if anything was parsed. */
    public Optional<Part> root() {
        return byId.values().stream().filter(p -> p.parentId() == null).findFirst();
    }

    public List<Part> children(String id) {
        List<Part> out = new ArrayList<>();
        for (Part p : byId.values()) if (id.equals(p.parentId())) out.add(p);
        out.sort((a, b) -> comparePath(a.levelPath(), b.levelPath()));
        return out;
    }

    /** Parts with decoded content, the ones a scanner or banned rule looks at. */
    public List<Part> leaves() {
        return byId.values().stream().filter(p -> p.file() != null).toList();
    }

    /** From the message down to this part, as banned rules see it. */
    public List<Part> pathTo(String id) {
        List<Part> out = new ArrayList<>();
        for (Part p = byId.get(id); p != null; p = p.parentId() == null ? null : byId.get(p.parentId())) out.add(p);
        Collections.reverse(out);
        return out;
    }

    /** amavisd-new's p.path line: descriptors joined by " | ". */
    public String describePath(String id) {
        return String.join(" | ", pathTo(id).stream().map(Part::descriptor).toList());
    }

    private static int comparePath(String a, String b) {
        String[] x = a.split("/"), y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
