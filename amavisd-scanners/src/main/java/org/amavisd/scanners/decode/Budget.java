package org.amavisd.scanners.decode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one decode may spend: part count, bytes written, time. Also the mutable list of
 * parts being built. Not thread-safe: one decode runs on one thread.
 */
final class Budget {
    private static final int BUF = 64 * 1024;

    final DecodeLimits limits;
    final Path partsDir;
    private final long quota;
    private long written;
    private final long deadline;
    final List<Node> nodes = new ArrayList<>();
    private final byte[] buf = new byte[BUF];

    Budget(DecodeLimits limits, Path partsDir, long messageSize) {
        this.limits = limits;
        this.partsDir = partsDir;
        this.quota = limits.quotaFor(messageSize);
        this.deadline = System.nanoTime() + limits.timeBudget().toNanos();
    }

    long written() {
        return written;
    }

    long quota() {
        return quota;
    }

    long remainingQuota() {
        return quota - written;
    }

    long timeLeftNanos() {
        return deadline - System.nanoTime();
    }

    /** A new part, counted against $MAXFILES. */
    Node newNode(Node parent, String levelPath, int tier) throws OverLimitException {
        checkTime();
        if (limits.maxFiles() > 0 && nodes.size() >= limits.maxFiles()) {
            throw new OverLimitException("Maximum number of files (" + limits.maxFiles() + ") exceeded");
        }
        Node n = new Node(String.format("p%03d", nodes.size() + 1), parent, levelPath, tier);
        nodes.add(n);
        return n;
    }

    void checkTime() throws OverLimitException {
        if (System.nanoTime() - deadline > 0) {
            throw new OverLimitException("Time budget (" + limits.timeBudget().toMillis() + " ms) exceeded");
        }
    }

    void charge(long bytes) throws OverLimitException {
        written += bytes;
        if (written > quota) {
            throw new OverLimitException("Exceeded storage quota " + quota + " bytes");
        }
    }

    /** Copies {@code in} to the node's file, charging quota and checking time as it goes. */
    void writeContent(Node node, InputStream in) throws IOException {
        Path f = partsDir.resolve(node.id);
        node.file = f;
        try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) continue;
                node.size += n;
                charge(n);
                checkTime();
                out.write(buf, 0, n);
            }
        }
    }

    /** Writes bytes already in hand (a decoded line) to an open output, with the same accounting. */
    void write(Node node, OutputStream out, byte[] b, int off, int len) throws IOException {
        node.size += len;
        charge(len);
        out.write(b, off, len);
    }
}
