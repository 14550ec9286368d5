/**
 * What looks inside a message: the MIME walk and archive decoders that turn a message into parts
 * on disk ({@code org.amavisd.scanners.decode}), file typing, banned-name rules and header checks
 * ({@code org.amavisd.scanners.banned}, {@code org.amavisd.scanners.header}); later the virus and
 * spam scanner clients. Depends on amavisd-core, and on amavisd-policy for Perl regular expressions
 * and config values (banned rules are new_RE tables).
 */
package org.amavisd.scanners;
