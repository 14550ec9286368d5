/**
 * Decoding (issue 4): the MIME walk of a spooled message into part files, file typing by content
 * with amavisd-new's short type names, and recursive unpacking of archives with Java libraries,
 * our own readers (RPM, TNEF, OLE2) and Debian's programs (rar, cab, lha), under amavisd-new's
 * limits ($MAXLEVELS, $MAXFILES, expansion quota) and a time budget.
 * MIME errors are found as amavisd-new's parser finds them ({@link
 * org.amavisd.scanners.decode.MimeFraming}). Entry point: {@link
 * org.amavisd.scanners.decode.Decoder#decode}.
 */
package org.amavisd.scanners.decode;
