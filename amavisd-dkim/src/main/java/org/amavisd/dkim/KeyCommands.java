package org.amavisd.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The key commands of the command line: {@code genrsa}, {@code showkeys}, {@code testkeys}. */
public final class KeyCommands {
    private KeyCommands() {}

    /**
     * {@code amavisd genrsa FILE [BITS]}: a new RSA key in PKCS#1 PEM ("BEGIN RSA PRIVATE KEY", as
     * amavisd-new writes it), created with mode 0600; refuses to overwrite an existing file. Bits: 1024 by
     * default, 512 to 4096.
     *
     * @return the message amavisd-new prints on stderr
     */
    public static String genrsa(Path file, int bits) throws IOException {
        if (bits < 512) {
            throw new IllegalArgumentException("Number of bits is below 512 (suggested 1024..2048)");
        }
        if (bits > 4096) {
            throw new IllegalArgumentException("Number of bits too large (suggested 1024..2048)");
        }
        KeyPair pair;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("genrsa: " + e.getMessage(), e);
        }
        String pem =
                Pem.encode("RSA PRIVATE KEY", Pem.pkcs8ToPkcs1(pair.getPrivate().getEncoded()));
        try (OutputStream out = Files.newOutputStream(
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                StandardOpenOption.WRITE)) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        }
        String info = bits < 1024
                ? "INFO: RFC 6376 states: Signers MUST use RSA keys of at least 1024 bits for long-lived keys.\n"
                : "";
        return info + "Private RSA key successfully written to file \"" + file + "\" (" + bits
                + " bits, PEM format) \n";
    }

    /** The keys that {@code domains} select, in amavisd-new's order (sorted by reversed labels when given). */
    static List<SigningKey> select(List<SigningKey> keys, List<String> domains) {
        List<SigningKey> out = new ArrayList<>();
        for (SigningKey k : keys) {
            if (domains.isEmpty() || domains.stream().anyMatch(d -> selects(k, d.toLowerCase(Locale.ROOT)))) {
                out.add(k);
            }
        }
        if (!domains.isEmpty()) {
            out.sort(
                    Comparator.comparing((SigningKey k) -> reversed(k.domain())).thenComparingInt(SigningKey::index));
        }
        return out;
    }

    private static boolean selects(SigningKey k, String arg) {
        if (k.domainPattern() != null) {
            return k.domainPattern().matcher(arg).find();
        }
        if (arg.startsWith(".")) {
            String parent = arg.substring(1);
            return k.domain().equals(parent) || k.domain().endsWith("." + parent) || parent.isEmpty();
        }
        return k.domain().equals(arg);
    }

    private static String reversed(String domain) {
        List<String> labels = new ArrayList<>(List.of(domain.split("\\.", -1)));
        java.util.Collections.reverse(labels);
        return String.join(".", labels);
    }

    /**
     * {@code amavisd showkeys [DOMAINS]}: the TXT records to publish, in amavisd-new's zone-file layout
     * (a comment line, then {@code selector._domainkey.domain.  3600 TXT ( "v=DKIM1; p=" "MIIB..." )}).
     */
    public static String showkeys(List<SigningKey> keys, List<String> domains) {
        List<SigningKey> selected = select(keys, domains);
        if (selected.isEmpty()) return nothingSelected(keys);
        StringBuilder out = new StringBuilder();
        for (SigningKey k : selected) {
            out.append(String.format(
                    "; key#%d %d bits, s=%s, d=%s, %s\n",
                    k.index() + 1, k.bits(), k.selector(), k.domain(), k.keyFile()));
            if (k.domainPattern() != null) {
                out.append("; CANNOT DECLARE A WILDCARDED LABEL IN DNS, AVOID OR EDIT MANUALLY!\n");
            }
            List<String> tags = new ArrayList<>();
            tags.add("v=" + k.options().getOrDefault("v", "DKIM1"));
            for (String t : List.of("g", "h", "k", "s", "t", "n")) {
                String v = k.options().get(t);
                if (v != null) {
                    tags.add(t + "=" + (t.equals("n") ? qpSection(v) : v));
                }
            }
            tags.add("p=");
            StringBuilder rr = new StringBuilder();
            rr.append("\n  \"").append(String.join("; ", tags)).append('"');
            String b64 = Base64.getEncoder().encodeToString(k.publicKey().getEncoded());
            for (int i = 0; i < b64.length(); i += 64) {
                rr.append("\n  \"")
                        .append(b64, i, Math.min(b64.length(), i + 64))
                        .append('"');
            }
            out.append(String.format("%s._domainkey.%s.\t%s TXT (%s)\n\n", k.selector(), k.domain(), "3600", rr));
        }
        return out.toString();
    }

    /** amavisd-new's answer when no key is selected: none declared, or none matches. */
    private static String nothingSelected(List<SigningKey> keys) {
        return keys.isEmpty()
                ? "No DKIM private keys declared in a config file.\n"
                : "No DKIM private keys match the selection list.\n";
    }

    private static String qpSection(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c < 0x20 || c == 0x7f || c == '=' || c == ';' || c == '"') {
                b.append(String.format("=%02X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * {@code amavisd testkeys [DOMAINS]}: signs a small test message with each selected key and verifies it
     * with the public key found in DNS, as amavisd-new does; one line per key: {@code TESTING#1 example.com:
     * sel._domainkey.example.com => pass}. When the record is found but holds another key, the line says
     * so.
     */
    public static String testkeys(List<SigningKey> keys, List<String> domains, DnsTxtLookup dns) throws IOException {
        List<SigningKey> selected = select(keys, domains);
        if (selected.isEmpty()) return nothingSelected(keys);
        StringBuilder out = new StringBuilder();
        DkimVerifier verifier = new DkimVerifier(new DnsKeyRetriever(dns));
        for (SigningKey k : selected) {
            String d = k.domainPattern() == null ? k.domain() : k.domain().replace("*", "test");
            long now = System.currentTimeMillis() / 1000;
            String date = ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME);
            List<String> header =
                    List.of("From: test@" + d, "Message-ID: <123@" + d + ">", "Date: " + date, "Subject: test");
            Map<String, String> tags = new java.util.LinkedHashMap<>();
            tags.put("v", "1");
            tags.put("a", "rsa-sha256");
            tags.put("d", d);
            tags.put("s", k.selector());
            tags.put("t", Long.toString(now));
            tags.put("x", Long.toString(now + 24 * 3600));
            DkimSigner.Plan plan = new DkimSigner.Plan(k, tags, new DkimSigner.Originator("test@" + d, "From"));
            byte[] body = "test\r\n".getBytes(StandardCharsets.US_ASCII);
            String sig = new DkimSigner(List.of(k))
                    .sign(plan, header, new ByteArrayInputStream(body), DkimSigner.DEFAULT_SIGNED_HEADER_FIELDS, false);
            StringBuilder msg = new StringBuilder(sig).append("\r\n");
            header.forEach(f -> msg.append(f).append("\r\n"));
            msg.append("\r\n").append("test\r\n");
            VerificationResult r =
                    verifier.verify(new ByteArrayInputStream(msg.toString().getBytes(StandardCharsets.US_ASCII)));
            for (SignatureResult s : r.signatures()) {
                out.append(String.format(
                        "TESTING#%d %s: %s._domainkey.%s => %s%s\n",
                        k.index() + 1, d, s.selector(), s.domain(), s.detail(), keyNote(k, s, dns)));
            }
        }
        return out.toString();
    }

    /** " (the key in DNS is not the key of FILE)" when DNS has a record with another p=. */
    private static String keyNote(SigningKey k, SignatureResult s, DnsTxtLookup dns) {
        if (s.valid()) {
            return "";
        }
        DnsTxtLookup.Answer a = dns.lookup(s.selector() + "._domainkey." + s.domain());
        if (a.status() != DnsTxtLookup.Status.FOUND) {
            return "";
        }
        String ours = Base64.getEncoder().encodeToString(k.publicKey().getEncoded());
        for (String rec : a.records()) {
            String p = Tags.compact(Tags.parse(rec).get("p"));
            if (p.equals(ours)) {
                return "";
            }
        }
        return " (the key in DNS is not the key of " + k.keyFile() + ")";
    }
}
