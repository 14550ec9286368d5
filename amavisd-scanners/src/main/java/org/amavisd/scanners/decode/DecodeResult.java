package org.amavisd.scanners.decode;

import java.util.List;

/**
 * What decoding produced.
 *
 * @param tree every part found before decoding stopped
 * @param overLimits a limit stopped decoding (amavisd-new maps this to CC_UNCHECKED, minor 2)
 * @param limitReason which limit, in words; null when none was hit
 * @param undecipherable some part could not be decoded (encrypted or unsupported archive member)
 * @param mimeErrors MIME framing errors of the message in MIME::Parser's words, in the order found
 *     ({@code "error: unexpected end of preamble"}, ...; see {@link MimeFraming}), or its "Unable
 *     to parse, perhaps message contains too many parts"; amavisd-new reports these as a bad
 *     header, CC_BADH minor 1, when the header test "mime" is allowed; empty when the structure
 *     is sound
 */
public record DecodeResult(
        PartTree tree, boolean overLimits, String limitReason, boolean undecipherable, List<String> mimeErrors) {

    public DecodeResult {
        mimeErrors = List.copyOf(mimeErrors);
    }

    /** Without MIME errors. */
    public DecodeResult(PartTree tree, boolean overLimits, String limitReason, boolean undecipherable) {
        this(tree, overLimits, limitReason, undecipherable, List.of());
    }

    /**
     * The errors as one line for the bad-header list ({@code "MIME error: " + this}) and the log,
     * as amavisd-new writes them; null when there are none.
     */
    public String mimeError() {
        return mimeErrors.isEmpty() ? null : oneLine(mimeErrors);
    }

    /**
     * amavisd-new's one line: MIME::Parser ends each message with an empty line, so joined with
     * "; " and its line ends made "; " they read "A; ; B"; white space runs become one space, and
     * the line is cut at 250 characters.
     */
    static String oneLine(List<String> errors) {
        String s = String.join("; ; ", errors).replaceAll("\\s+", " ").strip();
        return s.length() > 250 ? s.substring(0, 250) + "[...]" : s;
    }
}
