/**
 * Header-section checks giving the bad-header content category (CC_BADH) with amavisd-new's minor
 * codes: 1 MIME error, 2 unencoded 8-bit data, 3 NUL or CR, 4 whitespace-only folded line,
 * 5 line over 998 characters, 6 field syntax, 7 missing Date or From, 8 a duplicated field that
 * must occur at most once. When several apply the highest minor code is the message's.
 */
package org.amavisd.scanners.header;
