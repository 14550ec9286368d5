package org.amavisd.scanners.banned;

import java.util.List;
import java.util.Objects;

/** A plain {@link PartInfo}. */
public record Part(
        int number,
        String placement,
        List<String> declaredTypes,
        List<String> shortTypes,
        List<String> declaredNames,
        String attributes,
        List<Part> children)
        implements PartInfo {

    public Part {
        placement = Objects.requireNonNullElse(placement, "");
        declaredTypes = List.copyOf(declaredTypes);
        shortTypes = List.copyOf(shortTypes);
        declaredNames = List.copyOf(declaredNames);
        attributes = Objects.requireNonNullElse(attributes, "");
        children = List.copyOf(children);
    }

    /** A MIME part: declared type, optional short type and name (null or "" for none). */
    public static Part mime(
            int number, String placement, String declaredType, String shortType, String name, Part... children) {
        return new Part(
                number, placement, listOf(declaredType), listOf(shortType), listOf(name), "", List.of(children));
    }

    /** An archive member or decompressed stream: no declared MIME type. */
    public static Part member(int number, String placement, List<String> shortTypes, String name, Part... children) {
        return new Part(number, placement, List.of(), shortTypes, listOf(name), "", List.of(children));
    }

    /** This part with attribute letters (e.g. "U", "D"). */
    public Part withAttributes(String attrs) {
        return new Part(number, placement, declaredTypes, shortTypes, declaredNames, attrs, children);
    }

    private static List<String> listOf(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s);
    }
}
