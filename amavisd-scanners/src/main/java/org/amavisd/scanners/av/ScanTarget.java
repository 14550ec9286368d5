package org.amavisd.scanners.av;

import java.nio.file.Path;
import java.util.List;

/**
 * What to scan: the directory that {@code {}} stands for in an entry (CONTSCAN of it by a local
 * clamd, {@code clamscan -r} of it), and the files that {@code *} and {@code {}/*} stand for (the
 * INSTREAM of each by a remote clamd). The pipeline puts the decoded parts in the directory, and
 * lists them and the original message as files, the original first.
 */
public record ScanTarget(Path directory, List<Path> files) {
    public ScanTarget {
        files = List.copyOf(files);
    }
}
