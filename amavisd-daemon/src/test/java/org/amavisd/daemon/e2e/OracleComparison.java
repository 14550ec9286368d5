package org.amavisd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.amavisd.smtp.testing.RecordingMta;
import org.amavisd.smtp.testing.ScriptedClient;
import org.junit.jupiter.api.Assertions;

/**
 * The comparison of the daemon-level differential tests ({@link DaemonOracleTest}, {@link
 * DaemonOracleScannersTest}): sends a case to amavisd-new and to our daemon and compares, aspect
 * by aspect, what an MTA and a sysadmin see (the reply after DATA, the back end's transactions, the
 * quarantine files, the main log line), after normalising ids and ports, rewriting the {@link
 * Systematic} differences and checking the {@link Known} ones. Also the messages' building blocks.
 */
final class OracleComparison {
    private final List<Systematic> systematic;
    private final UnaryOperator<String> values;
    private final boolean hits;
    private final Map<String, Known> known = new LinkedHashMap<>();
    private final Set<String> systematicSeen = ConcurrentHashMap.newKeySet();
    private final Set<String> knownSeen = ConcurrentHashMap.newKeySet();
    private AmavisdNewOracle oracle;
    private Side oracleSide;
    private Side ourSide;

    /**
     * @param systematic the differences that show in many cases
     * @param values a normalisation applied to every aspect's value on both sides (numbers that
     *     differ by nature, for instance)
     */
    OracleComparison(List<Systematic> systematic, UnaryOperator<String> values) {
        this(systematic, values, false);
    }

    /** As above; with hits, the spam level of each main log line ("Hits: ...") is an aspect too. */
    OracleComparison(List<Systematic> systematic, UnaryOperator<String> values, boolean hits) {
        this.systematic = systematic;
        this.values = values;
        this.hits = hits;
    }

    /** case name / aspect → the two values (after the systematic rewrites). */
    void known(String name, String aspect, String oracleValue, String oursValue) {
        known.put(name + "/" + aspect, new Known(oracleValue, oursValue));
    }

    void sides(AmavisdNewOracle oracle, Side oracleSide, Side ourSide) {
        this.oracle = oracle;
        this.oracleSide = oracleSide;
        this.ourSide = ourSide;
    }

    /** Every recorded difference must have occurred in the run, so a fix on either side shows. */
    void checkEveryDifferenceOccurred() {
        assertThat(systematicSeen)
                .as("differences recorded in SYSTEMATIC that occurred")
                .containsExactlyInAnyOrderElementsOf(
                        systematic.stream().map(Systematic::id).toList());
        assertThat(knownSeen)
                .as("differences recorded in KNOWN that occurred")
                .containsExactlyInAnyOrderElementsOf(known.keySet());
    }

    /** Free loopback ports, one per name, in this order. */
    static Map<String, Integer> freePorts(List<String> names) throws IOException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (String name : names) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.put(name, s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
        return ports;
    }

    /** One message: the bank (port) it goes to, the envelope, the text. */
    record Case(String name, String bank, String from, List<String> rcpts, String message) {}

    /** A known difference in one aspect of one case: what amavisd-new gives, what we give. */
    record Known(String oracle, String ours) {}

    /**
     * A known difference that shows in many cases: in this aspect, what amavisd-new writes
     * ({@code oracle}, replaced by {@code oracleAs}) and what we write ({@code ours}, replaced by
     * {@code oursAs}) are made the same before the comparison. Each must still occur in the run
     * (the last test checks it), so a fix on either side shows.
     */
    record Systematic(String id, String aspect, Pattern oracle, String oracleAs, Pattern ours, String oursAs) {
        static Systematic oracle(String id, String aspect, String regex, String as) {
            return new Systematic(id, aspect, Pattern.compile(regex), as, null, null);
        }

        static Systematic ours(String id, String aspect, String regex, String as) {
            return new Systematic(id, aspect, null, null, Pattern.compile(regex), as);
        }
    }

    /** One of the two daemons: where to send, where it relays, where it logs and quarantines. */
    record Side(String who, Map<String, Integer> ports, RecordingMta mta, Path log, Path quarantine) {}

    static String headers(String id, String extra) {
        return "From: Sender <s@remote.test>\r\nTo: user@example.com\r\n" + extra + "Message-ID: <" + id
                + "@remote.test>\r\n";
    }

    static String dated(String id) {
        return headers(id, "Date: Wed, 2 Dec 2026 00:00:00 +0000\r\nSubject: test " + id + "\r\n");
    }

    static String withAttachments(String id, List<String> names) {
        String b = "=-=b=-=";
        StringBuilder sb = new StringBuilder(dated(id))
                .append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"")
                .append(b)
                .append("\"\r\n\r\n--")
                .append(b)
                .append("\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
        for (String name : names) {
            sb.append("--")
                    .append(b)
                    .append("\r\nContent-Type: application/octet-stream; name=\"")
                    .append(name)
                    .append("\"\r\nContent-Disposition: attachment; filename=\"")
                    .append(name)
                    .append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                    .append(Base64.getEncoder()
                            .encodeToString(("just some bytes of " + name + "\n").getBytes(StandardCharsets.US_ASCII)))
                    .append("\r\n");
        }
        return sb.append("--").append(b).append("--\r\n").toString();
    }

    static String withAttachment(String header, String name, String type, byte[] content) {
        String b = "=-=z=-=";
        return header + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n--" + b
                + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + b + "\r\nContent-Type: " + type + "; name=\""
                + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name
                + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(content)
                + "\r\n--" + b + "--\r\n";
    }

    static byte[] zip(List<String> names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (String n : names) {
                z.putNextEntry(new ZipEntry(n));
                z.write(("notes in " + n + "\n").getBytes(StandardCharsets.US_ASCII));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    void compare(Case c) throws Exception {
        Map<String, String> a = observe(oracleSide, c);
        Map<String, String> b = observe(ourSide, c);
        a.replaceAll((k, v) -> values.apply(v));
        b.replaceAll((k, v) -> values.apply(v));
        for (Systematic d : systematic) {
            if (d.oracle() != null) a.computeIfPresent(d.aspect(), (k, v) -> rewrite(d, d.oracle(), d.oracleAs(), v));
            if (d.ours() != null) b.computeIfPresent(d.aspect(), (k, v) -> rewrite(d, d.ours(), d.oursAs(), v));
        }
        StringBuilder report = new StringBuilder();
        for (String aspect : a.keySet()) {
            report.append("[daemon-oracle] ")
                    .append(c.name())
                    .append(" / ")
                    .append(aspect)
                    .append(":\n  amavisd-new: ")
                    .append(a.get(aspect))
                    .append("\n  ours:        ")
                    .append(b.get(aspect))
                    .append('\n');
        }
        System.out.print(report);
        List<String> failures = new ArrayList<>();
        for (String aspect : a.keySet()) {
            Known k = known.get(c.name() + "/" + aspect);
            if (k != null) knownSeen.add(c.name() + "/" + aspect);
            if (k == null) {
                if (!a.get(aspect).equals(b.get(aspect))) {
                    failures.add(aspect + ": amavisd-new " + a.get(aspect) + "\n    ours " + b.get(aspect));
                }
            } else if (!k.oracle().equals(a.get(aspect)) || !k.ours().equals(b.get(aspect))) {
                failures.add(aspect + " (known difference changed): amavisd-new " + a.get(aspect) + "\n    ours "
                        + b.get(aspect));
            }
        }
        if (!failures.isEmpty()) Assertions.fail(c.name() + ":\n  " + String.join("\n  ", failures));
    }

    private String rewrite(Systematic d, Pattern p, String as, String value) {
        Matcher m = p.matcher(value);
        if (!m.find()) return value;
        systematicSeen.add(d.id());
        return m.replaceAll(as);
    }

    /** Sends the case to one side and describes what happened, aspect by aspect, normalised. */
    private Map<String, String> observe(Side side, Case c) throws Exception {
        int before = side.mta().messages().size();
        Set<Path> quarantinedBefore = listing(side.quarantine());
        String reply;
        try (ScriptedClient client = new ScriptedClient(side.ports().get(c.bank()))) {
            reply = client.sendMail("EHLO", c.from(), c.rcpts(), c.message());
            client.command("QUIT");
        }
        String messageId = "<" + c.name() + "@remote.test>";
        List<String> logLines = mainLogLines(side, messageId, reply);
        Set<String> mailIds = new TreeSet<>();
        for (String l : logLines) {
            Matcher m = Pattern.compile("mail_id: ([^ ,]+)").matcher(l);
            if (m.find()) mailIds.add(m.group(1));
        }
        Normaliser n = new Normaliser(mailIds, side.mta().port());

        Map<String, String> out = new LinkedHashMap<>();
        out.put("reply", n.apply(reply));
        out.put(
                "log",
                logLines.stream().map(OracleComparison::logSummary).map(n).collect(Collectors.joining(" | ")));
        if (hits) {
            out.put(
                    "hits",
                    logLines.stream()
                            .map(l -> {
                                Matcher h = Pattern.compile(", Hits: ([^,]*),").matcher(l);
                                return h.find() ? h.group(1) : "none";
                            })
                            .collect(Collectors.joining(" | ")));
        }
        List<RecordingMta.Message> sent =
                side.mta().messages().subList(before, side.mta().messages().size());
        out.put(
                "transactions",
                sent.stream().map(m -> transaction(m, c)).map(n).sorted().collect(Collectors.joining(" | ")));
        Set<Path> quarantined = listing(side.quarantine());
        quarantined.removeAll(quarantinedBefore);
        List<String> q = new ArrayList<>();
        List<String> qFields = new ArrayList<>();
        List<String> qSpam = new ArrayList<>();
        for (Path p : quarantined) {
            String text = quarantineText(p);
            String blocked = text.lines()
                    .takeWhile(l -> !l.isEmpty())
                    .filter(l -> l.startsWith("X-Envelope-To-Blocked:"))
                    .collect(Collectors.joining(" "));
            q.add(n.apply(p.getFileName().toString()) + " " + blocked);
            // the fields written above the message's own first field, and the line ends
            List<String> names = new ArrayList<>();
            String lf = text.replace("\r", "");
            for (String f : unfold(headerOf(lf, "\n\n"))) {
                if (f.equals(c.message().substring(0, c.message().indexOf("\r\n")))) break;
                names.add(f.substring(0, Math.max(0, f.indexOf(':'))));
            }
            qFields.add(String.join(",", names) + (text.contains("\r\n") ? " (CRLF)" : " (LF)"));
            qSpam.add(unfold(headerOf(lf, "\n\n")).stream()
                    .filter(f -> f.startsWith("X-Spam-"))
                    .collect(Collectors.joining("; ")));
        }
        out.put("quarantine", q.stream().sorted().collect(Collectors.joining(" | ")));
        out.put("quarantine-fields", qFields.stream().sorted().collect(Collectors.joining(" | ")));
        out.put("quarantine-spam-fields", qSpam.stream().sorted().collect(Collectors.joining(" | ")));
        return out;
    }

    /** A quarantine file's text, gunzipped when its name ends with .gz. */
    private static String quarantineText(Path p) throws IOException {
        if (!p.getFileName().toString().endsWith(".gz")) return Files.readString(p, StandardCharsets.ISO_8859_1);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static Set<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The main log lines of the message (those naming its Message-ID), once written. */
    private List<String> mainLogLines(Side side, String messageId, String reply) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(side.log())) {
                List<String> lines = Files.readAllLines(side.log(), StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains("Message-ID: " + messageId))
                        .filter(l -> l.contains(" Passed ") || l.contains(" Blocked "))
                        .toList();
                if (!lines.isEmpty()) return lines;
            }
            Thread.sleep(50);
        }
        return Assertions.fail(side.who() + ": no log line for " + messageId + " (reply " + reply + ")"
                + (side == oracleSide ? ":\n" + oracle.diagnostics() : ""));
    }

    private static final Pattern QUEUED_AS = Pattern.compile(", queued_as: (.*?), (?:dkim_sd=|dkim_new=|\\d+ ms)");
    private static final Pattern LOG_LINE = Pattern.compile(
            "((?:Passed|Blocked) [^{]*\\{[^}]*\\}), (.*?)(<[^>]*>) -> ([^ ]+),(?: quarantine: ([^ ,]+),)?");

    /** "Blocked BANNED (...) {Actions}, [client] <from> -> <rcpts> q:NAME" of one log line. */
    private static String logSummary(String line) {
        Matcher m = LOG_LINE.matcher(line);
        if (!m.find()) return "UNPARSED " + line;
        Matcher q = QUEUED_AS.matcher(line);
        return m.group(1) + ", " + m.group(2) + m.group(3) + " -> " + m.group(4)
                + (m.group(5) == null ? "" : " q:" + m.group(5))
                + (q.find() ? " queued_as:" + q.group(1).replaceAll("\\bQ\\d+\\b", "QID") : "");
    }

    /** The header section: up to the empty line, or all of it when there is none (no body). */
    private static String headerOf(String message, String emptyLine) {
        int end = message.indexOf(emptyLine);
        return end < 0 ? message : message.substring(0, end);
    }

    /** One back-end transaction: its kind, envelope, and what a reader of the message sees changed. */
    private static String transaction(RecordingMta.Message m, Case c) {
        String header = headerOf(m.data(), "\r\n\r\n");
        List<String> fields = unfold(header);
        String subject = fields.stream()
                .filter(f -> f.regionMatches(true, 0, "Subject:", 0, 8))
                .collect(Collectors.joining(" / "));
        boolean relayed = header.contains("Message-ID: <" + c.name() + "@remote.test>")
                && !header.toLowerCase().contains("multipart/report");
        String rcpts = m.rcptTo().stream()
                .map(r -> withoutParameters(r, relayed))
                .sorted()
                .collect(Collectors.joining(","));
        String from = withoutParameters(m.mailFrom(), false);
        if (relayed) {
            // the message itself, relayed: header fields added above the Received field
            List<String> added = new ArrayList<>();
            for (String f : fields) {
                if (f.startsWith("Received:")) {
                    added.add("Received: ...");
                    break;
                }
                added.add(f);
            }
            return "RELAY " + from + " -> " + rcpts + " added[" + String.join("; ", added) + "] " + subject;
        }
        String kind = m.rcptTo().stream().anyMatch(r -> r.contains("postmaster@example.com")) ? "ADMIN" : "DSN";
        // mail we write ourselves: its DSN parameters count (ENVID on MAIL, NOTIFY and ORCPT on RCPT)
        String generatedFrom = from + dsnParameters(m.mailFrom(), "ENVID");
        String generatedRcpts = m.rcptTo().stream()
                .map(r -> withoutParameters(r, false) + dsnParameters(r, "NOTIFY", "ORCPT"))
                .sorted()
                .collect(Collectors.joining(","));
        return kind + " " + generatedFrom + " -> " + generatedRcpts + " " + subject;
    }

    /**
     * The address of a MAIL or RCPT argument, with ORCPT when asked (for relayed mail): the other
     * parameters are not compared here (SIZE and BODY differ by design; the DSN parameters of mail
     * we write ourselves are compared by {@link #dsnParameters}).
     */
    private static String withoutParameters(String arg, boolean keepOrcpt) {
        int gt = arg.indexOf('>');
        String address = gt < 0 ? arg : arg.substring(0, gt + 1);
        Matcher orcpt = Pattern.compile(" (ORCPT=\\S+)").matcher(arg);
        return keepOrcpt && orcpt.find() ? address + " " + orcpt.group(1) : address;
    }

    /**
     * The named parameters of a MAIL or RCPT argument, in the order given, each " NAME=value";
     * an ENVID of amavisd's own form (AM.mail_id.time@host) with its id and time normalised.
     */
    private static String dsnParameters(String arg, String... names) {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            Matcher p = Pattern.compile(" (" + name + "=\\S+)", Pattern.CASE_INSENSITIVE)
                    .matcher(arg);
            if (p.find())
                sb.append(' ').append(p.group(1).replaceAll("^(ENVID=AM\\.)[^.]+\\.\\d{8}T\\d{6}Z@", "$1ID.TIME@"));
        }
        return sb.toString();
    }

    /** The header fields, each on one line, folding whitespace reduced to one space. */
    private static List<String> unfold(String header) {
        List<String> fields = new ArrayList<>();
        for (String line : header.split("\r?\n")) {
            if (!fields.isEmpty() && (line.startsWith(" ") || line.startsWith("\t"))) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + " " + line.strip());
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    /** Ids and ports that differ by nature between two runs and two daemons. */
    private record Normaliser(Set<String> mailIds, int backEndPort)
            implements java.util.function.Function<String, String> {
        @Override
        public String apply(String s) {
            String r = s;
            for (String id : mailIds) r = r.replace(id, "MAILID");
            r = r.replace(":" + backEndPort + ")", ":PORT)").replace(":" + backEndPort + "]", ":PORT]");
            r = r.replaceAll("\\b\\d+-\\d+(-\\d+)?\\b", "LOGID");
            r = r.replaceAll("queued as Q\\d+", "queued as QID");
            return r.replace("\n", "\\n");
        }
    }
}
