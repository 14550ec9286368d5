package org.amavisd.scanners.banned;

import java.util.ArrayList;
import java.util.List;
import org.amavisd.scanners.decode.Part;
import org.amavisd.scanners.decode.PartTree;

/**
 * A decoded part as the banned-name rules see it: the decoder's {@link Part} within its
 * {@link PartTree}. MIME parts carry their placement (L=); archive members have none, as in
 * amavisd-new. Both the name as written and the decoded name are keys, as amavisd-new lists both.
 */
public record DecodedPartInfo(Part part, PartTree tree) implements PartInfo {

    /** The message itself, the top of every path the rules judge. */
    public static DecodedPartInfo root(PartTree tree) {
        return new DecodedPartInfo(
                tree.root().orElseThrow(() -> new IllegalArgumentException("empty part tree")), tree);
    }

    @Override
    public int number() {
        return Integer.parseInt(part.id().substring(1));
    }

    @Override
    public String placement() {
        return part.fromArchive() ? "" : part.levelPath();
    }

    @Override
    public List<String> declaredTypes() {
        return part.mimeType() == null ? List.of() : List.of(part.mimeType());
    }

    @Override
    public List<String> shortTypes() {
        return part.types();
    }

    @Override
    public List<String> declaredNames() {
        List<String> names = new ArrayList<>(2);
        if (part.rawName() != null) names.add(part.rawName());
        if (part.name() != null && !names.contains(part.name())) names.add(part.name());
        return names;
    }

    @Override
    public String attributes() {
        return part.attributes();
    }

    @Override
    public List<DecodedPartInfo> children() {
        return tree.children(part.id()).stream()
                .map(p -> new DecodedPartInfo(p, tree))
                .toList();
    }
}
