/**
 * Banned-name rules as amavisd-new applies them: every leaf part is described by the parts on
 * its path from the top of the message (P= part name, L= MIME placement, M= declared MIME
 * types, T= detected short types, N= declared names, A= attributes); the values of the whole
 * path are matched against the banned_filename tables (rule by rule, each rule against every
 * value, the first rule that matches decides, so allow rules placed first win), and, where those
 * have no opinion, the path string is matched against $banned_namepath_re.
 */
package org.amavisd.scanners.banned;
