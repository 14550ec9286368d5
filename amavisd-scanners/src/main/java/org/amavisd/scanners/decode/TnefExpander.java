package org.amavisd.scanners.decode;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Unpacks a TNEF stream (winmail.dat, application/ms-tnef, what Exchange and Outlook send) into
 * its attachments, as amavisd-new's built-in TNEF decoder (Convert::TNEF) does: for each
 * attachment, its data (attribute attAttachData) and its MAPI properties (attAttachment, where an
 * embedded object or message lives) each become a member, named by the attachment's title
 * (attAttachTitle, the short name) and its long name (PR_DISPLAY_NAME or else
 * PR_ATTACH_LONG_FILENAME, as 8-bit strings, found in the MAPI properties).
 *
 * <p>The stream is a signature, a key, then attributes: a level byte, a 32-bit id, a 32-bit
 * length, the data and a 16-bit checksum (not checked, as amavisd-new does not check it). Each
 * attAttachRendData starts the next attachment. Data goes straight from the stream to the member's
 * file within the decode's budget; attributes that are not needed are skipped. Unlike
 * Convert::TNEF, an attribute it does not know does not stop the reading. A stream that is not
 * TNEF, or ends early, is an IOException: the members written so far stay.
 */
final class TnefExpander {
    private static final int SIGNATURE = 0x223e9f78;
    private static final int ATT_ATTACH_DATA = 0x0006800f;
    private static final int ATT_ATTACH_TITLE = 0x00018010;
    private static final int ATT_ATTACH_REND_DATA = 0x00069002;
    private static final int ATT_ATTACHMENT = 0x00069005;
    private static final int MAX_NAME = 4096;
    private static final int MAX_ATTRIBUTES = 100_000;
    /** PT_STRING8 PR_DISPLAY_NAME and PR_ATTACH_LONG_FILENAME, each with a value count of 1. */
    private static final byte[] DISPLAY_NAME = {0x1e, 0x00, 0x01, 0x30, 0x01};

    private static final byte[] LONG_FILENAME = {0x1e, 0x00, 0x07, 0x37, 0x01};

    private final Budget budget;

    TnefExpander(Budget budget) {
        this.budget = budget;
    }

    /** The members of one attachment (or of the message, before the first attachment). */
    private static final class Entity {
        String title;
        Node props;
        final List<Node> members = new ArrayList<>();
    }

    void expand(Node part) throws IOException {
        List<Entity> entities = new ArrayList<>();
        Entity current = new Entity();
        entities.add(current);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(part.file), 64 * 1024)) {
            if (u32(in) != SIGNATURE) throw new IOException("not TNEF-encapsulated");
            u16(in); // legacy key
            for (int i = 0; i < MAX_ATTRIBUTES; i++) {
                int level = in.read();
                if (level < 0) break;
                int id = u32(in);
                long length = u32(in) & 0xffffffffL;
                if (id == ATT_ATTACH_REND_DATA) {
                    current = new Entity();
                    entities.add(current);
                }
                if (id == ATT_ATTACH_DATA || id == ATT_ATTACHMENT) {
                    Node m = member(part);
                    current.members.add(m);
                    if (id == ATT_ATTACHMENT) current.props = m;
                    budget.writeContent(m, new BoundedInput(in, length));
                    if (m.size < length) throw new EOFException("TNEF attribute cut off");
                } else if (id == ATT_ATTACH_TITLE) {
                    byte[] b = in.readNBytes((int) Math.min(length, MAX_NAME));
                    if (b.length < Math.min(length, MAX_NAME)) throw new EOFException("TNEF attribute cut off");
                    skip(in, length - b.length);
                    current.title = stripNuls(new String(b, StandardCharsets.ISO_8859_1));
                } else {
                    skip(in, length);
                }
                skip(in, 2); // checksum
                budget.checkTime();
            }
        } finally {
            for (Entity e : entities) name(e);
        }
    }

    /** Names the entity's members: the title first, then the long name when it differs. */
    private static void name(Entity e) throws IOException {
        String longName = e.props == null ? null : longName(e.props.file);
        String first = e.title != null && !e.title.isEmpty() ? e.title : null;
        String second = longName != null && !longName.isEmpty() ? longName : null;
        if (first == null) {
            first = second;
            second = null;
        }
        for (Node m : e.members) {
            m.name = first;
            if (second != null && !second.equals(first)) m.rawName = second;
        }
    }

    /** The long name in a MAPI property block: PR_DISPLAY_NAME, else PR_ATTACH_LONG_FILENAME. */
    static String longName(Path props) throws IOException {
        if (props == null || !Files.exists(props)) return null;
        String n = stringAfter(props, DISPLAY_NAME);
        return n != null ? n : stringAfter(props, LONG_FILENAME);
    }

    /** The counted string that follows the first occurrence of {@code tag} (tag, count, length, text). */
    private static String stringAfter(Path file, byte[] tag) throws IOException {
        long at = indexOf(file, tag);
        if (at < 0) return null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            skip(in, at + 8);
            long len = u32(in) & 0xffffffffL;
            byte[] b = in.readNBytes((int) Math.min(len, MAX_NAME));
            return stripNuls(new String(b, StandardCharsets.ISO_8859_1));
        } catch (EOFException e) {
            return null;
        }
    }

    /** Where {@code pattern} first occurs in the file, or -1; read in blocks. */
    static long indexOf(Path file, byte[] pattern) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024 + pattern.length];
            int keep = 0;
            long base = 0; // file offset of buf[0]
            int n;
            while ((n = in.read(buf, keep, buf.length - keep)) > 0) {
                int len = keep + n;
                outer:
                for (int i = 0; i + pattern.length <= len; i++) {
                    for (int j = 0; j < pattern.length; j++) if (buf[i + j] != pattern[j]) continue outer;
                    return base + i;
                }
                keep = Math.min(pattern.length - 1, len);
                System.arraycopy(buf, len - keep, buf, 0, keep);
                base += len - keep;
            }
        }
        return -1;
    }

    private static String stripNuls(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == 0) end--;
        return s.substring(0, end);
    }

    private Node member(Node parent) throws OverLimitException {
        Node m = budget.newNode(parent, parent.nextChildPath(), parent.tier + 1);
        m.fromArchive = true;
        return m;
    }

    private static int u16(InputStream in) throws IOException {
        int a = in.read(), b = in.read();
        if ((a | b) < 0) throw new EOFException("TNEF stream cut off");
        return a | b << 8;
    }

    private static int u32(InputStream in) throws IOException {
        return u16(in) | u16(in) << 16;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException("TNEF stream cut off");
                s = 1;
            }
            n -= s;
        }
    }
}
