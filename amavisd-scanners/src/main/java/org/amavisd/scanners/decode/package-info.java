/**
 * Decoding (issue 4): the MIME walk of a spooled message into part files, file typing by content
 * with amavisd-new's short type names, and recursive unpacking of archives with Java libraries,
 * under amavisd-new's limits ($MAXLEVELS, $MAXFILES, expansion quota) and a time budget.
 * Entry point: {@link org.amavisd.scanners.decode.Decoder#decode}.
 */
package org.amavisd.scanners.decode;
