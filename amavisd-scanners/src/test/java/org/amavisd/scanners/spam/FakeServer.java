package org.amavisd.scanners.spam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * A one-connection loopback server that misbehaves on purpose: it reads the request (the given
 * number of bytes; {@link #WHOLE_SPAMC_REQUEST}: a SPAMC request head and its Content-length),
 * then answers the given bytes, or never answers at all (null) and holds the connection until
 * the client closes it.
 */
final class FakeServer implements AutoCloseable {
    static final int WHOLE_SPAMC_REQUEST = -1;
    private final ServerSocket server;
    final CompletableFuture<byte[]> received = new CompletableFuture<>();
    private volatile Socket conn;

    FakeServer(byte[] answer, int readBytes) throws IOException {
        this(answer, readBytes, false);
    }

    /** With {@code hold}, the connection stays open after the answer, until the client closes it. */
    FakeServer(byte[] answer, int readBytes, boolean hold) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> serve(answer, readBytes, hold), "fake-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(byte[] answer, int readBytes, boolean hold) {
        try (Socket s = server.accept()) {
            conn = s;
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int want = readBytes;
            if (want == WHOLE_SPAMC_REQUEST) {
                while (!got.toString(java.nio.charset.StandardCharsets.ISO_8859_1)
                        .endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) break;
                    got.write(c);
                }
                String head = got.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
                want = got.size() + Integer.parseInt(head.replaceAll("(?s).*Content-length: (\\d+).*", "$1"));
            }
            while (got.size() < want) {
                int n = in.read(buf, 0, Math.min(buf.length, want - got.size()));
                if (n < 0) break;
                got.write(buf, 0, n);
            }
            received.complete(got.toByteArray());
            if (answer == null) {
                // never answer: wait until the client gives up and closes
                while (in.read(buf) >= 0) {
                    // discard
                }
                return;
            }
            s.getOutputStream().write(answer);
            s.getOutputStream().flush();
            if (hold) {
                while (in.read(buf) >= 0) {
                    // discard until the client closes
                }
            }
        } catch (IOException e) {
            received.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket c = conn;
        if (c != null) c.close();
    }
}
