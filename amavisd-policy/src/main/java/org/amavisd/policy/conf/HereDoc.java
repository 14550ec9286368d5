package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of a here-document: the lines after the introducing line up to the terminator.
 *
 * @param body the text, each line newline-terminated
 * @param end offset just past the terminator line
 * @param lines number of source lines consumed, terminator included
 */
record HereDoc(String body, int end, int lines) {
    /** Returns null when the terminator is missing. With {@code indent} (<<~) common leading space is removed. */
    static HereDoc read(String src, int bodyStart, String tag, boolean indent) {
        List<String> collected = new ArrayList<>();
        int p = bodyStart;
        int count = 0;
        while (p < src.length()) {
            int eol = src.indexOf('\n', p);
            int lineEnd = eol < 0 ? src.length() : eol;
            String text = src.substring(p, lineEnd);
            p = eol < 0 ? src.length() : eol + 1;
            count++;
            if ((indent ? text.strip() : text).equals(tag)) {
                String strip = indent ? text.substring(0, text.indexOf(tag)) : "";
                StringBuilder body = new StringBuilder();
                for (String l : collected) {
                    body.append(l.startsWith(strip) ? l.substring(strip.length()) : l.stripLeading())
                            .append('\n');
                }
                return new HereDoc(body.toString(), p, count);
            }
            collected.add(text);
        }
        return null;
    }
}
