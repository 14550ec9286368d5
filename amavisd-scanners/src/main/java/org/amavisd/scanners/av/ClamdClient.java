package org.amavisd.scanners.av;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of clamd's own protocol, over TCP or a Unix-domain socket, with a timeout on connect
 * and on every read and write. Commands are sent in the {@code z} form (NUL-terminated, replies
 * NUL-terminated). Each call opens its own connection; a client may be shared by threads.
 *
 * <p>Sockets are tried in the order given: the first that accepts a connection serves the call.
 */
public final class ClamdClient {
    /** At most this many INSTREAM requests are unanswered at once in a session (as amavisd-new). */
    static final int MAX_IN_FLIGHT = 8;

    private static final int CHUNK = 32 * 1024;
    private static final int REPLY_LIMIT = 1 << 20;
    private static final Pattern SESSION_REPLY = Pattern.compile("(?s)^(\\d+): ?(.*)$");

    private final List<SocketSpec> sockets;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public ClamdClient(List<SocketSpec> sockets, Duration connectTimeout, Duration readTimeout) {
        if (sockets.isEmpty()) throw new IllegalArgumentException("no clamd socket given");
        this.sockets = List.copyOf(sockets);
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public ClamdClient(SocketSpec socket, Duration connectTimeout, Duration readTimeout) {
        this(List.of(socket), connectTimeout, readTimeout);
    }

    public List<SocketSpec> sockets() {
        return sockets;
    }

    /** PING; clamd answers PONG. */
    public String ping() throws IOException {
        return expect(single("zPING\0"), "PONG");
    }

    /** VERSION, e.g. "ClamAV 1.4.3/27000/...". */
    public String version() throws IOException {
        return expect(single("zVERSION\0"), "ClamAV ");
    }

    private static String expect(String answer, String start) throws IOException {
        if (!answer.startsWith(start)) throw new IOException("not a clamd reply: " + abbreviate(answer));
        return answer;
    }

    /** CONTSCAN of a file or directory clamd can read itself (a local clamd): every FOUND line. */
    public List<ClamdReply> contScan(Path path) throws IOException {
        return pathCommand("CONTSCAN", path);
    }

    /** MULTISCAN: as CONTSCAN, with clamd scanning the directory's files in parallel. */
    public List<ClamdReply> multiScan(Path path) throws IOException {
        return pathCommand("MULTISCAN", path);
    }

    /**
     * The simple protocol of amavisd-new's ask_daemon: sends {@code query} as it is and reads the
     * answer until clamd closes the connection. An empty answer is an error.
     */
    public String query(String query) throws IOException {
        try (TimedChannel ch = open()) {
            ch.writeFully(ByteBuffer.wrap(query.getBytes(StandardCharsets.UTF_8)));
            byte[] answer = ch.readToEnd(REPLY_LIMIT);
            if (answer.length == 0) throw new IOException("empty answer from " + ch.spec());
            return new String(answer, StandardCharsets.UTF_8);
        }
    }

    /** INSTREAM of one file; the reply carries the file's path in place of "stream". */
    public ClamdReply instream(Path file) throws IOException {
        return instreamAll(List.of(file), false).get(0);
    }

    /**
     * INSTREAM of each file in one IDSESSION, several requests in flight (at most {@link
     * #MAX_IN_FLIGHT} unanswered). Returns one reply per file sent, in the order of {@code files},
     * each with the file's path. With {@code stopAtFirstFound}, no more files are sent once clamd
     * found something (the replies then cover only the files sent).
     *
     * @throws IOException the connection failed, timed out, or clamd answered something that is
     *     no clamd reply; also when clamd refused a stream (StreamMaxLength): {@link
     *     ClamdStreamLimitException}
     */
    public List<ClamdReply> instreamAll(List<Path> files, boolean stopAtFirstFound) throws IOException {
        Map<Integer, ClamdReply> replies = new HashMap<>();
        List<Path> sent = new ArrayList<>();
        try (TimedChannel ch = open()) {
            ch.writeFully(ascii("zIDSESSION\0"));
            Session s = new Session(ch, replies, sent::size);
            boolean found = false;
            for (Path f : files) {
                if (found && stopAtFirstFound) break;
                while (sent.size() - replies.size() >= MAX_IN_FLIGHT) s.readOne();
                sent.add(f);
                try {
                    sendStream(ch, f);
                } catch (IOException e) {
                    // clamd may have answered and closed (StreamMaxLength): its reply says why
                    IOException garbage = s.drainAfterFailure();
                    if (garbage != null) throw garbage;
                    throw failure(
                            sent,
                            replies,
                            new IOException("sending " + f + " to clamd at " + ch.spec() + ": " + e.getMessage(), e));
                }
                s.readAvailable();
                found = replies.values().stream().anyMatch(r -> r.status() == ClamdReply.Status.FOUND);
            }
            while (replies.size() < sent.size()) {
                try {
                    s.readOne();
                } catch (IOException e) {
                    throw failure(sent, replies, e);
                }
            }
            try {
                ch.writeFully(ascii("zEND\0"));
            } catch (IOException ignored) {
                // all answers are in; a clamd that already closed does not matter
            }
        }
        List<ClamdReply> out = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            ClamdReply r = replies.get(i + 1);
            out.add(
                    r.path().equals("stream") || r.path().isEmpty()
                            ? r.withPath(sent.get(i).toString())
                            : r);
        }
        for (ClamdReply r : out) {
            if (r.status() == ClamdReply.Status.ERROR && r.detail().contains("size limit exceeded"))
                throw new ClamdStreamLimitException(r.path() + ": " + r.detail() + " (clamd's StreamMaxLength)");
        }
        return out;
    }

    private IOException failure(List<Path> sent, Map<Integer, ClamdReply> replies, IOException cause) {
        for (var e : replies.entrySet()) {
            ClamdReply r = e.getValue();
            if (r.status() == ClamdReply.Status.ERROR && r.detail().contains("size limit exceeded")) {
                Path f = sent.get(e.getKey() - 1);
                return new ClamdStreamLimitException(f + ": " + r.detail() + " (clamd's StreamMaxLength)");
            }
        }
        return cause;
    }

    private static void sendStream(TimedChannel ch, Path file) throws IOException {
        ch.writeFully(ascii("zINSTREAM\0"));
        ByteBuffer buf = ByteBuffer.allocate(4 + CHUNK);
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(buf.array(), 4, CHUNK);
                if (n <= 0) break;
                buf.clear();
                buf.putInt(0, n);
                buf.limit(4 + n);
                ch.writeFully(buf);
            }
        }
        ch.writeFully(ByteBuffer.allocate(4)); // a zero length ends the stream
    }

    /** Replies of one IDSESSION, NUL-terminated, "id: text". */
    private static final class Session {
        private final TimedChannel ch;
        private final Map<Integer, ClamdReply> replies;
        private final java.util.function.IntSupplier requestsSent;
        private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        private boolean eof;

        Session(TimedChannel ch, Map<Integer, ClamdReply> replies, java.util.function.IntSupplier requestsSent) {
            this.ch = ch;
            this.replies = replies;
            this.requestsSent = requestsSent;
        }

        void readOne() throws IOException {
            int before = replies.size();
            while (replies.size() == before) {
                if (eof) throw TimedChannel.eof(ch.spec());
                if (ch.read(in) < 0) eof = true;
                parse();
            }
        }

        void readAvailable() throws IOException {
            int n;
            while (!eof && (n = ch.readNow(in)) != 0) {
                if (n < 0) eof = true;
                parse();
            }
        }

        /** After a failed write: reads what clamd still said; a reply that is no clamd reply is returned. */
        IOException drainAfterFailure() {
            try {
                while (!eof) {
                    if (ch.read(in) < 0) eof = true;
                    try {
                        parse();
                    } catch (IOException garbage) {
                        return garbage;
                    }
                }
            } catch (IOException ignored) {
                // best effort: what arrived is parsed
            }
            return null;
        }

        private void parse() throws IOException {
            in.flip();
            int start = in.position();
            for (int i = start; i < in.limit(); i++) {
                if (in.get(i) == 0) {
                    String line = new String(in.array(), start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    accept(line);
                }
            }
            in.position(start);
            in.compact();
            if (!in.hasRemaining()) throw new IOException("clamd at " + ch.spec() + " sent an over-long reply");
        }

        private void accept(String line) throws IOException {
            Matcher m = SESSION_REPLY.matcher(line);
            if (!m.matches()) {
                ClamdReply r = ClamdReply.parse(line);
                if (r.status() == ClamdReply.Status.ERROR) {
                    throw new IOException("clamd at " + ch.spec() + " answered: " + line);
                }
                throw new IOException("not a clamd reply from " + ch.spec() + ": " + abbreviate(line));
            }
            int id = Integer.parseInt(m.group(1));
            ClamdReply r = ClamdReply.parse(m.group(2));
            if (r.status() == ClamdReply.Status.UNPARSEABLE)
                throw new IOException("not a clamd reply from " + ch.spec() + ": " + abbreviate(line));
            if (id < 1 || id > requestsSent.getAsInt())
                throw new IOException("clamd at " + ch.spec() + " answered request " + id + ", which was never sent");
            if (replies.containsKey(id))
                throw new IOException("clamd at " + ch.spec() + " answered twice for request " + id);
            replies.put(id, r);
        }
    }

    private List<ClamdReply> pathCommand(String command, Path path) throws IOException {
        String answer = command("z" + command + " " + path.toAbsolutePath() + "\0");
        List<ClamdReply> out = new ArrayList<>();
        for (String line : answer.split("\0")) {
            if (line.isBlank()) continue;
            ClamdReply r = ClamdReply.parse(line);
            if (r.status() == ClamdReply.Status.UNPARSEABLE)
                throw new IOException("not a clamd reply: " + abbreviate(line));
            out.add(r);
        }
        if (out.isEmpty()) throw new IOException("empty answer from clamd to " + command);
        return out;
    }

    private String single(String command) throws IOException {
        String answer = command(command);
        int nul = answer.indexOf('\0');
        return (nul >= 0 ? answer.substring(0, nul) : answer).strip();
    }

    private String command(String command) throws IOException {
        try (TimedChannel ch = open()) {
            ch.writeFully(ascii(command));
            byte[] answer = ch.readToEnd(REPLY_LIMIT);
            if (answer.length == 0) throw new IOException("empty answer from clamd at " + ch.spec());
            return new String(answer, StandardCharsets.UTF_8);
        }
    }

    private TimedChannel open() throws IOException {
        IOException last = null;
        for (SocketSpec s : sockets) {
            try {
                return TimedChannel.connect(s, connectTimeout, readTimeout);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String abbreviate(String s) {
        String t = s.replaceAll("[\\x00-\\x1f]", "?");
        return t.length() > 120 ? t.substring(0, 120) + "..." : t;
    }
}
