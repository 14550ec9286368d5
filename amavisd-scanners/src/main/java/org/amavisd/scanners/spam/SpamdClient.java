package org.amavisd.scanners.spam;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.scanners.spam.SpamCheck.Test;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.amavisd.scanners.spam.SpamScanException.Kind;

/**
 * A client of SpamAssassin's spamd (the SPAMC protocol), in place of amavisd-new's
 * Amavis::SpamControl::SpamdClient. Like it: the SYMBOLS request with a Content-length header,
 * a few pseudo header lines prepended (Return-Path, X-Envelope-To, X-Amavis-PolicyBank,
 * X-Amavis-MessageSize), the message cut at the size limit, the score taken from the "Spam:"
 * header and multiplied by score_factor. Beyond it: the address is configurable (TCP or a Unix
 * socket), a REPORT request gives the rules with their scores and the report text, and a failure
 * is an exception rather than an undefined score.
 */
public final class SpamdClient implements SpamScanner {
    public static final String CLASS_NAME = "Amavis::SpamControl::SpamdClient";
    static final int MAX_HEADER_LINE = 8192;
    static final int MAX_REPLY_BODY = 4 * 1024 * 1024;
    static final long HEADER_CAP = 64 * 1024;

    /** The request sent: SYMBOLS (amavisd-new's, rule names only) or REPORT (scores and report). */
    public enum Request {
        SYMBOLS,
        REPORT
    }

    /**
     * The entry's settings.
     *
     * @param addresses tried in order until one connects: {@link InetSocketAddress} (resolved at
     *     connect time when created unresolved) or {@link UnixDomainSocketAddress}
     * @param connectTimeout per address
     * @param timeout the whole exchange, from the first connect attempt to the parsed reply
     * @param mailBodySizeLimit the entry's mail_body_size_limit, else $sa_mail_body_size_limit; null: none
     * @param scoreFactor null: 1
     * @param user sent as "User:" (spamd's per-user settings), null: no User header
     */
    public record Options(
            List<SocketAddress> addresses,
            Duration connectTimeout,
            Duration timeout,
            Long mailBodySizeLimit,
            Double scoreFactor,
            Request request,
            String user) {
        public Options {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) throw new IllegalArgumentException("no spamd address");
            Objects.requireNonNull(connectTimeout);
            Objects.requireNonNull(timeout);
            request = request == null ? Request.SYMBOLS : request;
        }

        /** amavisd-new's: 127.0.0.1:783, then [::1]:783; 10 s to connect, 30 s in all, SYMBOLS. */
        public static Options defaults() {
            return new Options(
                    List.of(
                            InetSocketAddress.createUnresolved("127.0.0.1", 783),
                            InetSocketAddress.createUnresolved("::1", 783)),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(30),
                    null,
                    null,
                    Request.SYMBOLS,
                    null);
        }
    }

    private static final Pattern SPAM_HEADER = Pattern.compile(
            "\\s*(True|False|Yes|No)\\s*;\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*/\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*");
    private static final Pattern REPORT_LINE =
            Pattern.compile("^\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s+([A-Za-z0-9_][A-Za-z0-9_.]*)(?:\\s|$).*");

    private final String name;
    private final Options options;

    public SpamdClient(String name, Options options) {
        this.name = Objects.requireNonNull(name);
        this.options = Objects.requireNonNull(options);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String className() {
        return CLASS_NAME;
    }

    public Options options() {
        return options;
    }

    @Override
    public SpamCheck check(SpamRequest req) throws SpamScanException {
        return check(req, options.user());
    }

    /** As {@link #check(SpamRequest)}, telling spamd this user name ("User:"; null: none). */
    public SpamCheck check(SpamRequest req, String user) throws SpamScanException {
        long t0 = System.nanoTime();
        SpamRequest.Sizes sizes = req.sizes(name);
        long limit = SpamRequest.sizeLimit(sizes, options.mailBodySizeLimit(), HEADER_CAP, 1);
        // as amavisd-new: the size line notes the limit whenever there is one, and the limit
        // counts the prepended lines too
        byte[] prefix = pseudoHeader(req, sizes.total(), limit);
        long total = prefix.length + sizes.total();
        boolean truncated = limit >= 0 && total > limit;
        if (truncated) total = limit;
        long deadline = t0 + options.timeout().toNanos();

        SocketChannel ch = connect(deadline);
        try (Watchdog dog = new Watchdog(ch)) {
            dog.arm(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            IOException writeError = null;
            try {
                send(ch, prefix, req, total, truncated, user);
            } catch (IOException e) {
                if (dog.fired()) throw timeout(e);
                writeError = e; // spamd may have answered with an error first: read it
            }
            Reply reply;
            try {
                reply = readReply(ch);
            } catch (IOException e) {
                if (dog.fired()) throw timeout(e);
                if (writeError != null) {
                    throw new SpamScanException(
                            name, Kind.IO, "sending the message failed: " + writeError.getMessage(), writeError);
                }
                throw new SpamScanException(name, Kind.PROTOCOL, "reading the reply: " + e.getMessage(), e);
            }
            return interpret(reply, truncated, total, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the exchange is over either way
            }
        }
    }

    /**
     * Asks spamd for a PONG (the protocol's PING), within the connect timeout and 5 seconds in
     * all: whether it answers at all, before the first message.
     *
     * @throws SpamScanException when it cannot be reached or does not answer PONG
     */
    public void ping() throws SpamScanException {
        long deadline = System.nanoTime()
                + Math.min(options.timeout().toNanos(), Duration.ofSeconds(5).toNanos());
        SocketChannel ch = connect(deadline);
        try (Watchdog dog = new Watchdog(ch)) {
            dog.arm(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            try {
                OutputStream out = Channels.newOutputStream(ch);
                out.write("PING SPAMC/1.5\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = readLine(new BufferedInputStream(Channels.newInputStream(ch), 256));
                if (status == null || !status.startsWith("SPAMD/") || !status.contains(" PONG")) {
                    throw new SpamScanException(
                            name, Kind.PROTOCOL, "no PONG to PING: " + (status == null ? "closed" : shorten(status)));
                }
            } catch (IOException e) {
                if (dog.fired()) throw timeout(e);
                throw new SpamScanException(name, Kind.PROTOCOL, "PING: " + e.getMessage(), e);
            }
        } finally {
            try {
                ch.close();
            } catch (IOException ignored) {
                // done either way
            }
        }
    }

    /** Where this client connects, as host:port, [v6]:port or a socket path, in the order tried. */
    public String addresses() {
        return String.join(
                ", ", options.addresses().stream().map(SpamdClient::show).toList());
    }

    private SpamScanException timeout(IOException e) {
        return new SpamScanException(
                name,
                Kind.TIMEOUT,
                "no complete reply within " + options.timeout().toMillis() + " ms",
                e);
    }

    private SocketChannel connect(long deadline) throws SpamScanException {
        List<String> errors = new ArrayList<>();
        for (SocketAddress a : options.addresses()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                errors.add(show(a) + ": no time left");
                break;
            }
            SocketChannel ch = null;
            Duration wait =
                    Duration.ofNanos(Math.min(left, options.connectTimeout().toNanos()));
            try {
                ch = a instanceof UnixDomainSocketAddress
                        ? SocketChannel.open(StandardProtocolFamily.UNIX)
                        : SocketChannel.open();
                try (Watchdog dog = new Watchdog(ch)) {
                    dog.arm(wait);
                    SocketAddress target = a;
                    if (a instanceof InetSocketAddress i && i.isUnresolved()) {
                        target = new InetSocketAddress(i.getHostString(), i.getPort());
                        if (((InetSocketAddress) target).isUnresolved()) {
                            throw new IOException("cannot resolve " + i.getHostString());
                        }
                    }
                    try {
                        ch.connect(target);
                    } catch (IOException e) {
                        if (dog.fired()) throw new IOException("not connected within " + wait.toMillis() + " ms", e);
                        throw e;
                    }
                }
                if (!ch.isOpen()) throw new IOException("not connected within " + wait.toMillis() + " ms");
                return ch;
            } catch (IOException | RuntimeException e) {
                errors.add(show(a) + ": " + e.getMessage());
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // already failing
                    }
                }
            }
        }
        throw new SpamScanException(name, Kind.CONNECT, "cannot connect to spamd: " + String.join("; ", errors));
    }

    private static String show(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String h = i.isUnresolved() ? i.getHostString() : i.getAddress().getHostAddress();
            return (h.contains(":") ? "[" + h + "]" : h) + ":" + i.getPort();
        }
        if (a instanceof UnixDomainSocketAddress u) return u.getPath().toString();
        return String.valueOf(a);
    }

    /** The lines amavisd-new's client puts in front of the message, CRLF-terminated. */
    private static byte[] pseudoHeader(SpamRequest req, long msgSize, long limit) {
        StringBuilder sb = new StringBuilder();
        sb.append("Return-Path: ").append(req.sender()).append("\r\n");
        sb.append("X-Envelope-To: ")
                .append(String.join(",\r\n ", req.recipients()))
                .append("\r\n");
        sb.append("X-Amavis-PolicyBank: ").append(req.policyBankPath()).append("\r\n");
        sb.append("X-Amavis-MessageSize: ").append(msgSize);
        if (limit >= 0) sb.append(", TRUNCATED to ").append(limit);
        sb.append("\r\n");
        return sanitize(sb.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** No bare CR or LF may sneak into a header line from an envelope value. */
    private static String sanitize(String s) {
        return s.replaceAll("\r(?!\n)", " ").replaceAll("(?<!\r)\n", " ");
    }

    private void send(SocketChannel ch, byte[] prefix, SpamRequest req, long total, boolean truncated, String user)
            throws IOException {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 65536);
        StringBuilder head = new StringBuilder();
        head.append(options.request().name()).append(" SPAMC/1.5\r\n");
        head.append("Content-length: ").append(total).append("\r\n");
        if (user != null && !user.isEmpty())
            head.append("User: ").append(sanitize(user)).append("\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        long left = total;
        int n = (int) Math.min(prefix.length, left);
        byte[] first = java.util.Arrays.copyOf(prefix, n);
        left -= n;
        if (left == 0 && truncated && n > 0) first[n - 1] = '\n';
        out.write(first);
        try (InputStream in = Files.newInputStream(req.message())) {
            byte[] buf = new byte[65536];
            while (left > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (r < 0) throw new IOException("message file shorter than measured");
                left -= r;
                // spamd reads by lines: a cut message must still end in a line feed
                if (left == 0 && truncated) buf[r - 1] = '\n';
                out.write(buf, 0, r);
            }
        }
        out.flush();
    }

    /** spamd's answer: the status line's parts, the headers, the body. */
    record Reply(String protocol, int code, String message, Map<String, String> headers, String body) {}

    private Reply readReply(SocketChannel ch) throws IOException, SpamScanException {
        InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 8192);
        String status = readLine(in);
        if (status == null) throw new SpamScanException(name, Kind.PROTOCOL, "spamd closed without a reply");
        String[] parts = status.split("[ \t]+", 3);
        if (parts.length < 2 || !parts[0].startsWith("SPAMD/") || !parts[1].matches("[0-9]{1,3}")) {
            throw new SpamScanException(name, Kind.PROTOCOL, "not a spamd reply: " + shorten(status));
        }
        int code = Integer.parseInt(parts[1]);
        String message = parts.length > 2 ? parts[2] : "";
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) throw new SpamScanException(name, Kind.PROTOCOL, "bad spamd reply line: " + shorten(line));
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        if (code != 0) return new Reply(parts[0], code, message, headers, "");
        if (line == null) throw new SpamScanException(name, Kind.PROTOCOL, "spamd reply ends inside its header");
        String lenHeader = headers.get("content-length");
        byte[] body;
        if (lenHeader != null) {
            if (!lenHeader.matches("[0-9]{1,9}") || Integer.parseInt(lenHeader) > MAX_REPLY_BODY) {
                throw new SpamScanException(name, Kind.PROTOCOL, "bad Content-length in spamd reply: " + lenHeader);
            }
            int len = Integer.parseInt(lenHeader);
            body = in.readNBytes(len);
            if (body.length < len) {
                throw new SpamScanException(
                        name, Kind.PROTOCOL, "spamd reply cut short: " + body.length + " of " + len + " bytes");
            }
        } else {
            body = in.readNBytes(MAX_REPLY_BODY);
        }
        return new Reply(parts[0], code, message, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** A CRLF- (or LF-) terminated line without its terminator; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (b.size() >= MAX_HEADER_LINE)
                throw new IOException("spamd reply line over " + MAX_HEADER_LINE + " bytes");
            b.write(c);
        }
        if (b.size() > 0) throw new IOException("spamd reply ends inside a line");
        return null;
    }

    private SpamCheck interpret(Reply r, boolean truncated, long sent, Duration elapsed) throws SpamScanException {
        if (r.code() != 0) {
            throw new SpamScanException(
                    name, Kind.DAEMON_ERROR, "spamd says " + r.protocol() + " " + r.code() + " " + r.message());
        }
        String spam = r.headers().get("spam");
        if (spam == null) throw new SpamScanException(name, Kind.PROTOCOL, "spamd reply without a Spam header");
        Matcher m = SPAM_HEADER.matcher(spam);
        if (!m.matches()) throw new SpamScanException(name, Kind.PROTOCOL, "bad Spam header: " + shorten(spam));
        Verdict verdict = m.group(1).equals("True") || m.group(1).equals("Yes") ? Verdict.SPAM : Verdict.HAM;
        double score = Double.parseDouble(m.group(2));
        double required = Double.parseDouble(m.group(3));
        if (options.scoreFactor() != null) score *= options.scoreFactor();
        List<Test> tests;
        String report = null;
        if (options.request() == Request.SYMBOLS) {
            tests = parseSymbols(r.body());
        } else {
            report = r.body();
            tests = parseReport(report);
        }
        return new SpamCheck(name, score, required, verdict, null, tests, report, false, truncated, sent, elapsed);
    }

    /** SYMBOLS: the rule names, comma-separated (amavisd-new keeps the last line). */
    static List<Test> parseSymbols(String body) {
        List<Test> out = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.isBlank()) continue;
            out.clear();
            for (String t : line.split(",")) {
                String n = t.trim();
                if (!n.isEmpty()) out.add(new Test(n, null));
            }
        }
        return out;
    }

    /** REPORT: the rows of the "pts rule name description" table below its dashed rule. */
    static List<Test> parseReport(String report) {
        List<Test> out = new ArrayList<>();
        boolean inTable = false;
        for (String line : report.split("\r?\n")) {
            if (!inTable) {
                inTable = line.startsWith("----") && line.contains(" ----");
                continue;
            }
            Matcher m = REPORT_LINE.matcher(line);
            if (m.matches()) out.add(new Test(m.group(2), Double.parseDouble(m.group(1))));
        }
        return out;
    }

    private static String shorten(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 100 ? t.substring(0, 100) + "..." : t;
    }
}
