package org.amavisd.scanners.spam;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test messages written to files with CRLF line ends, as the daemon spools them. */
final class Messages {
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private Messages() {}

    static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text.replace("\r\n", "\n").replace("\n", "\r\n"), StandardCharsets.UTF_8);
        return f;
    }

    static String header(String subject) {
        return "From: Alice <alice@example.org>\nTo: Bob <bob@example.net>\nSubject: " + subject
                + "\nDate: Mon, 01 Dec 2025 10:00:00 +0000\nMessage-ID: <" + Math.abs(subject.hashCode())
                + "@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n";
    }

    static String ham() {
        return header("lunch tomorrow")
                + "Hi Bob,\n\nshall we have lunch at noon tomorrow? The usual place is fine.\n\nAlice\n";
    }

    static String gtube() {
        return header("GTUBE test") + "This is the GTUBE test string:\n\n" + GTUBE + "\n";
    }

    /** A message whose GTUBE line comes after {@code fillerLines} lines of harmless text. */
    static String gtubeAfter(int fillerLines) {
        StringBuilder sb = new StringBuilder(header("a long letter"));
        for (int i = 0; i < fillerLines; i++) {
            sb.append("line ").append(i).append(" of a long and quite harmless letter about the garden.\n");
        }
        return sb.append(GTUBE).append('\n').toString();
    }
}
