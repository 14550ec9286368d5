package org.amavisd.scanners.header;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the header section of a message as amavisd-new's header validity check does. Reads
 * only the header section, line by line; memory is bounded: of each field at most
 * {@link #MAX_FIELD_BYTES} are kept (line lengths and whitespace-only lines are measured while
 * reading, whatever the field's size), only the fields whose number matters are counted, and
 * at most 100 problems are reported.
 *
 * <p>Per field at most one problem is reported, the first of: syntax (no valid name, a name
 * starting with "--", a non-ASCII name), a whitespace-only folded line, a line over 998
 * characters, NUL or CR, then non-ASCII data (invalid UTF-8 or UTF-8 with C1 controls; valid
 * UTF-8 only with {@link HeaderTest#UTF8} and without SMTPUTF8). Then Date and From must be
 * present, and the fields of RFC 5322, RFC 2045 and RFC 2183 that may occur once must not occur
 * twice. Lines end in LF; a CR right before the LF is taken as part of a CRLF line ending.
 *
 * <p>{@link HeaderTest#MIME} is not this class's business: amavisd-new's MIME errors come from
 * parsing the whole message, and the decoder's
 * {@link org.amavisd.scanners.decode.DecodeResult#mimeErrors()} are those (CC_BADH minor 1), a
 * multipart without a boundary among them.
 */
public final class HeaderChecker {
    /** How much of one header field is kept for the checks that look at its content. */
    public static final int MAX_FIELD_BYTES = 64 * 1024;

    private static final int MAX_PROBLEMS = 100;
    private static final int MAX_LINE = 998;

    /** Fields that may occur at most once; Date and From must occur. */
    private static final List<String> ONCE_ONLY = List.of(
            "Date",
            "From",
            "Sender",
            "Reply-To",
            "To",
            "Cc",
            "Bcc",
            "Subject",
            "Message-ID",
            "References",
            "In-Reply-To",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "Content-ID",
            "Content-Description",
            "Content-Disposition",
            "Auto-Submitted");

    private static final Set<String> REQUIRED = Set.of("date", "from");

    private final Set<HeaderTest> tests;
    private final boolean smtpUtf8;

    /** Checks with amavisd-new's default tests for a message received without SMTPUTF8. */
    public HeaderChecker() {
        this(HeaderTest.defaults(), false);
    }

    /**
     * @param tests the enabled tests (%allowed_header_tests)
     * @param smtpUtf8 whether the message came with SMTPUTF8, which allows UTF-8 in field bodies
     */
    public HeaderChecker(Set<HeaderTest> tests, boolean smtpUtf8) {
        this.tests = tests.isEmpty() ? EnumSet.noneOf(HeaderTest.class) : EnumSet.copyOf(tests);
        this.smtpUtf8 = smtpUtf8;
    }

    /** Checks the header section of a spooled message file. */
    public HeaderVerdict check(Path message) throws IOException {
        try (InputStream in = Files.newInputStream(message)) {
            return check(in);
        }
    }

    /** Checks the header section read from {@code in} (read up to the empty line or the end). */
    public HeaderVerdict check(InputStream raw) throws IOException {
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 16 * 1024);
        State st = new State();
        Field cur = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            // one line: keep what fits into the field's budget, measure the rest
            line.reset();
            long len = 0;
            boolean onlyBlanks = true;
            int c;
            boolean eof = false;
            while (true) {
                c = in.read();
                if (c < 0) {
                    eof = true;
                    break;
                }
                if (c == '\n') {
                    break;
                }
                if (line.size() < MAX_FIELD_BYTES + 1) {
                    line.write(c);
                }
                len++;
                if (c != ' ' && c != '\t') {
                    onlyBlanks = false;
                }
            }
            byte[] b = line.toByteArray();
            if (!eof && len > 0 && b.length == len && b[b.length - 1] == '\r') {
                // CRLF line ending
                b = java.util.Arrays.copyOf(b, b.length - 1);
                len--;
                onlyBlanks = onlyBlanks || allBlanks(b);
            }
            if (len == 0) {
                break; // end of header section (or of the file)
            }
            boolean continuation = b.length > 0 && (b[0] == ' ' || b[0] == '\t');
            if (!continuation || cur == null) {
                if (cur != null) {
                    finish(cur, st);
                }
                cur = new Field();
            } else {
                cur.append((byte) '\n');
                if (onlyBlanks) {
                    cur.blankLine = true;
                }
            }
            cur.append(b);
            if (b.length < len) {
                cur.truncated = true;
            }
            if (len > MAX_LINE) {
                cur.longLine = true;
            }
            if (eof) {
                break;
            }
        }
        if (cur != null) {
            finish(cur, st);
        }
        for (String name : ONCE_ONLY) {
            int n = st.counts.getOrDefault(name.toLowerCase(Locale.ROOT), 0);
            if (n == 0 && tests.contains(HeaderTest.MISSING) && REQUIRED.contains(name.toLowerCase(Locale.ROOT))) {
                st.problem(7, "Missing required header field: \"" + name + "\"");
            } else if (n > 1 && tests.contains(HeaderTest.MULTIPLE)) {
                st.problem(
                        8,
                        n == 2
                                ? "Duplicate header field: \"" + name + "\""
                                : "Header field occurs more than once: \"" + name + "\" occurs " + n + " times");
            }
        }
        return new HeaderVerdict(st.problems, st.minor);
    }

    private static boolean allBlanks(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\t') {
                return false;
            }
        }
        return true;
    }

    private void finish(Field f, State st) {
        byte[] b = f.bytes();
        String text = new String(b, StandardCharsets.ISO_8859_1); // one char per byte, as Perl sees it
        int nameEnd = nameEnd(b);
        String name = nameEnd < 0 ? null : text.substring(0, nameEnd);
        if (name != null) {
            String lc = name.toLowerCase(Locale.ROOT);
            if (st.counted(lc)) {
                st.counts.merge(lc, 1, Integer::sum);
            }
        }
        if (name == null || name.startsWith("--")) {
            if (tests.contains(HeaderTest.SYNTAX)) {
                st.problem(6, "Invalid header field syntax: " + excerpt(text));
            }
        } else if (tests.contains(HeaderTest.SYNTAX) && firstNonAscii(b, 0, nameEnd) >= 0) {
            st.problem(
                    6,
                    "Invalid header field name, contains non-ASCII char" + hex(b[firstNonAscii(b, 0, nameEnd)]) + ": "
                            + excerpt(text));
        } else if (tests.contains(HeaderTest.EMPTY) && f.blankLine) {
            st.problem(4, "Improper folded header field made up entirely of whitespace: " + excerpt(text));
        } else if (tests.contains(HeaderTest.LONG) && f.longLine) {
            st.problem(5, "Header line longer than 998 characters: " + excerpt(text));
        } else if (tests.contains(HeaderTest.CONTROL) && indexOfNulOrCr(b) >= 0) {
            st.problem(3, "Improper use of control character" + hex(b[indexOfNulOrCr(b)]) + ": " + excerpt(text));
        } else if (tests.contains(HeaderTest.EIGHT_BIT) && firstNonAscii(b, 0, b.length) >= 0) {
            int i = firstNonAscii(b, 0, b.length);
            String msg = null;
            if (!Utf8.isValid(b, f.truncated)) {
                msg = "Non-encoded non-ASCII data (and not UTF-8)" + hex(b[i]);
            } else if (Utf8.hasC1Control(b)) {
                msg = "UTF-8 string contains C1 Controls";
            } else if (smtpUtf8) {
                // UTF-8 in field bodies is valid with SMTPUTF8
            } else if (tests.contains(HeaderTest.UTF8)) {
                msg = "Non-encoded UTF-8 string in non-EAI mail";
            }
            if (msg != null) {
                st.problem(2, msg + ": " + excerpt(text));
            }
        }
    }

    /** End of the field name when the field starts with one followed by optional blanks and ':'; else -1. */
    private static int nameEnd(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            boolean nameChar = (c >= '!' && c <= '9') || (c >= ';' && c <= 0x7e) || c >= 0x80;
            if (!nameChar) {
                break;
            }
            i++;
        }
        if (i == 0) {
            return -1;
        }
        int j = i;
        while (j < b.length && (b[j] == ' ' || b[j] == '\t')) {
            j++;
        }
        return j < b.length && b[j] == ':' ? i : -1;
    }

    private static int firstNonAscii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfNulOrCr(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0 || b[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    private static String hex(byte x) {
        return String.format(" (char %02X hex)", x & 0xff);
    }

    /** The start of a field for a report line: at most 60 characters, non-printables as \x{HH}. */
    static String excerpt(String field) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(field.length(), 60);
        for (int i = 0; i < n; i++) {
            char c = field.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append(c);
            } else if (c == '\\') {
                sb.append("\\\\");
            } else {
                sb.append(String.format("\\x{%02X}", (int) c));
            }
        }
        if (field.length() > n) {
            sb.append("[...]");
        }
        return sb.toString();
    }

    /** One field being read: its bytes up to the budget and what was measured line by line. */
    private static final class Field {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        boolean truncated;
        boolean blankLine;
        boolean longLine;

        void append(byte c) {
            if (buf.size() < MAX_FIELD_BYTES) {
                buf.write(c);
            } else {
                truncated = true;
            }
        }

        void append(byte[] b) {
            int room = MAX_FIELD_BYTES - buf.size();
            if (b.length > room) {
                truncated = true;
            }
            buf.write(b, 0, Math.max(0, Math.min(room, b.length)));
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    private static final class State {
        final List<String> problems = new ArrayList<>();
        final Map<String, Integer> counts = new LinkedHashMap<>();
        int minor;

        boolean counted(String lcName) {
            for (String n : ONCE_ONLY) {
                if (n.equalsIgnoreCase(lcName)) {
                    return true;
                }
            }
            return false;
        }

        void problem(int minorCode, String text) {
            minor = Math.max(minor, minorCode);
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(text);
            }
        }
    }
}
