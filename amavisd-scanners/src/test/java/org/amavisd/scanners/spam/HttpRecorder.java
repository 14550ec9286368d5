package org.amavisd.scanners.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** One HTTP/1.1 exchange on loopback: records the request (head and Content-Length body), answers the bytes given. */
final class HttpRecorder implements AutoCloseable {
    private final ServerSocket server;
    final CompletableFuture<String> request = new CompletableFuture<>();

    HttpRecorder(byte[] answer) throws IOException {
        this(answer, false);
    }

    /** With {@code hold}, the connection stays open after the answer, until the client closes it. */
    HttpRecorder(byte[] answer, boolean hold) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> serve(answer, hold), "http-recorder");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(byte[] answer, boolean hold) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) break;
                got.write(c);
            }
            String head = got.toString(StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)")
                    .matcher(head);
            if (m.find()) got.write(in.readNBytes(Integer.parseInt(m.group(1))));
            request.complete(got.toString(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(answer);
            s.getOutputStream().flush();
            if (hold) {
                while (in.read() >= 0) {
                    // until the client closes
                }
            }
        } catch (IOException e) {
            request.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
