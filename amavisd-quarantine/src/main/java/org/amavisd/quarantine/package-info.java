/**
 * Quarantine and archive stores: where a message goes when its destiny keeps it from a recipient
 * (local files now; SQL and BSMTP later), and its release. Depends on amavisd-core only.
 */
package org.amavisd.quarantine;
