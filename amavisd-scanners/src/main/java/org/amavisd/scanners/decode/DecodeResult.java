package org.amavisd.scanners.decode;

/**
 * What decoding produced.
 *
 * @param tree every part found before decoding stopped
 * @param overLimits a limit stopped decoding (amavisd-new maps this to CC_UNCHECKED, minor 2)
 * @param limitReason which limit, in words; null when none was hit
 * @param undecipherable some part could not be decoded (encrypted or unsupported archive member)
 */
public record DecodeResult(PartTree tree, boolean overLimits, String limitReason, boolean undecipherable) {}
