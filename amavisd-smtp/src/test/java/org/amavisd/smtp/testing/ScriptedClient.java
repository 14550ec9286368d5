package org.amavisd.smtp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A front MTA for socket-level tests: sends exactly the bytes it is given, reads whole replies. */
public final class ScriptedClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public ScriptedClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends one command (CRLF added) and returns its whole reply, lines joined by "\n". */
    public String command(String line) throws IOException {
        send(line + "\r\n");
        return reply();
    }

    public void send(String raw) throws IOException {
        sendBytes(raw.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one reply (all its lines); null when the server closed the connection. */
    public String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = line();
            if (l == null) return lines.isEmpty() ? null : String.join("\n", lines);
            lines.add(l);
            if (l.length() < 4 || l.charAt(3) == ' ') return String.join("\n", lines);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        if (c < 0 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** EHLO (or LHLO) and a transaction up to the reply after the end of data. */
    public String sendMail(String greetingVerb, String from, List<String> rcpts, String message) throws IOException {
        reply(); // banner
        command(greetingVerb + " front.test");
        String r = command("MAIL FROM:<" + from + ">");
        if (!r.startsWith("250")) return r;
        for (String rcpt : rcpts) command("RCPT TO:<" + rcpt + ">");
        r = command("DATA");
        if (!r.startsWith("354")) return r;
        send(dotStuff(message) + (message.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
        return reply();
    }

    /** What a real SMTP client does to DATA: a leading dot doubled on every line. */
    public static String dotStuff(String message) {
        return (message.startsWith(".") ? "." : "") + message.replace("\r\n.", "\r\n..");
    }

    public boolean isClosedByPeer() throws IOException {
        return in.read() < 0;
    }

    public void setTimeout(int ms) throws IOException {
        socket.setSoTimeout(ms);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
