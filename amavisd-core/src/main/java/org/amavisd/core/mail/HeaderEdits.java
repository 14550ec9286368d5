package org.amavisd.core.mail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The changes made to the header of one recipient's copy of a message, as amavisd-new makes them:
 * fields added at the top (above our Received field, in the order given), fields of the original
 * removed by name, and a tag put in front of the Subject. A value, so that recipients whose edits
 * are equal can share one relay transaction.
 *
 * <p>Writing streams the original: only the header section is read line by line, and only when
 * something in it changes; the body is copied as it is.
 */
public record HeaderEdits(List<String> prepend, Set<String> delete, String subjectTag) {
    /** No edits at all. */
    public static final HeaderEdits NONE = new HeaderEdits(List.of(), Set.of(), null);

    private static final int FOLD_AT = 78;

    public HeaderEdits {
        prepend = List.copyOf(prepend);
        TreeSet<String> d = new TreeSet<>();
        for (String n : delete) d.add(n.toLowerCase(Locale.ROOT));
        delete = java.util.Collections.unmodifiableSet(d);
        if (subjectTag != null && subjectTag.isEmpty()) subjectTag = null;
    }

    /** These edits and the field "name: value" (folded at whitespace to 78 columns) added at the top, after the ones before. */
    public HeaderEdits withPrepended(String name, String value) {
        List<String> p = new ArrayList<>(prepend);
        String v = value.replaceAll("[\\r\\n]+", " ");
        // an empty value leaves no blank after the colon, as amavisd-new writes it ("X-Spam-Level:")
        p.add(fold(v.isEmpty() ? name + ":" : name + ": " + v));
        return new HeaderEdits(p, delete, subjectTag);
    }

    /**
     * These edits and the field "name: value" added at the top, where each LF in {@code value}
     * marks a place the field may be folded (the blank after it starting the continuation line):
     * the pieces are joined on one line while it stays within 78 characters, as amavisd-new folds
     * X-Spam-Status.
     */
    public HeaderEdits withPrependedFolded(String name, String value) {
        List<String> p = new ArrayList<>(prepend);
        p.add(foldAtMarks(name, value));
        return new HeaderEdits(p, delete, subjectTag);
    }

    /**
     * "name: value" where each LF in {@code value} marks a place the field may be folded (the
     * blank after it starting the continuation line): the pieces are joined on one line while it
     * stays within 78 characters, as amavisd-new wraps its structured fields. CRLF between lines,
     * none at the end.
     */
    public static String foldAtMarks(String name, String value) {
        String[] pieces = value.replace("\r\n", "\n").split("\n", -1);
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(name).append(": ").append(pieces[0]);
        for (int i = 1; i < pieces.length; i++) {
            String piece =
                    pieces[i].isEmpty() || Character.isWhitespace(pieces[i].charAt(0)) ? pieces[i] : " " + pieces[i];
            if (line.length() + piece.length() > FOLD_AT && !line.toString().isBlank()) {
                out.append(line).append("\r\n");
                line.setLength(0);
            }
            line.append(piece);
        }
        return out.append(line).toString();
    }

    /** These edits and a whole field, folded already (CRLF and a blank between its lines), added at the top. */
    public HeaderEdits withPrependedField(String field) {
        List<String> p = new ArrayList<>(prepend);
        p.add(field.replaceAll("\r?\n$", ""));
        return new HeaderEdits(p, delete, subjectTag);
    }

    /** These edits with {@code field} (folded already) added above all the others: a signature over them. */
    public HeaderEdits withFirst(String field) {
        List<String> p = new ArrayList<>();
        p.add(field.replaceAll("\r?\n$", ""));
        p.addAll(prepend);
        return new HeaderEdits(p, delete, subjectTag);
    }

    /**
     * These edits with the original's Authentication-Results fields that claim {@code authservId}
     * removed: only we may speak for our own authserv-id (RFC 8601), as amavisd-new enforces.
     */
    public HeaderEdits withForeignClaimsRemoved(String authservId) {
        return withDeleted("authentication-results" + AUTHSERV + authservId.toLowerCase(Locale.ROOT));
    }

    private static final String AUTHSERV = ";authserv-id=";

    /** These edits with every field of that name removed from the original. */
    public HeaderEdits withDeleted(String name) {
        Set<String> d = new TreeSet<>(delete);
        d.add(name);
        return new HeaderEdits(prepend, d, subjectTag);
    }

    /** These edits with {@code tag} put in front of the Subject (after any tag set before). */
    public HeaderEdits withSubjectTag(String tag) {
        if (tag == null || tag.isEmpty()) return this;
        return new HeaderEdits(prepend, delete, subjectTag == null ? tag : subjectTag + tag);
    }

    public boolean isEmpty() {
        return prepend.isEmpty() && delete.isEmpty() && subjectTag == null;
    }

    /** An upper bound of the bytes these edits add (for the SIZE parameter). */
    public long sizeDelta() {
        long n = 0;
        for (String f : prepend) n += f.getBytes(StandardCharsets.UTF_8).length + 2;
        if (subjectTag != null) n += subjectTag.getBytes(StandardCharsets.UTF_8).length + "Subject: \r\n".length();
        return n;
    }

    /** The added fields, CRLF-terminated, as they go on the wire. */
    public byte[] prependBytes() {
        StringBuilder sb = new StringBuilder();
        for (String f : prepend) sb.append(f).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the edited message: the added fields, then {@code trace} (our Received field), then
     * the original from {@code message} with fields removed and the Subject tagged.
     */
    public void write(byte[] trace, Path message, OutputStream out) throws IOException {
        out.write(prependBytes());
        out.write(trace);
        try (InputStream in = Files.newInputStream(message)) {
            if (delete.isEmpty() && subjectTag == null) {
                in.transferTo(out);
            } else {
                editHeader(new BufferedInputStream(in, 16 * 1024), out);
            }
        }
    }

    private void editHeader(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        boolean subjectDone = false;
        while (true) {
            byte[] line = readLine(in);
            boolean end = line == null || isBlank(line);
            boolean continuation = !end && (line[0] == ' ' || line[0] == '\t');
            if (!continuation && field.size() > 0) {
                subjectDone |= emitField(field.toByteArray(), subjectDone, out);
                field.reset();
            }
            if (end) {
                if (!subjectDone && subjectTag != null) {
                    out.write(("Subject: " + subjectTag.strip() + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                if (line != null) out.write(line);
                break;
            }
            field.write(line);
        }
        in.transferTo(out);
    }

    /** Writes one original field unless deleted, tagging the first Subject; true when it was the Subject. */
    private boolean emitField(byte[] f, boolean subjectDone, OutputStream out) throws IOException {
        int colon = indexOf(f, (byte) ':');
        String name = colon < 0
                ? ""
                : new String(f, 0, colon, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
        if (delete.contains(name)) return false;
        if (!delete.isEmpty() && delete.contains(name + AUTHSERV + authservId(f, colon))) return false;
        if (!subjectDone && subjectTag != null && name.equals("subject")) {
            int at = colon + 1;
            if (at < f.length && (f[at] == ' ' || f[at] == '\t')) at++;
            out.write(f, 0, colon + 1);
            out.write(' ');
            out.write(subjectTag.getBytes(StandardCharsets.UTF_8));
            byte[] rest = java.util.Arrays.copyOfRange(f, at, f.length);
            if (subjectTag.length() >= 3) { // a tag already there is not repeated, as amavisd-new does
                String r = new String(rest, StandardCharsets.UTF_8);
                String without = r.replace(subjectTag, "");
                if (!without.equals(r)) rest = without.getBytes(StandardCharsets.UTF_8);
            }
            out.write(rest);
            return true;
        }
        out.write(f);
        return false;
    }

    /** The authserv-id an Authentication-Results field body starts with (comments skipped), lowercased. */
    private static String authservId(byte[] f, int colon) {
        String body = new String(f, colon + 1, f.length - colon - 1, StandardCharsets.ISO_8859_1)
                .replaceAll("\\([^()]*\\)", " ")
                .trim();
        int end = 0;
        while (end < body.length() && body.charAt(end) != ';' && !Character.isWhitespace(body.charAt(end))) end++;
        return body.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            if (c == '\n') break;
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    private static boolean isBlank(byte[] line) {
        return line.length <= 2 && (line[0] == '\n' || (line[0] == '\r' && line.length == 2 && line[1] == '\n'));
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }

    /**
     * Folds a header field at whitespace so that lines stay within 78 characters where possible:
     * the blank at a break starts the continuation line, as amavisd-new folds its own fields.
     */
    static String fold(String field) {
        if (field.length() <= FOLD_AT) return field;
        StringBuilder out = new StringBuilder(field.length() + 8);
        String rest = field;
        while (rest.length() > FOLD_AT) {
            int cut = -1;
            for (int i = Math.min(FOLD_AT, rest.length() - 1); i > 0; i--) {
                char c = rest.charAt(i);
                if ((c == ' ' || c == '\t') && !rest.substring(0, i).isBlank()) {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) { // no blank early enough: break at the first one after
                for (int i = FOLD_AT + 1; i < rest.length(); i++) {
                    char c = rest.charAt(i);
                    if (c == ' ' || c == '\t') {
                        cut = i;
                        break;
                    }
                }
            }
            if (cut < 0) break;
            out.append(rest, 0, cut).append("\r\n");
            rest = rest.substring(cut);
        }
        return out.append(rest).toString();
    }

    @Override
    public String toString() {
        return "HeaderEdits" + prepend + (delete.isEmpty() ? "" : " -" + delete)
                + (subjectTag == null ? "" : " subject+'" + subjectTag + "'");
    }
}
