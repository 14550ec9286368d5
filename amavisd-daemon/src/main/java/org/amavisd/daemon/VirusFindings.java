package org.amavisd.daemon;

import java.util.List;

/**
 * What virus scanning found for a message, attached to it by the virus-scanning stage: present
 * only when a scanner ran (X-Virus-Scanned is added only then, as in amavisd-new).
 *
 * @param names the virus names found, distinct, in the order the scanners reported them
 * @param scanner the name of the scanner that answered (from @av_scanners)
 */
record VirusFindings(List<String> names, String scanner) {
    VirusFindings {
        names = List.copyOf(names);
    }

    boolean infected() {
        return !names.isEmpty();
    }

    /** The %V of the templates: the names joined by ", ". */
    String joined() {
        return String.join(", ", names);
    }
}
