/**
 * Content categories as amavisd-new names and orders them: a major category (virus, banned,
 * unchecked, spam, spammy, bad header, oversized, MTA trouble, clean, catch-all) with an optional
 * minor code, the "major,minor" keys of the {@code *_by_ccat} settings, and the sorted
 * per-recipient list from which the main and the blocking category are taken.
 */
package org.amavisd.core.ccat;
