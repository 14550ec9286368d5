package org.amavisd.dkim;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.amavisd.policy.conf.DkimKeyDecl;
import org.amavisd.policy.conf.PerlValue;

/**
 * One dkim_key(domain, selector, file, options...) with its private key loaded.
 *
 * @param index position in the config, from 0 (amavisd-new's key#N is index + 1)
 * @param domain the signing domain as declared (lower case), or the regex source for a qr// or wildcard
 * @param domainPattern null for a plain domain; the pattern for a qr// or a '*' wildcard
 * @param selector the selector, lower case
 * @param keyFile the PEM file
 * @param options the public-key tags given to dkim_key (v, g, h, k, s, t, n)
 * @param privateKey the RSA private key
 * @param publicKey its public key
 * @param bits the modulus size
 */
public record SigningKey(
        int index,
        String domain,
        Pattern domainPattern,
        String selector,
        String keyFile,
        Map<String, String> options,
        PrivateKey privateKey,
        PublicKey publicKey,
        int bits) {

    public SigningKey {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Loads the keys of the dkim_key declarations, in order. */
    public static List<SigningKey> load(List<DkimKeyDecl> decls) throws IOException {
        List<SigningKey> out = new ArrayList<>();
        for (int i = 0; i < decls.size(); i++) {
            DkimKeyDecl d = decls.get(i);
            PrivateKey key = Pem.readPrivateKey(Path.of(d.keyFile()));
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
            String domain;
            Pattern pattern = null;
            if (d.domain() instanceof PerlValue.RegexValue r) {
                domain = r.source();
                pattern = r.compiled().pattern();
            } else {
                domain = d.domain().asString().toLowerCase(Locale.ROOT);
                if (domain.contains("*")) {
                    pattern = wildcard(domain);
                }
            }
            out.add(new SigningKey(
                    i,
                    domain,
                    pattern,
                    d.selector().toLowerCase(Locale.ROOT),
                    d.keyFile(),
                    d.options(),
                    key,
                    Pem.publicOf(crt),
                    crt.getModulus().bitLength()));
        }
        return out;
    }

    /** dkim-milter's '*' in a signing domain: any characters, the rest literal, anchored. */
    static Pattern wildcard(String domain) {
        StringBuilder re = new StringBuilder("^");
        for (String part : domain.replaceAll("\\*+", "*").split("\\*", -1)) {
            if (re.length() > 1) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.append("\\z").toString());
    }

    /** Does this key sign for {@code d}? */
    public boolean matchesDomain(String d) {
        return domainPattern == null
                ? domain.equals(d)
                : domainPattern.matcher(d).find();
    }

    /** Key type (k=), rsa by default. */
    public String keyType() {
        return options.getOrDefault("k", "rsa");
    }
}
