package org.amavisd.scanners.av;

/**
 * One result line of clamd: {@code "path: OK"}, {@code "path: Name FOUND"}, {@code "path: text ERROR"}.
 *
 * @param path the file the line is about ("stream" for INSTREAM; replaced by the file name by
 *     {@link ClamdClient#instream}); empty when clamd named none
 * @param status what clamd said
 * @param detail the virus name (FOUND), the error text (ERROR), the whole line (UNPARSEABLE), else ""
 */
public record ClamdReply(String path, Status status, String detail) {
    public enum Status {
        OK,
        FOUND,
        ERROR,
        /** Not a clamd result line: a peer that is not clamd, or a broken one. */
        UNPARSEABLE
    }

    /** Parses one line, without its terminator (NUL or newline). */
    public static ClamdReply parse(String line) {
        String l = line.strip();
        if (l.endsWith(" FOUND")) {
            String body = l.substring(0, l.length() - " FOUND".length());
            int colon = body.lastIndexOf(": ");
            if (colon >= 0) return new ClamdReply(body.substring(0, colon), Status.FOUND, body.substring(colon + 2));
        } else if (l.endsWith(": OK")) {
            return new ClamdReply(l.substring(0, l.length() - ": OK".length()), Status.OK, "");
        } else if (l.endsWith(" ERROR") || l.equals("ERROR")) {
            String body = l.substring(0, Math.max(0, l.length() - " ERROR".length()));
            int colon = body.indexOf(": ");
            return colon >= 0
                    ? new ClamdReply(body.substring(0, colon), Status.ERROR, body.substring(colon + 2))
                    : new ClamdReply("", Status.ERROR, body);
        }
        return new ClamdReply("", Status.UNPARSEABLE, l);
    }

    public ClamdReply withPath(String newPath) {
        return new ClamdReply(newPath, status, detail);
    }

    /** The line as clamd writes it (with this record's path), what amavisd-new's regexes see. */
    public String line() {
        return switch (status) {
            case OK -> path + ": OK";
            case FOUND -> path + ": " + detail + " FOUND";
            case ERROR -> (path.isEmpty() ? "" : path + ": ") + detail + " ERROR";
            case UNPARSEABLE -> detail;
        };
    }
}
