package org.amavisd.scanners.decode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a spooled message into parts: the MIME walk first (every leaf to its own file), then
 * each file typed by content and, when it is an archive or compressed file we can read (with a
 * Java library, our own reader for RPM, TNEF and OLE2, or an installed external program for rar,
 * arj, cab and lha) or an embedded
 * message, unpacked into further parts, breadth first (amavisd-new's decoding tiers), until
 * nothing is left or a limit is reached. Parts are numbered as amavisd-new numbers them (see
 * {@link Part#id()}); MIME framing errors of the message are reported as amavisd-new's MIME
 * errors ({@link DecodeResult#mimeErrors()}).
 *
 * <p>Memory stays bounded whatever the message size: the message and every part are streamed
 * between files with a fixed buffer. Disk is bounded by the expansion quota, part count by
 * $MAXFILES, time by the budget.
 */
public final class Decoder {
    private static final Logger log = LoggerFactory.getLogger(Decoder.class);

    private Decoder() {}

    /**
     * @param messageFile the message as spooled (e.g. {@code tempDir/email.txt})
     * @param partsDir where part files go (e.g. {@code tempDir/parts}); created if missing, should be empty
     * @throws IOException when the message or the parts directory cannot be read or written (not
     *     for malformed content, which decodes as far as it can)
     */
    public static DecodeResult decode(Path messageFile, Path partsDir, DecodeLimits limits) throws IOException {
        return decode(messageFile, partsDir, limits, ExternalArchivers.system());
    }

    /**
     * As {@link #decode(Path, Path, DecodeLimits)}, with the external archive programs found by
     * {@code programs} (rar, arj, cab and lha archives stay packed when their program is absent).
     */
    public static DecodeResult decode(Path messageFile, Path partsDir, DecodeLimits limits, ExternalArchivers programs)
            throws IOException {
        return decode(messageFile, partsDir, limits, DecoderTable.all(programs));
    }

    /**
     * As {@link #decode(Path, Path, DecodeLimits)}, unpacking only the types {@code decoders}
     * has a decoder for ({@code @decoders}), with its programs.
     */
    public static DecodeResult decode(Path messageFile, Path partsDir, DecodeLimits limits, DecoderTable decoders)
            throws IOException {
        Files.createDirectories(partsDir);
        Budget budget = new Budget(limits, partsDir, Files.size(messageFile));
        ArchiveExpander expander = new ArchiveExpander(budget, decoders);
        String reason = null;
        String failure = null;
        MimeWalker walker = new MimeWalker(budget);
        // the MIME errors, as amavisd-new's parser finds them: a pass over the lines of the message
        List<String> mimeErrors = MimeFraming.check(messageFile, limits.maxFiles());
        if (!mimeErrors.isEmpty()) log.warn("MIME::Parser {}", DecodeResult.oneLine(mimeErrors));
        try {
            try {
                walker.walk(messageFile, null, MimeWalker.MIME_TIER);
            } catch (OverLimitException e) {
                // too many MIME parts: as in amavisd-new (MIME::Parser's max_parts) a MIME error,
                // reported with the parts read so far, not a decoding limit; anything more to
                // unpack then meets the same limit below
                if (!e.getMessage().startsWith("Maximum number of files")) throw e;
            }
            for (int i = 0; i < budget.nodes.size(); i++) { // grows as archives are unpacked
                Node n = budget.nodes.get(i);
                if (n.file == null) continue;
                budget.checkTime();
                typeOf(n);
                if (MimeWalker.isEmbeddedMessage(n)) {
                    // amavisd-new's "mail" decoder: the message in this part, parsed on its own
                    int max = limits.maxLevels();
                    if (max > 0 && n.tier + 1 > max) {
                        throw new OverLimitException("Maximum decoding depth (" + max + ") exceeded");
                    }
                    MimeWalker inner = new MimeWalker(budget);
                    inner.walk(n.file, n, n.tier + 1);
                    if (inner.stoppedBy() != null) n.addAttributes("U"); // the rest of it was not read
                } else {
                    expander.expand(n);
                }
            }
        } catch (OverLimitException e) {
            reason = e.getMessage();
            log.info("decoding stopped: {}", reason);
        } catch (RuntimeException e) {
            // a parser that breaks on hostile input must not tempfail the message for ever: what was
            // decoded so far is checked, the failure counts as a MIME error and the rest as
            // undecipherable (amavisd-new goes on the same way when its MIME parser dies)
            log.warn("decoding failed: {}", e.toString());
            failure = "decoding failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        List<Part> parts = new ArrayList<>(budget.nodes.size());
        boolean undecipherable = false;
        for (Node n : budget.nodes) {
            if (n.file != null && n.fullType == null) typeOf(n); // reached before the limit stopped us
            undecipherable |= n.attributes.indexOf('U') >= 0;
            parts.add(n.freeze());
        }
        List<String> problems = new ArrayList<>(mimeErrors);
        if (walker.stoppedBy() != null) undecipherable = true; // the rest of the message was not read
        if (failure != null) {
            problems.add(failure);
            undecipherable = true;
        }
        return new DecodeResult(new PartTree(parts), reason != null, reason, undecipherable, problems);
    }

    private static void typeOf(Node n) throws IOException {
        FileTyper.FileType t = FileTyper.detect(n.file);
        n.fullType = t.fullType();
        n.types = t.shortTypes();
    }
}
