package org.amavisd.scanners.spam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.amavisd.scanners.spam.SpamCheck.Test;
import org.amavisd.scanners.spam.SpamCheck.Verdict;
import org.amavisd.scanners.spam.SpamScanException.Kind;

/**
 * A client of rspamd's HTTP API ({@code POST /checkv2}), in place of amavisd-new's
 * Amavis::SpamControl::RspamdClient. Like it: the message as the request body (cut at
 * mail_body_size_limit when set), the envelope in rspamd's request headers (Helo, Hostname, IP,
 * MTA-Name, From, Queue-Id, one Rcpt per recipient), score and required_score multiplied by
 * score_factor, symbols as NAME=score, the action mapped to a verdict, HTTP basic credentials
 * when the URL's host:port is the credentials' netloc. A failure is an exception.
 */
public final class RspamdClient implements SpamScanner {
    public static final String CLASS_NAME = "Amavis::SpamControl::RspamdClient";
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:11333/checkv2");
    static final long HEADER_CAP = 32 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Verdict> ACTIONS = Map.of(
            "add header", Verdict.SPAM,
            "no action", Verdict.HAM,
            "reject", Verdict.SPAM,
            "rewrite subject", Verdict.SPAM,
            "discard", Verdict.SPAM,
            "quarantine", Verdict.SPAM);

    /** HTTP basic credentials, sent only to {@code netloc} ("host:port"). */
    public record Credentials(String netloc, String realm, String username, String password) {}

    /**
     * The entry's settings.
     *
     * @param url where /checkv2 is
     * @param timeout connecting, and the whole request (amavisd-new: 60 s)
     * @param mailBodySizeLimit null: the whole message (amavisd-new does not use
     *     $sa_mail_body_size_limit for rspamd)
     * @param scoreFactor null: 1
     * @param mtaName sent as MTA-Name, null: not sent
     * @param credentials null: none
     */
    public record Options(
            URI url,
            Duration timeout,
            Long mailBodySizeLimit,
            Double scoreFactor,
            String mtaName,
            Credentials credentials) {
        public Options {
            url = url == null ? DEFAULT_URL : url;
            timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        }

        public static Options defaults() {
            return new Options(null, null, null, null, null, null);
        }
    }

    private final String name;
    private final Options options;
    private final HttpClient http;

    public RspamdClient(String name, Options options) {
        this.name = Objects.requireNonNull(name);
        this.options = Objects.requireNonNull(options);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
        long t0 = System.nanoTime();
        SpamRequest.Sizes sizes = req.sizes(name);
        long limit = SpamRequest.sizeLimit(sizes, options.mailBodySizeLimit(), HEADER_CAP, 0);
        long length = limit >= 0 ? Math.min(limit, sizes.total()) : sizes.total();
        HttpRequest.Builder b = HttpRequest.newBuilder(options.url())
                .timeout(options.timeout())
                .header("Content-Type", "application/octet-stream")
                .header("User-Agent", "amavisd-java")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> open(req, length)), length));
        meta(b, "Helo", req.clientHelo());
        meta(b, "Hostname", req.clientName());
        meta(b, "IP", req.clientAddress());
        meta(b, "MTA-Name", options.mtaName());
        meta(b, "From", req.sender());
        meta(b, "Queue-Id", req.queueId());
        for (String r : req.recipients()) meta(b, "Rcpt", r);
        Credentials c = options.credentials();
        if (c != null && netloc(options.url()).equalsIgnoreCase(c.netloc())) {
            String up = c.username() + ":" + c.password();
            b.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(up.getBytes(StandardCharsets.UTF_8)));
        }

        HttpResponse<byte[]> resp;
        // the request's own timeout ends at the reply's head; a reply body that drips forever is
        // bounded here too
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> pending =
                http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        try {
            resp = pending.get(options.timeout().toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            throw timeout(e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                throw new SpamScanException(
                        name, Kind.CONNECT, "cannot connect to " + options.url() + ": timed out", cause);
            }
            if (cause instanceof HttpTimeoutException) throw timeout(cause);
            if (cause instanceof ConnectException) {
                throw new SpamScanException(
                        name, Kind.CONNECT, "cannot connect to " + options.url() + ": " + cause, cause);
            }
            throw new SpamScanException(
                    name, Kind.PROTOCOL, "exchange with " + options.url() + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new SpamScanException(name, Kind.IO, "interrupted", e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        String body = new String(resp.body(), StandardCharsets.UTF_8);
        if (resp.statusCode() / 100 != 2) {
            throw new SpamScanException(
                    name, Kind.DAEMON_ERROR, "rspamd answered HTTP " + resp.statusCode() + ": " + shorten(body));
        }
        return parse(body, limit >= 0 && length < sizes.total(), length, elapsed);
    }

    private SpamScanException timeout(Throwable cause) {
        return new SpamScanException(
                name,
                Kind.TIMEOUT,
                "no reply from " + options.url() + " within "
                        + options.timeout().toMillis() + " ms",
                cause);
    }

    private InputStream open(SpamRequest req, long length) {
        try {
            InputStream in = Files.newInputStream(req.message());
            return new java.io.FilterInputStream(in) {
                long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) return -1;
                    int c = super.read();
                    if (c >= 0) left--;
                    return c;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = super.read(buf, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void meta(HttpRequest.Builder b, String header, String value) {
        if (value != null && !value.isEmpty()) b.header(header, value.replaceAll("[\\r\\n]", " "));
    }

    private static String netloc(URI u) {
        int port = u.getPort();
        if (port < 0) port = "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
        return u.getHost() + ":" + port;
    }

    /** The /checkv2 JSON reply into a result; the score and the action must be there. */
    SpamCheck parse(String body, boolean truncated, long sent, Duration elapsed) throws SpamScanException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SpamScanException(name, Kind.PROTOCOL, "rspamd reply is not JSON: " + shorten(body), e);
        }
        if (root == null || !root.isObject()) {
            throw new SpamScanException(name, Kind.PROTOCOL, "rspamd reply is not a JSON object: " + shorten(body));
        }
        if (root.has("error")) {
            throw new SpamScanException(
                    name, Kind.DAEMON_ERROR, "rspamd says: " + root.get("error").asText());
        }
        JsonNode score = root.get("score");
        if (score == null || !score.isNumber()) {
            throw new SpamScanException(name, Kind.PROTOCOL, "rspamd reply without a numeric score: " + shorten(body));
        }
        double factor = options.scoreFactor() == null ? 1.0 : options.scoreFactor();
        JsonNode req = root.get("required_score");
        Double required = req != null && req.isNumber() ? req.asDouble() * factor : null;
        String action = root.hasNonNull("action") ? root.get("action").asText() : null;
        Verdict verdict = action == null
                ? Verdict.UNKNOWN
                : ACTIONS.getOrDefault(action.toLowerCase(Locale.ROOT), Verdict.UNKNOWN);
        List<Test> tests = new ArrayList<>();
        JsonNode symbols = root.get("symbols");
        if (symbols != null && symbols.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = symbols.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode sym = e.getValue();
                String n = sym.hasNonNull("name") ? sym.get("name").asText() : e.getKey();
                n = n.replace('=', '_').replace(',', '_');
                Double s = sym.has("score") && sym.get("score").isNumber()
                        ? sym.get("score").asDouble()
                        : null;
                tests.add(new Test(n, s));
            }
        }
        boolean skipped = root.path("is_skipped").asBoolean(false);
        return new SpamCheck(
                name,
                score.asDouble() * factor,
                required,
                verdict,
                action,
                tests,
                null,
                skipped,
                truncated,
                sent,
                elapsed);
    }

    private static String shorten(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
