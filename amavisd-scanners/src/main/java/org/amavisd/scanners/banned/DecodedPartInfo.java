package org.amavisd.scanners.banned;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * The decoded name first, then the name as written when it differs, in amavisd-new's order.
     * A name written in RFC 2231 form (charset'language'percent-encoded) is shown as MIME-tools
     * hands it to amavisd-new: the joined, percent-decoded value as one RFC 2047 "Q" word.
     */
    @Override
    public List<String> declaredNames() {
        List<String> names = new ArrayList<>(2);
        if (part.name() != null) names.add(part.name());
        if (part.rawName() != null) {
            String raw = asMimeToolsShowsIt(part.rawName(), part.name());
            if (!names.contains(raw)) names.add(raw);
        }
        return names;
    }

    private static final Pattern RFC2231 = Pattern.compile("([^']*)'([^']*)'(.*)", Pattern.DOTALL);

    /**
     * An RFC 2231 value (charset'language'text) whose percent-decoded text is the decoded name,
     * as MIME-tools re-encodes it: "=?charset*language?Q?text?=" with '=', '?', '_', controls and
     * bytes from 0x7F up as =XX and spaces as '_'. Anything else is returned unchanged.
     */
    static String asMimeToolsShowsIt(String raw, String decoded) {
        Matcher m = RFC2231.matcher(raw);
        if (!m.matches() || decoded == null) return raw;
        byte[] bytes = percentDecode(m.group(3));
        Charset cs;
        try {
            cs = m.group(1).isEmpty() ? StandardCharsets.UTF_8 : Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
            return raw;
        }
        if (!new String(bytes, cs).equals(decoded)) return raw; // not RFC 2231 after all
        StringBuilder q = new StringBuilder("=?").append(m.group(1));
        if (!m.group(2).isEmpty()) q.append('*').append(m.group(2));
        q.append("?Q?");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '=' || c == '?' || c == '_' || c < 0x20 || c >= 0x7f) {
                q.append(String.format("=%02X", c));
            } else if (c == ' ') {
                q.append('_');
            } else {
                q.append((char) c);
            }
        }
        return q.append("?=").toString();
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
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
