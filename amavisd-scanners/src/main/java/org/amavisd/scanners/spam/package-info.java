/**
 * Spam checks through external daemons, configured by {@code @spam_scanners} as amavisd-new 2.13
 * writes it: {@link org.amavisd.scanners.spam.SpamdClient} (SpamAssassin's spamd, SPAMC protocol)
 * and {@link org.amavisd.scanners.spam.RspamdClient} (rspamd's HTTP {@code /checkv2}).
 * {@link org.amavisd.scanners.spam.SpamScanners#fromConfig} turns the configuration into scanners;
 * each {@link org.amavisd.scanners.spam.SpamScanner#check} gives a {@link
 * org.amavisd.scanners.spam.SpamCheck} or throws {@link org.amavisd.scanners.spam.SpamScanException},
 * never a silent empty result.
 */
package org.amavisd.scanners.spam;
