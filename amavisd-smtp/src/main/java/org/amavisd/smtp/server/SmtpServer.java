package org.amavisd.smtp.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening side: every configured socket, one acceptor, and a fixed pool of
 * $max_servers workers. A connection is accepted only when a worker is free, so the rest wait in
 * the kernel's backlog exactly as they would for amavisd-new's pre-forked children.
 */
public final class SmtpServer {
    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final int BACKLOG = 128;
    private static final String SHUTTING_DOWN = "421 4.3.2 Service shutting down, closing channel\r\n";

    private final AtomicReference<ServerConfig> config;
    private final Map<ServerConfig.ListenAddress, ServerSocketChannel> channels = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> acceptorTasks = new ConcurrentLinkedQueue<>();
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    private final Semaphore freeWorkers;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger permitsTotal;
    private Selector selector;
    private Thread acceptor;
    private volatile boolean accepting;
    private volatile boolean shuttingDown;

    public SmtpServer(ServerConfig initial) {
        this.config = new AtomicReference<>(initial);
        this.freeWorkers = new Semaphore(initial.maxServers());
        this.permitsTotal = new AtomicInteger(initial.maxServers());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                initial.maxServers(), initial.maxServers(), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "amavisd-worker-" + n.incrementAndGet());
                    t.setDaemon(false);
                    return t;
                });
    }

    /** Binds every listening socket (all or none) and starts accepting. */
    public synchronized void start() throws IOException {
        selector = Selector.open();
        Map<ServerConfig.ListenAddress, ServerSocketChannel> bound =
                bindAll(config.get().listeners());
        bound.forEach(this::register);
        accepting = true;
        acceptor = new Thread(this::acceptLoop, "amavisd-acceptor");
        acceptor.start();
    }

    /** The ports actually bound (resolves port 0 in tests), in configuration order. */
    public synchronized List<Integer> boundPorts() {
        List<Integer> ports = new ArrayList<>();
        for (ServerSocketChannel ch : channels.values()) {
            ports.add(ch.socket().getLocalPort());
        }
        return ports;
    }

    public ServerConfig config() {
        return config.get();
    }

    public int activeSessions() {
        return sessions.size();
    }

    /**
     * Applies a reloaded configuration without dropping a connection: new sockets are bound
     * before old ones close, the worker pool is resized, and sessions in progress keep the
     * settings they started with. Throws, leaving everything as it was, if a new socket cannot be bound.
     */
    public synchronized void reconfigure(ServerConfig next) throws IOException {
        ServerConfig prev = config.get();
        Set<ServerConfig.ListenAddress> wanted = Set.copyOf(next.listeners());
        List<ServerConfig.ListenAddress> toBind = new ArrayList<>();
        for (ServerConfig.ListenAddress a : next.listeners()) {
            if (!channels.containsKey(a)) toBind.add(a);
        }
        Map<ServerConfig.ListenAddress, ServerSocketChannel> fresh = bindAll(toBind);
        resize(prev.maxServers(), next.maxServers());
        config.set(next);
        acceptorTasks.add(() -> {
            fresh.forEach(this::register);
            channels.keySet().removeIf(a -> {
                if (wanted.contains(a)) return false;
                refuseBacklog(a, channels.get(a));
                closeQuietly(channels.get(a));
                log.info("stopped listening on {}", a);
                return true;
            });
        });
        selector.wakeup();
    }

    private void resize(int from, int to) {
        if (to == from) return;
        if (to > from) {
            workers.setMaximumPoolSize(to);
            workers.setCorePoolSize(to);
            freeWorkers.release(to - from);
        } else {
            workers.setCorePoolSize(to);
            workers.setMaximumPoolSize(to);
            freeWorkers.acquireUninterruptibly(from - to); // waits for busy workers beyond the new size
        }
        permitsTotal.set(to);
        log.info("$max_servers changed from {} to {}", from, to);
    }

    private Map<ServerConfig.ListenAddress, ServerSocketChannel> bindAll(List<ServerConfig.ListenAddress> addrs)
            throws IOException {
        Map<ServerConfig.ListenAddress, ServerSocketChannel> bound = new HashMap<>();
        try {
            for (ServerConfig.ListenAddress a : addrs) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                bound.put(a, ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                InetSocketAddress sa = a.host() == null || a.host().equals("*")
                        ? new InetSocketAddress(a.port())
                        : new InetSocketAddress(InetAddress.getByName(stripBrackets(a.host())), a.port());
                try {
                    ch.bind(sa, BACKLOG);
                } catch (IOException e) {
                    throw new IOException("cannot listen on " + a + ": " + e.getMessage(), e);
                }
                ch.configureBlocking(false);
                log.info("listening on {}", a.port() == 0 ? ch.getLocalAddress() : a);
            }
            return bound;
        } catch (IOException | RuntimeException e) {
            bound.values().forEach(SmtpServer::closeQuietly);
            throw e;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private void register(ServerConfig.ListenAddress a, ServerSocketChannel ch) {
        try {
            ch.register(selector, SelectionKey.OP_ACCEPT);
            channels.put(a, ch);
        } catch (IOException e) {
            log.error("cannot register {}: {}", a, e.toString());
            closeQuietly(ch);
        }
    }

    private void acceptLoop() {
        while (accepting) {
            try {
                freeWorkers.acquire();
            } catch (InterruptedException e) {
                break;
            }
            SocketChannel ch = null;
            try {
                ch = acceptOne();
            } catch (IOException e) {
                log.error("accept failed: {}", e.toString());
            }
            if (ch == null) {
                freeWorkers.release();
                continue;
            }
            dispatch(ch);
        }
        // stop() interrupts us; a channel used by an interrupted thread closes at once, so clear it
        Thread.interrupted();
        synchronized (this) {
            channels.forEach(this::refuseBacklog);
            channels.values().forEach(SmtpServer::closeQuietly);
            channels.clear();
        }
        closeQuietly(selector);
    }

    /** Waits for one incoming connection on any socket; null when woken for another reason. */
    private SocketChannel acceptOne() throws IOException {
        while (accepting) {
            Runnable task;
            while ((task = acceptorTasks.poll()) != null) task.run();
            selector.select();
            for (SelectionKey key : selector.selectedKeys()) {
                if (!key.isValid()) continue;
                SocketChannel ch = ((ServerSocketChannel) key.channel()).accept();
                if (ch != null) {
                    selector.selectedKeys().clear(); // the others stay ready for the next select
                    return ch;
                }
            }
            selector.selectedKeys().clear();
        }
        return null;
    }

    private void dispatch(SocketChannel ch) {
        ServerConfig cfg = config.get();
        Socket socket = ch.socket();
        try {
            ch.configureBlocking(true);
        } catch (IOException e) {
            closeQuietly(ch);
            freeWorkers.release();
            return;
        }
        InetAddress peer = socket.getInetAddress();
        if (!cfg.acl().test(peer)) {
            log.warn("DENIED ACCESS from IP address [{}] (not in @inet_acl)", peer.getHostAddress());
            refuse(socket, "421 4.7.0 [" + socket.getLocalAddress().getHostAddress() + "] access denied\r\n");
            freeWorkers.release();
            return;
        }
        SmtpSession session = new SmtpSession(socket, cfg.session(), () -> shuttingDown);
        sessions.add(session);
        try {
            workers.execute(() -> {
                try {
                    session.run();
                } finally {
                    sessions.remove(session);
                    freeWorkers.release();
                }
            });
        } catch (RuntimeException e) { // pool shut down under us
            sessions.remove(session);
            refuse(socket, SHUTTING_DOWN);
            freeWorkers.release();
        }
    }

    /**
     * Connections still waiting in a socket's backlog when it closes would be reset; each gets
     * 421 instead, as Postfix's servers say when they stop, so the client knows to retry.
     */
    private void refuseBacklog(ServerConfig.ListenAddress a, ServerSocketChannel ch) {
        int n = 0;
        try {
            SocketChannel c;
            while ((c = ch.accept()) != null) { // non-blocking: null once the backlog is empty
                n++;
                try {
                    c.configureBlocking(true);
                    refuse(c.socket(), SHUTTING_DOWN);
                } catch (IOException e) {
                    closeQuietly(c);
                }
            }
        } catch (IOException e) {
            log.debug("draining the backlog of {}: {}", a, e.toString());
        }
        if (n > 0) log.info("{} connection(s) waiting on {} told 421: shutting down", n, a);
    }

    private static void refuse(Socket socket, String reply) {
        try (socket) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(reply.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            log.debug("refusing connection: {}", e.toString());
        }
    }

    /**
     * Graceful stop: stops listening at once (new connections are refused, those already waiting
     * for a worker get 421), lets sessions in
     * the middle of a message finish it, tells idle ones 421, and waits up to {@code grace} before
     * closing whatever is left.
     */
    public void stop(Duration grace) {
        accepting = false;
        shuttingDown = true;
        if (selector != null) selector.wakeup();
        if (acceptor != null) {
            acceptor.interrupt();
            try {
                acceptor.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.shutdown();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (!workers.awaitTermination(50, TimeUnit.MILLISECONDS)) {
                for (SmtpSession s : sessions) {
                    if (s.isIdle()) s.interruptIdle();
                }
                if (System.nanoTime() > deadline) {
                    log.warn("{} session(s) still busy after {} s: closing them", sessions.size(), grace.toSeconds());
                    workers.shutdownNow();
                    for (SmtpSession s : sessions) s.interruptIdle();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close: {}", e.toString());
        }
    }
}
