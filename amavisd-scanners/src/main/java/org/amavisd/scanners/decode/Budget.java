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
    /** Numbered parts, in number order. */
    final List<Node> nodes = new ArrayList<>();

    private int unnumbered;
    private int provisional;
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

    /** A new part with the next number, counted against $MAXFILES. */
    Node newNode(Node parent, String levelPath, int tier) throws OverLimitException {
        Node n = newUnnumbered(parent, levelPath, tier);
        try {
            number(n);
        } catch (IOException e) {
            throw new IllegalStateException(e); // no file yet: nothing to rename
        }
        return n;
    }

    /**
     * A new part, counted against $MAXFILES, that gets its number later ({@link #number}); until
     * then it is not in {@link #nodes}, and content written for it goes to a provisional file.
     */
    Node newUnnumbered(Node parent, String levelPath, int tier) throws OverLimitException {
        checkTime();
        if (limits.maxFiles() > 0 && nodes.size() + unnumbered >= limits.maxFiles()) {
            throw new OverLimitException("Maximum number of files (" + limits.maxFiles() + ") exceeded");
        }
        unnumbered++;
        return new Node(null, parent, levelPath, tier);
    }

    /** Gives the part the next number (p001, ...) and its file that name; no-op if numbered. */
    void number(Node n) throws IOException {
        if (n.id != null) return;
        n.id = String.format("p%03d", nodes.size() + 1);
        nodes.add(n);
        unnumbered--;
        if (n.file != null) {
            Path named = partsDir.resolve(n.id);
            Files.move(n.file, named);
            n.file = named;
        }
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
        Path f = partsDir.resolve(node.id != null ? node.id : "unnumbered-" + (++provisional));
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
