package org.amavisd.scanners.banned;

import java.util.List;

/**
 * What the banned-name rules need to know about one part of a decoded message. The decoder's
 * part tree can be adapted to this; {@link Part} is a plain implementation.
 *
 * <p>Lists hold the values amavisd-new may have several of: a declared type can be given both as
 * declared and as effective MIME type, a file name both raw and RFC 2047/2231-decoded, a
 * detected type both as a general and a specific short type (e.g. "exe" and "exe-ms").
 */
public interface PartInfo {
    /** The part number; the part's name is "p" and the number in at least three digits. */
    int number();

    /** MIME placement such as "1/2/1" (the L= value); empty for a part outside the MIME tree. */
    String placement();

    /** Declared MIME types (Content-Type), for MIME parts; empty for archive members. */
    List<String> declaredTypes();

    /** Short types from content detection (file(1)-like: "exe", "exe-ms", "zip", "asc"). */
    List<String> shortTypes();

    /** Declared names: the MIME filename/name parameter, or an archive member's stored name. */
    List<String> declaredNames();

    /**
     * Attribute letters: U undecipherable, C encrypted, B ambiguous content, D directory,
     * S special file, L link. Empty when none.
     */
    String attributes();

    /** The parts this one contains (MIME subparts, archive members, a decompressed stream). */
    List<? extends PartInfo> children();

    /** amavisd-new's base name: "p" and the number, at least three digits ("p003"). */
    default String baseName() {
        return String.format("p%03d", number());
    }
}
