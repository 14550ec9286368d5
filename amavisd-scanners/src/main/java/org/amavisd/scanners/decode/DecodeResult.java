package org.amavisd.scanners.decode;

import java.util.List;

/**
 * What decoding produced.
 *
 * @param tree every part found before decoding stopped
 * @param overLimits a limit stopped decoding (amavisd-new maps this to CC_UNCHECKED, minor 2)
 * @param limitReason which limit, in words; null when none was hit
 * @param undecipherable some part could not be decoded (encrypted or unsupported archive member)
 * @param mimeErrors MIME framing problems of the message, in the order found: a multipart whose
 *     boundaries never come or never close, a header cut off by the end of the message, a header
 *     line that is no field, a multipart without a boundary, too many parts to parse. amavisd-new
 *     reports these (as MIME::Parser finds them) as a bad header, CC_BADH minor 1, when the
 *     header test "mime" is allowed; empty when the structure is sound
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
     * The problems as one line for the bad-header list ({@code "MIME error: " + this}): joined by
     * "; " and cut at 250 characters, as amavisd-new does; null when there are none.
     */
    public String mimeError() {
        if (mimeErrors.isEmpty()) return null;
        String s = String.join("; ", mimeErrors).replaceAll("\\s+", " ").strip();
        return s.length() > 250 ? s.substring(0, 250) + "[...]" : s;
    }
}
