package org.amavisd.scanners.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MIME errors amavisd-new reports for a message (CC_BADH minor 1), found the way its parser,
 * MIME-tools' MIME::Parser, finds them: one pass over the lines of the message, with the stack of
 * the boundaries in force, and nothing decoded. The errors and their words are MIME::Parser's:
 *
 * <ul>
 *   <li>{@code multipart boundary is missing, or contains CR or LF}: a multipart without a
 *       usable boundary parameter (read on as one single part);
 *   <li>{@code unexpected end of preamble}: the first boundary of a multipart never comes (the end
 *       of the message, or a boundary of an enclosing multipart, comes first);
 *   <li>{@code unexpected end of parts before epilogue}: the closing boundary never comes;
 *   <li>{@code part did not end with expected boundary}: a part inside a multipart ended by
 *       something other than that multipart's own boundary;
 *   <li>{@code unexpected end of header}: a header not ended by an empty line (the end of the
 *       message or a closing boundary came first; a header cut off by the next delimiter is only
 *       a warning, the part then being empty);
 *   <li>{@code uu decoding: no begin found}, {@code binhex decoding: fell off end of file}: a body
 *       in the x-uuencode or BinHex transfer encoding without the line its data starts at (the
 *       other decoders of MIME::Parser cannot fail).
 * </ul>
 *
 * <p>A part may have no header at all (it starts with the empty line, RFC 2046 section 5.1.1);
 * that is no error. A header line that is no field is skipped without complaint, as MIME::Parser
 * skips it. Parts of a multipart/digest are message/rfc822 unless they say otherwise (RFC 2046
 * section 5.1.5), and an
 * embedded message is not parsed (amavisd-new leaves nested messages whole), so nothing inside it
 * is judged.
 *
 * <p>Lines are read one at a time and only their first bytes kept (enough to recognise a boundary
 * in force), header fields other than Content-Type are not kept, and Content-Type is kept up to
 * 256 KiB: memory stays bounded whatever the message.
 */
final class MimeFraming {
    /** MIME::Parser's words when its part count ($MAXFILES) stops it, as amavisd-new reports them. */
    static final String TOO_MANY_PARTS = "Unable to parse, perhaps message contains too many parts";

    private static final int MAX_FIELD = 256 * 1024;
    private static final int MAX_DEPTH = 1000;

    private enum End {
        DONE,
        EOF,
        DELIM,
        CLOSE,
        /** a delimiter or closing boundary of an enclosing multipart */
        EXT
    }

    private final InputStream in;
    private final int maxParts;
    private final List<String> errors = new ArrayList<>();
    /** Boundaries in force, innermost first. */
    private final List<String> bounds = new ArrayList<>();

    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private int parts;
    private boolean eof;

    /** What ended the last chunk: DONE, EOF, or DELIM or CLOSE of {@link #endBound}. */
    private End endKind;

    private String endBound;
    /** The body being read is to be watched for where its encoding starts, or null. */
    private Watch watch;
    /** The longest boundary line in force: how much of each line to keep. */
    private int keep = 4;

    private MimeFraming(InputStream in, int maxParts) {
        this.in = in;
        this.maxParts = maxParts;
    }

    /**
     * The errors in the order MIME::Parser meets them, each as its results list has it
     * ({@code "error: unexpected end of preamble"}); {@link #TOO_MANY_PARTS} alone when the part
     * count stopped the parse before any error; empty for a sound message.
     *
     * @param maxParts $MAXFILES, or 0 for no limit
     */
    static List<String> check(Path message, int maxParts) throws IOException {
        try (InputStream in = Files.newInputStream(message)) {
            MimeFraming f = new MimeFraming(in, maxParts);
            boolean complete = f.part(null, 0);
            if (!complete && f.errors.isEmpty()) return List.of(TOO_MANY_PARTS);
            return List.copyOf(f.errors);
        }
    }

    private void error(String what) {
        errors.add("error: " + what);
    }

    /** One entity (MIME::Parser's process_part); false when the part count stopped the parse. */
    private boolean part(String retype, int depth) throws IOException {
        if (maxParts > 0 && ++parts > maxParts) return false;
        Header h = header();
        if (h == null) return true; // cut off by the next delimiter: an empty part, a warning only
        String type = h.mimeType(retype);
        if (type.split("/", -1)[0].equals("multipart") && depth < MAX_DEPTH) return multipart(h, type, depth);
        singlepart(h.encoding());
        return true;
    }

    private boolean multipart(Header h, String type, int depth) throws IOException {
        String subtype = type.indexOf('/') < 0 ? "" : type.substring(type.indexOf('/') + 1);
        String retype = subtype.equals("digest") ? "message/rfc822" : null;
        String bound = h.boundary();
        if (bound == null || bound.indexOf('\r') >= 0 || bound.indexOf('\n') >= 0) {
            error("multipart boundary is missing, or contains CR or LF");
            singlepart(h.encoding());
            return true;
        }
        bounds.add(0, bound);
        keep = Math.max(keep, bound.length() + 4);
        try {
            chunk(false); // the preamble
            boolean more;
            if (end() == End.DELIM) more = true;
            else if (end() == End.CLOSE) more = false; // an empty multipart: a warning only
            else {
                error("unexpected end of preamble");
                return true;
            }
            while (more) {
                if (!part(retype, depth + 1)) return false;
                if (end() == End.DELIM) more = true;
                else if (end() == End.CLOSE) more = false;
                else {
                    error("unexpected end of parts before epilogue");
                    return true;
                }
            }
        } finally {
            bounds.remove(0);
        }
        if (!bounds.isEmpty()) chunk(false); // the epilogue, up to a boundary of the enclosing multipart
        return true;
    }

    /**
     * A body up to the next boundary in force; inside a multipart, it must be that multipart's
     * own. Then its transfer encoding is decoded: of MIME::Parser's decoders, only uuencode and
     * BinHex can fail, when what they start at is not there.
     */
    private void singlepart(String encoding) throws IOException {
        Watch w = switch (encoding) {
            case "x-uu", "x-uuencode" -> new Watch(false);
            case "binhex", "binhex40", "mac-binhex40", "mac-binhex" -> new Watch(true);
            default -> null;
        };
        if (bounds.isEmpty() && w == null) return; // the rest of the message: nothing more can go wrong
        watch = w;
        try {
            chunk(false);
        } finally {
            watch = null;
        }
        if (!bounds.isEmpty() && end() != End.DELIM && end() != End.CLOSE) {
            error("part did not end with expected boundary");
        }
        if (w != null && !w.found)
            error(w.binhex ? "binhex decoding: fell off end of file" : "uu decoding: no begin found");
    }

    /** Looks for where a uuencoded ("begin" at a line start) or BinHex body starts. */
    private static final class Watch {
        private static final byte[] BEGIN = "begin".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] BINHEX = "(This file must be converted".getBytes(StandardCharsets.US_ASCII);

        final boolean binhex;
        boolean found;
        /** The line before was BinHex's "(This file must be converted ..." line. */
        private boolean afterIntro;

        Watch(boolean binhex) {
            this.binhex = binhex;
        }

        void line(byte[] b) {
            if (found) return;
            if (!binhex) {
                found = startsWith(b, BEGIN);
            } else if (afterIntro) {
                afterIntro = false;
                found = b.length > 0 && b[0] == ':';
            } else {
                afterIntro = startsWith(b, BINHEX);
            }
        }

        private static boolean startsWith(byte[] b, byte[] p) {
            if (b.length < p.length) return false;
            for (int i = 0; i < p.length; i++) if (b[i] != p[i]) return false;
            return true;
        }
    }

    /** A header up to its empty line; null when the next delimiter came first. */
    private Header header() throws IOException {
        Header h = new Header();
        chunk(true, h);
        if (end() == End.DELIM) return null;
        if (end() != End.DONE) error("unexpected end of header");
        return h;
    }

    private void chunk(boolean header) throws IOException {
        chunk(header, null);
    }

    /**
     * Reads lines up to a boundary in force, or (in a header) an empty line, or the end of the
     * message; {@link #end()} then tells what ended it.
     */
    private void chunk(boolean header, Header h) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            line.reset();
            int len = readLine(line, header ? MAX_FIELD : watch != null ? Math.max(keep, 32) : keep);
            if (len < 0) {
                endKind = End.EOF;
                return;
            }
            byte[] b = line.toByteArray();
            if (boundary(b, len)) return;
            if (header) {
                if (blank(b, len)) {
                    endKind = End.DONE;
                    return;
                }
                h.line(b);
            } else if (watch != null) {
                watch.line(b);
            }
        }
    }

    /**
     * Reads one line (up to and including LF) into {@code out}, keeping at most {@code max} bytes.
     * Returns the number of bytes kept when nothing but white space was dropped, Integer.MAX_VALUE
     * when more was (so the line is no boundary), -1 at the end of the message.
     */
    private int readLine(ByteArrayOutputStream out, int max) throws IOException {
        int len = 0;
        boolean tailBlank = true; // all bytes past the kept ones are white space (a boundary may end so)
        while (true) {
            if (pos == lim) {
                if (eof || (lim = in.read(buf)) < 0) {
                    eof = true;
                    lim = 0;
                    pos = 0;
                    return len == 0 ? -1 : tailBlank ? out.size() : Integer.MAX_VALUE;
                }
                pos = 0;
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') pos++;
            boolean lf = pos < lim;
            if (lf) pos++;
            int n = pos - start;
            len += n;
            int room = Math.max(0, max - out.size());
            out.write(buf, start, Math.min(room, n));
            for (int i = start + Math.min(room, n); i < pos && tailBlank; i++) {
                byte c = buf[i];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') tailBlank = false;
            }
            if (lf) return tailBlank ? out.size() : Integer.MAX_VALUE;
        }
    }

    /**
     * How the last chunk ended, seen from the multipart whose boundaries are in force now: a
     * boundary of an enclosing one is EXT (MIME::Parser keeps the boundary that ended a chunk and
     * classifies it as each reader asks).
     */
    private End end() {
        if (endKind != End.DELIM && endKind != End.CLOSE) return endKind;
        return !bounds.isEmpty() && bounds.get(0).equals(endBound) ? endKind : End.EXT;
    }

    /** Whether this line is a boundary in force (trailing white space ignored); if so, it ends the chunk. */
    private boolean boundary(byte[] b, int len) {
        if (bounds.isEmpty() || len != b.length || b.length < 2 || b[0] != '-' || b[1] != '-') return false;
        int n = b.length;
        while (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t' || b[n - 1] == '\r' || b[n - 1] == '\n')) n--;
        String s = new String(b, 2, n - 2, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bounds.size(); i++) {
            String bd = bounds.get(i);
            boolean delim = s.equals(bd), close = !delim && s.equals(bd + "--");
            if (delim || close) {
                endKind = delim ? End.DELIM : End.CLOSE;
                endBound = bd;
                return true;
            }
        }
        return false;
    }

    /** The empty line ending a header: LF, CR LF or CR CR LF (MIME::Parser folds CR LF to LF first). */
    private static boolean blank(byte[] b, int len) {
        if (len != b.length) return false;
        int n = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
        for (int i = 0; i < n; i++) if (b[i] != '\r') return false;
        return n <= 2;
    }

    /**
     * The Content-Type and Content-Transfer-Encoding fields of a header, the first of each,
     * unfolded; other fields are not kept.
     */
    private static final class Header {
        private StringBuilder contentType;
        private StringBuilder encoding;
        /** The field the last line belonged to, if one of those two. */
        private StringBuilder current;

        void line(byte[] b) {
            String s = new String(b, StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n")) s = s.substring(0, s.length() - 2);
            else if (s.endsWith("\n") || s.endsWith("\r")) s = s.substring(0, s.length() - 1);
            if (!s.isEmpty() && (s.charAt(0) == ' ' || s.charAt(0) == '\t')) {
                if (current != null && current.length() < MAX_FIELD) current.append(s);
                return;
            }
            current = null;
            int colon = s.indexOf(':');
            String name = colon > 0 ? s.substring(0, colon) : "";
            if (contentType == null && name.equalsIgnoreCase("content-type")) {
                current = contentType = new StringBuilder(s.substring(colon + 1));
            } else if (encoding == null && name.equalsIgnoreCase("content-transfer-encoding")) {
                current = encoding = new StringBuilder(s.substring(colon + 1));
            }
        }

        /** The transfer encoding as MIME::Head gives it: lower case, 7bit when none. */
        String encoding() {
            String v = HeaderParams.parse(encoding == null ? null : encoding.toString()).value;
            if (v.isEmpty()) return "7bit";
            return v.toLowerCase(Locale.ROOT).replaceFirst("^([78])[ _-]bit$", "$1bit");
        }

        private HeaderParams params() {
            return HeaderParams.parse(contentType == null ? null : contentType.toString());
        }

        /** The MIME type as MIME::Parser reads it: the default (text/plain if null) when none is given. */
        String mimeType(String dflt) {
            String v = params().value;
            return !v.isEmpty() ? v.toLowerCase(Locale.ROOT) : dflt != null ? dflt : "text/plain";
        }

        String boundary() {
            return params().get("boundary");
        }
    }
}
