package org.amavisd.policy.conf;

/** A non-fatal remark about the configuration, such as an unknown variable name. */
public record ConfigWarning(Origin origin, String message) {
    @Override
    public String toString() {
        return origin + ": warning: " + message;
    }
}
