package org.amavisd.scanners.header;

import java.util.List;
import java.util.Optional;
import org.amavisd.core.ccat.Ccat;
import org.amavisd.core.ccat.ContentCategory;

/**
 * What the header checks found: one line per problem (for the log and the bad-header report,
 * non-printable characters shown as \x{HH}) and the highest minor code (0 when none).
 */
public record HeaderVerdict(List<String> problems, int minor) {
    public static final HeaderVerdict CLEAN = new HeaderVerdict(List.of(), 0);

    public HeaderVerdict {
        problems = List.copyOf(problems);
    }

    public boolean isBad() {
        return !problems.isEmpty();
    }

    /** CC_BADH with the minor code, when anything was found. */
    public Optional<Ccat> ccat() {
        return isBad() ? Optional.of(Ccat.of(ContentCategory.BAD_HEADER, minor)) : Optional.empty();
    }
}
