package org.amavisd.policy.conf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One dkim_key(domain, selector, keyfile, options...) call of the config, in call order.
 * {@code domain} is a lowercased string or, as amavisd-new allows, a qr// ({@link PerlValue.RegexValue});
 * {@code options} are the public-key tag pairs given after the file name (t, h, k, s, n, ...).
 */
public record DkimKeyDecl(
        PerlValue domain, String selector, String keyFile, Map<String, String> options, Origin origin) {
    public DkimKeyDecl {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
