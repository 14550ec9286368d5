package org.amavisd.scanners.decode;

import java.nio.file.Path;
import java.util.List;

/** A part while it is being built; frozen into a {@link Part} at the end. */
final class Node {
    /** p001, ...; null until numbered (see {@link Budget#number}). */
    String id;

    final Node parent;
    final String levelPath;
    final int tier;
    int childCount;
    String mimeType;
    String name;
    String rawName;
    String fullType;
    List<String> types = List.of();
    long size;
    Path file;
    boolean fromArchive;

    String attributes = "";
    /** Content-Transfer-Encoding, lower case, for MIME leaves. */
    String transferEncoding;
    /** Raw Content-Type and Content-Disposition while the MIME header is read. */
    String contentTypeHeader;

    String contentDispositionHeader;

    Node(String id, Node parent, String levelPath, int tier) {
        this.id = id;
        this.parent = parent;
        this.levelPath = levelPath;
        this.tier = tier;
    }

    String nextChildPath() {
        return levelPath + "/" + (++childCount);
    }

    void addAttributes(String a) {
        for (char c : a.toCharArray()) if (attributes.indexOf(c) < 0) attributes += c;
    }

    Part freeze() {
        return new Part(
                id,
                parent == null ? null : parent.id,
                levelPath,
                tier,
                mimeType,
                name,
                rawName,
                fullType,
                types,
                size,
                file,
                fromArchive,
                attributes);
    }
}
