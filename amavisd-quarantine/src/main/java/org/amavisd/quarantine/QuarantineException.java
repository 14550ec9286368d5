package org.amavisd.quarantine;

/**
 * A message could not be quarantined. Checked, so that the caller must decide what to do; under
 * rule 1 of the architecture the answer is a tempfail, since nothing may be discarded without its
 * quarantine copy.
 */
public class QuarantineException extends Exception {
    private static final long serialVersionUID = 1L;

    public QuarantineException(String message) {
        super(message);
    }

    public QuarantineException(String message, Throwable cause) {
        super(message, cause);
    }
}
