package org.amavisd.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;

/**
 * DKIM signing of originating mail as amavisd-new does it: the signing key is chosen from the
 * dkim_key(...) declarations by the first originator address that finds one (From, then Resent-From and
 * Resent-Sender, then Sender, then the envelope sender), with the options of
 * {@code @dkim_signature_options_bysender_maps} (c=, a=, d=, s=, i=, ttl, x=, q=), defaulting to
 * c=relaxed/simple and a=rsa-sha256. The header fields signed are those present in the message and
 * named in {@code %signed_header_fields}; a value of 2 (From, Date, Subject, Content-Type by default)
 * signs one more null instance so that such a field cannot be added later without breaking the
 * signature. The body is hashed as a stream through jDKIM's BodyHasher.
 *
 * <p>Callers sign the exact bytes they are about to relay: the final header section (after every edit)
 * and the body.
 */
public final class DkimSigner {
    /** amavisd-new 2.13's default %signed_header_fields. */
    public static final Map<String, Integer> DEFAULT_SIGNED_HEADER_FIELDS = defaultSignedHeaderFields();

    private final List<SigningKey> keys;

    public DkimSigner(List<SigningKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<SigningKey> keys() {
        return keys;
    }

    /** An address that may choose the signing key, and where it came from (From, Sender, mail_from, ...). */
    public record Originator(String address, String source) {}

    /**
     * The search list of amavisd-new: From addresses, Resent-From and Resent-Sender top down, Sender, the
     * envelope sender; duplicates and empty addresses removed.
     */
    public static List<Originator> originators(List<String> headerFields, String envelopeSender) {
        HeaderSection h = new HeaderSection(headerFields);
        List<Originator> list = new ArrayList<>();
        for (String f : h.getFields("From")) {
            Addresses.parse(HeaderSection.value(f)).forEach(a -> list.add(new Originator(a, "From")));
        }
        for (String f : headerFields) {
            String n = HeaderSection.name(f);
            if (n.equalsIgnoreCase("Resent-From") || n.equalsIgnoreCase("Resent-Sender")) {
                String src = n.equalsIgnoreCase("Resent-From") ? "Resent-From" : "Resent-Sender";
                Addresses.parse(HeaderSection.value(f)).forEach(a -> list.add(new Originator(a, src)));
            }
        }
        for (String f : h.getFields("Sender")) {
            Addresses.parse(HeaderSection.value(f)).stream()
                    .findFirst()
                    .ifPresent(a -> list.add(new Originator(a, "Sender")));
        }
        if (envelopeSender != null) {
            list.add(new Originator(envelopeSender, "mail_from"));
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Originator> out = new ArrayList<>();
        for (Originator o : list) {
            if (!o.address().isEmpty() && seen.add(o.address())) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * What to sign with: the key and the signature tags.
     *
     * @param key the chosen key
     * @param tags the signature tags in the order written (v, a, c, d, s, i, q, t, x); h, bh and b are added
     *     when signing
     * @param originator the address that chose the key
     */
    public record Plan(SigningKey key, Map<String, String> tags, Originator originator) {
        public Plan {
            tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        }

        public String domain() {
            return tags.get("d");
        }

        public String selector() {
            return tags.get("s");
        }
    }

    /**
     * Chooses key and options as amavisd-new's dkim_make_signatures does.
     *
     * @param originators from {@link #originators}
     * @param optionsBySender for an address, the option hashes of every @dkim_signature_options_bysender_maps
     *     entry that matches it, most specific first (keys c, a, d, s, i, q, ttl, x; amavisd-new's
     *     lookup2(1,...)); may return an empty list
     * @param rxTimeSeconds reception time, for t= and ttl
     * @return empty when no key applies (no dkim_key for any originator domain, or an identity that the key
     *     does not allow)
     */
    public Optional<Plan> choose(
            List<Originator> originators,
            Function<String, List<Map<String, String>>> optionsBySender,
            long rxTimeSeconds) {
        Map<String, String> opts = null;
        SigningKey key = null;
        Originator chosen = null;
        for (Originator o : originators) {
            Map<String, String> tmp = new HashMap<>();
            List<Map<String, String>> hashes = new ArrayList<>(optionsBySender.apply(o.address()));
            hashes.add(Map.of("c", "relaxed/simple", "a", "rsa-sha256"));
            for (Map<String, String> h : hashes) {
                h.forEach((k, v) -> tmp.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
            }
            tmp.putIfAbsent("d", Addresses.domain(o.address()));
            String d = tmp.get("d");
            if (d == null || d.isEmpty()) {
                continue;
            }
            Optional<SigningKey> k = findKey(tmp);
            if (k.isPresent()) {
                key = k.get();
                tmp.put("s", key.selector());
                opts = tmp;
                chosen = o;
                break;
            }
        }
        if (key == null) {
            return Optional.empty();
        }
        String d = opts.get("d").toLowerCase(Locale.ROOT);
        boolean subdomainsAllowed = !flags(key.options().get("t")).contains("s");
        String i = opts.get("i");
        if (i != null) {
            if (!i.isEmpty() && !i.contains("@")) {
                i = "@" + i;
            }
        } else if (subdomainsAllowed) {
            String idDomain = Addresses.domain(chosen.address());
            if (idDomain.endsWith("." + d)) {
                i = "@" + idDomain;
            }
        }
        if (i != null && !i.isEmpty()) {
            String idDomain = Addresses.domain(i);
            if (!subdomainsAllowed && !idDomain.equals(d)) {
                return Optional.empty();
            }
            if (subdomainsAllowed && !Addresses.isSameOrParent(d, idDomain)) {
                return Optional.empty();
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", opts.get("a"));
        String c = opts.get("c");
        if (!c.equals("simple/simple") && !c.equals("simple")) {
            tags.put("c", c);
        }
        tags.put("d", d);
        tags.put("s", key.selector());
        if (i != null && !i.isEmpty() && !i.equalsIgnoreCase("@" + d)) {
            tags.put("i", i);
        }
        String q = opts.get("q");
        if (q != null && !q.equals("dns/txt")) {
            tags.put("q", q);
        }
        tags.put("t", Long.toString(rxTimeSeconds));
        String ttl = opts.get("ttl");
        String x = opts.get("x");
        if (ttl != null && ttl.matches("\\d+(\\.\\d*)?") && Double.parseDouble(ttl) > 0) {
            x = Long.toString((long) Math.ceil(rxTimeSeconds + Double.parseDouble(ttl)));
        }
        if (x != null && x.matches("\\d+(\\.\\d*)?")) {
            tags.put("x", Long.toString((long) Math.ceil(Double.parseDouble(x))));
        }
        return Optional.of(new Plan(key, tags, chosen));
    }

    /**
     * amavisd-new does not sign again what already carries a valid signature by the same domain (and the
     * same i=, when the plan sets one): mail that passes through twice keeps one signature.
     */
    public static boolean alreadySigned(Plan plan, VerificationResult verified) {
        if (verified == null) {
            return false;
        }
        String i = plan.tags().get("i");
        for (SignatureResult s : verified.valid()) {
            if (s.domain().equalsIgnoreCase(plan.domain()) && (i == null || i.equals(s.identity()))) {
                return true;
            }
        }
        return false;
    }

    /** amavisd-new's get_dkim_key: the first key for d (and s) whose k, s and h tags fit a= and i=. */
    private Optional<SigningKey> findKey(Map<String, String> opts) {
        String d = opts.get("d").toLowerCase(Locale.ROOT);
        String s = opts.get("s");
        if (s != null && s.isEmpty()) {
            s = null;
        }
        String a = opts.getOrDefault("a", "rsa-sha256").toLowerCase(Locale.ROOT);
        int dash = a.indexOf('-');
        String keyType = dash > 0 ? a.substring(0, dash) : "rsa";
        String hashAlg = dash > 0 ? a.substring(dash + 1) : null;
        String i = opts.get("i");
        String idDomain = i == null ? "" : Addresses.domain(i);
        boolean hasPlain = keys.stream()
                .anyMatch(k -> k.domainPattern() == null && k.domain().equals(d));
        for (SigningKey k : keys) {
            if (hasPlain ? !(k.domainPattern() != null || k.domain().equals(d)) : k.domainPattern() == null) {
                continue;
            }
            if (!k.matchesDomain(d)) {
                continue;
            }
            if (s != null && !k.selector().equals(s.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!keyType.equals(k.keyType())) {
                continue;
            }
            String services = k.options().get("s");
            if (services != null
                    && !flags(services).contains("*")
                    && !flags(services).contains("email")) {
                continue;
            }
            String h = k.options().get("h");
            if (hashAlg != null && h != null && !flags(h).contains(hashAlg)) {
                continue;
            }
            if (i != null && !idDomain.equals(d) && flags(k.options().get("t")).contains("s")) {
                continue;
            }
            return Optional.of(k);
        }
        return Optional.empty();
    }

    private static List<String> flags(String colonList) {
        if (colonList == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String f : colonList.split(":")) {
            out.add(f.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /**
     * The h= list for a header section, as amavisd-new builds it: the names of the fields present, an extra
     * name after the last instance of a field whose weight is over 1, only fields with a true weight,
     * bottom up.
     *
     * @param skipTopmostReceived leave out the topmost Received (amavisd-new does so under AM.PDP and AM.CL,
     *     where the MTA adds a Received field after signing)
     */
    public static List<String> signedFieldNames(
            List<String> headerFields, Map<String, Integer> signedHeaderFields, boolean skipTopmostReceived) {
        List<String> names = new HeaderSection(headerFields).names();
        Map<String, Integer> remaining = new HashMap<>();
        for (String n : names) {
            remaining.merge(n, 1, Integer::sum);
        }
        List<String> list = new ArrayList<>();
        for (String n : names) {
            list.add(n);
            int left = remaining.merge(n, -1, Integer::sum);
            if (left == 0 && signedHeaderFields.getOrDefault(n, 0) > 1) {
                list.add(n);
            }
        }
        list.removeIf(n -> signedHeaderFields.getOrDefault(n, 0) <= 0);
        if (skipTopmostReceived) {
            list.remove("received");
        }
        java.util.Collections.reverse(list);
        return list;
    }

    /**
     * Signs a message given as its final header fields and its body.
     *
     * @param headerFields every header field as relayed, top down, each "Name: value" (folded with CRLF or
     *     LF; a final line end is ignored)
     * @param body the body bytes as relayed, CRLF line ends (read to its end, not closed)
     * @return the DKIM-Signature field to put on top, folded with CRLF + TAB, without a final CRLF
     */
    public String sign(
            Plan plan,
            List<String> headerFields,
            InputStream body,
            Map<String, Integer> signedHeaderFields,
            boolean skipTopmostReceived)
            throws IOException {
        List<String> fields = new ArrayList<>(headerFields.size());
        for (String f : headerFields) {
            String n = f.replace("\r\n", "\n").replace("\n", "\r\n");
            while (n.endsWith("\r\n")) {
                n = n.substring(0, n.length() - 2);
            }
            fields.add(n);
        }
        List<String> h = signedFieldNames(fields, signedHeaderFields, skipTopmostReceived);
        StringBuilder template = new StringBuilder();
        plan.tags().forEach((k, v) -> template.append(k).append('=').append(v).append("; "));
        template.append("h=").append(String.join(":", h)).append("; bh=; b=;");
        DKIMSigner signer = new DKIMSigner(template.toString(), plan.key().privateKey());
        try {
            SignatureRecord record = signer.newSignatureRecordTemplate(template.toString());
            BodyHasherImpl hasher = (BodyHasherImpl) signer.newBodyHasher(record);
            try (OutputStream out = hasher.getOutputStream()) {
                body.transferTo(out);
            }
            String bh = Base64.getEncoder().encodeToString(hasher.getDigest());
            String unsigned = unsignedText(plan.tags(), h, bh);
            String hash = record.getHashMethod().toString().toUpperCase(Locale.ROOT);
            Signature rsa = Signature.getInstance(hash + "withRSA");
            rsa.initSign(plan.key().privateKey());
            DkimVerifier.Canonical.check(new HeaderSection(fields), new StubRecord(record, unsigned), rsa);
            String b = Base64.getEncoder().encodeToString(rsa.sign());
            return "DKIM-Signature:" + unsigned + foldB(b);
        } catch (PermFailException | GeneralSecurityException | IllegalStateException e) {
            throw new IOException("DKIM signing failed: " + e.getMessage(), e);
        }
    }

    /**
     * The field text after "DKIM-Signature:" up to and including "b=": tags in amavisd-new's order, folded
     * at tag boundaries (and between h= names) to lines of at most 78 characters. It is hashed exactly as
     * it is emitted, so the folding is safe under simple header canonicalization too.
     */
    static String unsignedText(Map<String, String> tags, List<String> h, String bh) {
        List<String> parts = new ArrayList<>();
        tags.forEach((k, v) -> parts.add(k + "=" + v + ";"));
        StringBuilder out = new StringBuilder();
        int lineLen = "DKIM-Signature:".length();
        for (String p : parts) {
            if (lineLen + 1 + p.length() > 78) {
                out.append("\r\n\t").append(p);
                lineLen = 1 + p.length();
            } else {
                out.append(' ').append(p);
                lineLen += 1 + p.length();
            }
        }
        // h= with its names: break after a colon when a line is full
        String hs = "h=" + String.join(":", h) + ";";
        if (lineLen + 1 + Math.min(hs.length(), 20) > 78) {
            out.append("\r\n\t");
            lineLen = 1;
        } else {
            out.append(' ');
            lineLen++;
        }
        String[] pieces = hs.split("(?<=:)");
        for (String piece : pieces) {
            if (lineLen + piece.length() > 78 && lineLen > 1) {
                out.append("\r\n\t");
                lineLen = 1;
            }
            out.append(piece);
            lineLen += piece.length();
        }
        String bhTag = "bh=" + bh + ";";
        if (lineLen + 1 + bhTag.length() > 78) {
            out.append("\r\n\t").append(bhTag);
        } else {
            out.append(' ').append(bhTag);
        }
        return out.append("\r\n\tb=").toString();
    }

    /** b= broken into lines of at most 78 characters (FWS in b= is removed with its value by verifiers). */
    private static String foldB(String b) {
        StringBuilder out = new StringBuilder();
        int lineLen = 3; // TAB "b="
        for (int i = 0; i < b.length(); i++) {
            if (lineLen >= 78) {
                out.append("\r\n\t ");
                lineLen = 2;
            }
            out.append(b.charAt(i));
            lineLen++;
        }
        return out.toString();
    }

    /**
     * Signs what the relay sends: {@code prepended} header fields (the new ones, top down) followed by the
     * header and body of the spooled {@code original} file.
     */
    public String sign(Plan plan, List<String> prepended, Path original, Map<String, Integer> signedHeaderFields)
            throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(original), 16384)) {
            HeaderSection orig = HeaderSection.read(in);
            List<String> all = new ArrayList<>(prepended);
            all.addAll(orig.getFields());
            return sign(plan, all, in, signedHeaderFields, false);
        }
    }

    private static Map<String, Integer> defaultSignedHeaderFields() {
        Map<String, Integer> m = new LinkedHashMap<>();
        String ones = "Date From Sender Reply-To Subject Message-ID References In-Reply-To To Cc"
                + " MIME-Version Content-Type Content-Transfer-Encoding Content-ID Content-Description"
                + " Resent-Date Resent-From Resent-Sender Resent-To Resent-Cc Resent-Message-ID List-Id List-Post"
                + " List-Owner List-Subscribe List-Unsubscribe List-Help List-Archive Received Precedence"
                + " Original-Message-ID Message-Context PICS-Label Sensitivity Solicitation Content-Location"
                + " Content-Features Content-Disposition Content-Language Content-Alternative Content-Base"
                + " Content-MD5 Content-Duration Content-Class Accept-Language Auto-Submitted Archived-At VBR-Info"
                + " Organization Organisation User-Agent X-Mailer";
        for (String n : ones.split(" ")) {
            m.put(n.toLowerCase(Locale.ROOT), 1);
        }
        for (String n : List.of("sender", "to", "cc", "resent-to", "resent-cc")) {
            m.put(n, 0);
        }
        for (String n : List.of("from", "date", "subject", "content-type")) {
            m.put(n, 2);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
