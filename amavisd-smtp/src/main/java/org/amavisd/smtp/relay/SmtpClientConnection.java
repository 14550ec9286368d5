package org.amavisd.smtp.relay;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.amavisd.core.smtp.SmtpReply;

/** The client side of one SMTP/LMTP connection to the back-end MTA: commands out, replies in. */
final class SmtpClientConnection implements AutoCloseable {
    private static final int MAX_REPLY_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private final Socket socket;
    private final InputStream in;
    private final WatchedOutputStream raw;
    private final BufferedOutputStream out;
    private final Map<String, String> extensions = new HashMap<>();

    private SmtpClientConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.raw = new WatchedOutputStream(socket.getOutputStream(), socket);
        this.out = new BufferedOutputStream(raw, 65536);
    }

    static SmtpClientConnection connect(String host, int port, Duration connectTimeout) throws IOException {
        Socket s =
                new Socket(java.net.Proxy.NO_PROXY); // the back end is reached directly: no proxy selector per message
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), (int) connectTimeout.toMillis());
            return new SmtpClientConnection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The time each read of a reply, and each write to the MTA, may take from now on. */
    void timeout(Duration d) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, d.toMillis()));
        raw.limit(d);
    }

    OutputStream dataStream() {
        return out;
    }

    /** Queues a command line; nothing is sent before {@link #flush()}. */
    void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    SmtpReply command(String command) throws IOException {
        send(command);
        flush();
        return readReply();
    }

    /** Reads one (possibly multi-line) reply. */
    SmtpReply readReply() throws IOException {
        List<String> texts = new ArrayList<>();
        int code = -1;
        String enhanced = null;
        for (int n = 0; n < MAX_REPLY_LINES; n++) {
            String line = readLine();
            if (line.length() < 3
                    || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new ProtocolException("bad reply line from MTA: " + abbreviate(line));
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code == -1) code = c;
            String text = line.length() > 4 ? line.substring(4) : "";
            SmtpReply parsed = SmtpReply.parse(c + " " + text);
            if (enhanced == null && parsed != null && !parsed.enhanced().isEmpty()) enhanced = parsed.enhanced();
            texts.add(parsed != null && !parsed.enhanced().isEmpty() ? parsed.text() : text);
            if (line.length() == 3 || line.charAt(3) == ' ') {
                if (code < 200 || code > 599)
                    throw new ProtocolException("bad reply code from MTA: " + abbreviate(line));
                return new SmtpReply(code, enhanced, texts);
            }
        }
        throw new ProtocolException("reply from MTA has too many lines");
    }

    private String readLine() throws IOException {
        byte[] buf = new byte[256];
        int len = 0;
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed by MTA");
            if (b == '\n') break;
            if (len < MAX_REPLY_LINE) {
                if (len == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                buf[len++] = (byte) b;
            }
        }
        if (len > 0 && buf[len - 1] == '\r') len--;
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /** Records the EHLO/LHLO keywords: "PIPELINING" → "", "XFORWARD" → "NAME ADDR ...". */
    void parseExtensions(SmtpReply ehlo) {
        extensions.clear();
        List<String> lines = ehlo.lines();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            int sp = l.indexOf(' ');
            extensions.put(
                    (sp < 0 ? l : l.substring(0, sp)).toUpperCase(Locale.ROOT),
                    sp < 0 ? "" : l.substring(sp + 1).trim());
        }
    }

    boolean supports(String keyword) {
        return extensions.containsKey(keyword);
    }

    String extensionParams(String keyword) {
        return extensions.getOrDefault(keyword, "");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a socket that will not close
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** The MTA said something that is not SMTP. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException;
    }
}
