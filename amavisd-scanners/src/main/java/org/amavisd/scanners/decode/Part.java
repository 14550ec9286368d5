package org.amavisd.scanners.decode;

import java.nio.file.Path;
import java.util.List;

/**
 * One node of a decoded message: a MIME entity (container or leaf), a preamble or epilogue kept
 * because it was not blank, a uuencoded block, or an archive member.
 *
 * @param id p001, p002, ... as amavisd-new numbers parts: a message's MIME leaves in order, then
 *     its preambles, containers and epilogues depth first, then tier by tier the parts unpacked
 *     from archives and embedded messages; also the file name of its content when it has one
 * @param parentId the enclosing part, or null for the message itself
 * @param levelPath position in the tree as amavisd-new's L= descriptor: 1, 1/2, 1/2/1, ...
 * @param tier decoding tier as counted by $MAXLEVELS (MIME parts 2, their archive members 3, ...)
 * @param mimeType declared Content-Type (lower case, no parameters), or null (archive members)
 * @param name declared file name (decoded) or archive member name; null when none
 * @param rawName the name as written in the header, when it differs from {@code name} (RFC 2047 words)
 * @param fullType what the content looks like (a MIME type or a short description), null if no file
 * @param types amavisd-new short types (T=), e.g. [exe, exe-ms]; empty if no file
 * @param size bytes of decoded content in {@code file}
 * @param file the decoded content, or null for containers, directories and undecipherable members
 * @param fromArchive decoded out of an archive or compressed file (not MIME)
 * @param attributes amavisd-new's part attributes: U undecipherable, C encrypted, D directory,
 *     L link, S special file
 */
public record Part(
        String id,
        String parentId,
        String levelPath,
        int tier,
        String mimeType,
        String name,
        String rawName,
        String fullType,
        List<String> types,
        long size,
        Path file,
        boolean fromArchive,
        String attributes) {

    public Part {
        types = List.copyOf(types);
        attributes = attributes == null ? "" : attributes;
    }

    /** Nesting depth in the tree: 1 for the message itself. */
    public int level() {
        return (int) levelPath.chars().filter(c -> c == '/').count() + 1;
    }

    public boolean hasAttribute(char a) {
        return attributes.indexOf(a) >= 0;
    }

    public boolean undecipherable() {
        return hasAttribute('U');
    }

    /** amavisd-new's part descriptor, e.g. {@code P=p004,L=1/2/1,M=..,T=exe,T=exe-ms,N=x.exe,A=U}. */
    public String descriptor() {
        StringBuilder sb = new StringBuilder("P=").append(id).append(",L=").append(levelPath);
        if (mimeType != null) sb.append(",M=").append(mimeType);
        for (String t : types) sb.append(",T=").append(t);
        if (rawName != null) sb.append(",N=").append(rawName);
        if (name != null) sb.append(",N=").append(name);
        if (!attributes.isEmpty()) sb.append(",A=").append(attributes);
        return sb.toString();
    }
}
