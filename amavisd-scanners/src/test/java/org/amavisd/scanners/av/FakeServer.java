package org.amavisd.scanners.av;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A loopback TCP server that is not clamd: it reads a little, then does what it was told. */
final class FakeServer implements AutoCloseable {
    enum Behaviour {
        /** answers a line of nonsense and closes */
        GARBAGE,
        /** reads and never answers */
        SILENT,
        /** reads a few bytes, then resets the connection, as a clamd that is stopped mid-stream */
        DIES
    }

    private final ServerSocket server;
    private final List<Socket> open = new ArrayList<>();
    private final Thread thread;

    FakeServer(Behaviour b) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(b), "fake-clamd");
        thread.setDaemon(true);
        thread.start();
    }

    SocketSpec spec() {
        return new SocketSpec(null, null, "127.0.0.1", server.getLocalPort());
    }

    private void serve(Behaviour b) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (open) {
                    open.add(s);
                }
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                in.read(new byte[64]);
                switch (b) {
                    case GARBAGE -> {
                        out.write("HTTP/1.0 400 Bad Request\r\n\r\n<html>what?</html>\0"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        s.close();
                    }
                    case SILENT -> {
                        // keep it open, say nothing; the reader thread drains what comes
                        Thread t = new Thread(() -> {
                            try {
                                in.transferTo(OutputStream.nullOutputStream());
                            } catch (IOException ignored) {
                                // closed
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    }
                    case DIES -> {
                        s.setSoLinger(true, 0);
                        s.close();
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (Socket s : open) s.close();
        }
    }
}
