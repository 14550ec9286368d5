package org.amavisd.dkim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.amavisd.policy.conf.DkimKeyDecl;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;

/** Keys made with genrsa for tests, as dkim_key(...) would declare them. */
final class TestKeys {
    private TestKeys() {}

    static DkimKeyDecl decl(String domain, String selector, Path file) {
        return new DkimKeyDecl(new PerlValue.Str(domain), selector, file.toString(), Map.of(), Origin.DEFAULT);
    }

    static SigningKey generate(Path dir, String domain, String selector, int bits) throws IOException {
        Path file = dir.resolve(domain + "." + selector + ".pem");
        KeyCommands.genrsa(file, bits);
        return SigningKey.load(List.of(decl(domain, selector, file))).get(0);
    }

    /** The TXT record value for a key: "v=DKIM1; k=rsa; p=...". */
    static String txt(SigningKey k) {
        return "v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(k.publicKey().getEncoded());
    }
}
