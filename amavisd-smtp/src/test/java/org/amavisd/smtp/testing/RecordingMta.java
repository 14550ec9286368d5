package org.amavisd.smtp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A back-end MTA for socket-level tests: speaks SMTP or LMTP on an ephemeral loopback port,
 * offers the extensions it is told to, answers RCPTs per address ("reject@..." → 550,
 * "tempfail@..." → 450, unless told otherwise) and records every command and message.
 */
public final class RecordingMta implements AutoCloseable {
    /** One message: {@code data} with dot-stuffing undone, {@code wire} the bytes as they came, final dot line included. */
    public record Message(String mailFrom, List<String> rcptTo, String data, List<String> commands, String wire) {}

    private final ServerSocket server;
    private final boolean lmtp;
    private final List<String> extensions;
    private final List<String> transcript = new CopyOnWriteArrayList<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final Map<String, String> dataReplies = new ConcurrentHashMap<>();
    private final AtomicInteger queueIds = new AtomicInteger(1000);
    private volatile String greeting = "220 backend.test ESMTP recording";
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean hangUpAfterData;
    private volatile boolean silentAfterData;
    private volatile boolean stopReadingInData;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final Thread thread;

    public RecordingMta(boolean lmtp, List<String> extensions) throws IOException {
        this.lmtp = lmtp;
        this.extensions = List.copyOf(extensions);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::acceptLoop, "recording-mta");
        thread.setDaemon(true);
        thread.start();
    }

    public static RecordingMta smtp() throws IOException {
        return new RecordingMta(
                false,
                List.of(
                        "PIPELINING",
                        "SIZE 10240000",
                        "8BITMIME",
                        "SMTPUTF8",
                        "DSN",
                        "ENHANCEDSTATUSCODES",
                        "XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE"));
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Message> messages() {
        return Collections.unmodifiableList(messages);
    }

    public List<String> transcript() {
        return Collections.unmodifiableList(transcript);
    }

    /** How many connections were accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Close the connection after each message, as an MTA whose idle timeout ran out would. */
    public void hangUpAfterData(boolean hangUp) {
        this.hangUpAfterData = hangUp;
    }

    /** Take the message, then never answer the final dot (a back end that hangs while checking it). */
    public void silentAfterData(boolean silent) {
        this.silentAfterData = silent;
    }

    /** After the 354, read nothing more: the client's writes stall once the socket buffers are full. */
    public void stopReadingInData(boolean stop) {
        this.stopReadingInData = stop;
    }

    public void setGreeting(String greeting) {
        this.greeting = greeting;
    }

    /** The reply to RCPT for this address, e.g. "550 5.1.1 no such user". */
    public void rcptReply(String address, String reply) {
        rcptReplies.put(address, reply);
    }

    /** Under LMTP, the reply after DATA for this recipient. */
    public void dataReply(String address, String reply) {
        dataReplies.put(address, reply);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "recording-mta-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            say(out, greeting);
            if (!greeting.startsWith("220")) return;
            String from = null;
            List<String> rcpts = new ArrayList<>();
            List<String> accepted = new ArrayList<>();
            List<String> commands = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                transcript.add(line);
                commands.add(line);
                String verb = line.split(" ", 2)[0].toUpperCase();
                switch (verb) {
                    case "EHLO", "LHLO" -> {
                        StringBuilder sb = new StringBuilder("250-backend.test");
                        for (int i = 0; i < extensions.size(); i++) {
                            sb.append(i == extensions.size() - 1 ? "\r\n250 " : "\r\n250-")
                                    .append(extensions.get(i));
                        }
                        if (extensions.isEmpty()) sb = new StringBuilder("250 backend.test");
                        say(out, sb.toString());
                    }
                    case "HELO" -> say(out, "250 backend.test");
                    case "XFORWARD" -> say(out, "250 2.0.0 Ok");
                    case "MAIL" -> {
                        from = line.substring(10);
                        rcpts.clear();
                        accepted.clear();
                        say(out, "250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        String rcpt = line.substring(8);
                        String addr = rcpt.replaceAll("^<([^>]*)>.*$", "$1");
                        rcpts.add(rcpt);
                        String reply = rcptReplies.getOrDefault(
                                addr,
                                addr.startsWith("reject@")
                                        ? "550 5.1.1 <" + addr + ">: Recipient address rejected"
                                        : addr.startsWith("tempfail@")
                                                ? "450 4.2.0 <" + addr + ">: try later"
                                                : "250 2.1.5 Ok");
                        if (reply.startsWith("2")) accepted.add(addr);
                        say(out, reply);
                    }
                    case "DATA" -> {
                        if (accepted.isEmpty()) {
                            say(out, "554 5.5.1 Error: no valid recipients");
                            continue;
                        }
                        say(out, "354 End data with <CR><LF>.<CR><LF>");
                        if (stopReadingInData) {
                            awaitClose();
                            return;
                        }
                        StringBuilder wire = new StringBuilder();
                        String data = readData(in, wire);
                        messages.add(
                                new Message(from, List.copyOf(rcpts), data, List.copyOf(commands), wire.toString()));
                        commands.clear();
                        if (silentAfterData) {
                            awaitClose();
                            return;
                        }
                        if (lmtp) {
                            StringBuilder sb = new StringBuilder();
                            for (String a : accepted) {
                                if (sb.length() > 0) sb.append("\r\n");
                                sb.append(dataReplies.getOrDefault(
                                        a, "250 2.0.0 <" + a + "> Ok: queued as Q" + queueIds.incrementAndGet()));
                            }
                            say(out, sb.toString());
                        } else {
                            say(out, "250 2.0.0 Ok: queued as Q" + queueIds.incrementAndGet());
                        }
                        if (hangUpAfterData) return;
                    }
                    case "RSET" -> {
                        from = null;
                        say(out, "250 2.0.0 Ok");
                    }
                    case "QUIT" -> {
                        say(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> say(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        return readLine(in, null);
    }

    /** A line up to LF (as Postfix reads), its CRLF or LF dropped; the raw bytes also go to {@code wire}. */
    private static String readLine(InputStream in, StringBuilder wire) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.UTF_8);
        if (wire != null) wire.append(s).append(c == '\n' ? "\n" : "");
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** The message as sent on the wire, dot-stuffing undone, CRLFs kept. */
    private static String readData(InputStream in, StringBuilder wire) throws IOException {
        StringBuilder sb = new StringBuilder();
        String line;
        while ((line = readLine(in, wire)) != null) {
            if (line.equals(".")) break;
            sb.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
    }
}
