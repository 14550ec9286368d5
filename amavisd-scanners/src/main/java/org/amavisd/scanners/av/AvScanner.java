package org.amavisd.scanners.av;

import java.nio.file.Path;
import java.util.List;
import org.amavisd.policy.regex.PerlRegex;

/**
 * One usable entry of @av_scanners or @av_scanners_backup, read by {@link AvScannerConfig}.
 *
 * @param name field 1, for logs and reports
 * @param kind how the scanner is reached
 * @param program the program found for a {@link Kind#COMMAND} (field 2), else null
 * @param template the query or argument template (field 3): {@code {}} is the directory to scan,
 *     {@code {}/*} and {@code *} the files in it
 * @param sockets the sockets of a daemon (field 3's second element), empty for a command
 * @param clean field 4; null is amavisd-new's undef: "clean but inconclusive", never a failure
 * @param infected field 5
 * @param virusNames field 6: what its groups capture, over all matches, are the virus names; null
 *     when the entry has none (or a sub, which we cannot run)
 */
public record AvScanner(
        String name,
        Kind kind,
        Path program,
        String template,
        List<SocketSpec> sockets,
        StatusTest clean,
        StatusTest infected,
        PerlRegex virusNames) {

    public enum Kind {
        /** \&ask_daemon with no protocol prefix (or simple:): the query text sent as written, the answer read to the end. */
        DAEMON_SIMPLE,
        /** \&ask_daemon with a clamd: socket: INSTREAM of each file in one clamd session. */
        DAEMON_CLAMD,
        /** A program run with the template's arguments, never through a shell. */
        COMMAND
    }

    public AvScanner {
        sockets = List.copyOf(sockets);
    }
}
