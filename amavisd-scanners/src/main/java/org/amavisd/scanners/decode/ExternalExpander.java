package org.amavisd.scanners.decode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks a rar, arj, cab or lha part with an external program. The program runs without a shell,
 * with a fixed argument list in which only paths we made appear (the part under a generated name,
 * never a name from the message), its working directory a fresh empty directory under the parts
 * directory, stdin from /dev/null, and within the decode's time and byte budget: while it runs the
 * directory is measured, and the program and its children are killed when it writes more than the
 * quota has left, creates more files than $MAXFILES allows or outlives the time budget.
 *
 * <p>What it wrote is then walked without following links, level by level as amavisd-new's
 * flatten_and_tidy_dir does: regular files become member parts (moved to pNNN), directories are
 * members with attribute D, symbolic links (L), files with more than one hard link (L) and device
 * files, pipes and sockets (S) are members without content and are deleted. Nothing outside the
 * directory is ever read, and the directory is removed at the end.
 */
final class ExternalExpander {
    private static final Logger log = LoggerFactory.getLogger(ExternalExpander.class);
    private static final long POLL_MS = 50;
    private static final int OUTPUT_KEEP = 2048;

    private final Budget budget;
    private final DecoderTable programs;

    ExternalExpander(Budget budget, DecoderTable programs) {
        this.budget = budget;
        this.programs = programs;
    }

    /** Whether this short type is unpacked by a program. */
    boolean canExpand(String shortType) {
        return programs.programFor(shortType).isPresent();
    }

    /**
     * Unpacks {@code part} of this short type (rar, arj, cab, lha). Limits propagate as {@link
     * OverLimitException}; a program that fails to unpack anything is an IOException (the caller
     * leaves the part packed).
     */
    void expand(Node part, String shortType) throws IOException {
        ExternalArchivers.Format format = ExternalArchivers.Format.of(shortType).orElseThrow();
        Path program = programs.programFor(shortType).orElseThrow(() -> new IOException("no program for " + shortType));
        ArchiveProbe.Result probe = ArchiveProbe.probe(format, part.file);
        if (probe.headersEncrypted()) {
            part.addAttributes("UC"); // nothing can be listed without the password
            return;
        }
        Path work = Files.createDirectory(budget.partsDir.resolve("x-" + part.id));
        Path input = budget.partsDir.resolve("x-" + part.id + "." + extension(format));
        try {
            link(part.file, input);
            Path out = Files.createDirectory(work.resolve("out"));
            int exit = run(command(format, program, input), out);
            Set<String> encrypted = new HashSet<>();
            for (String name : probe.encryptedNames()) encrypted.add(normalize(name));
            List<Node> members = collect(part, out, encrypted);
            for (String name : probe.encryptedNames()) { // not written at all: a member without content
                if (members.stream().noneMatch(m -> normalize(m.name).equals(normalize(name)))) {
                    Node m = member(part, name);
                    m.addAttributes("UC");
                    members.add(m);
                }
            }
            if (exit != 0) {
                if (members.isEmpty()) {
                    throw new IOException(program.getFileName() + " exited with status " + exit);
                }
                part.addAttributes("U"); // some members may be missing
            }
        } finally {
            Files.deleteIfExists(input);
            deleteTree(work);
        }
    }

    private static String extension(ExternalArchivers.Format f) {
        return f == ExternalArchivers.Format.LHA ? "lzh" : f.shortType;
    }

    /** The argument list; the program's working directory is the output directory. */
    static List<String> command(ExternalArchivers.Format format, Path program, Path archive) {
        String p = program.toString(), a = archive.toAbsolutePath().toString();
        return switch (format) {
            case RAR -> List.of(p, "x", a); // unrar-free: extract with paths into the working directory
            case ARJ -> List.of(p, "x", "-y", a); // -y: answer yes, never wait for a keyboard
            case CAB -> List.of(p, "-q", a);
            case LHA -> List.of(p, "xq", a);
        };
    }

    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Runs the program in {@code dir}; returns its exit status, or throws when a limit stops it. */
    private int run(List<String> cmd, Path dir) throws IOException {
        log.debug("running {} in {}", cmd, dir);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C");
        Process proc = pb.start();
        StringBuilder output = new StringBuilder();
        Thread drain = new Thread(() -> drain(proc.getInputStream(), output), "archiver-output");
        drain.setDaemon(true);
        drain.start();
        try {
            while (!proc.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                String over = overLimit(dir);
                if (over != null) {
                    kill(proc);
                    throw new OverLimitException(over);
                }
            }
            String over = overLimit(dir);
            if (over != null) throw new OverLimitException(over);
            drain.join(1000);
            int exit = proc.exitValue();
            if (exit != 0) log.info("{} exited with status {}: {}", cmd.get(0), exit, lastLine(output));
            return exit;
        } catch (InterruptedException e) {
            kill(proc);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + cmd.get(0) + " ran", e);
        } finally {
            if (proc.isAlive()) kill(proc);
        }
    }

    private static void drain(InputStream in, StringBuilder keep) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (keep) {
                    if (keep.length() < OUTPUT_KEEP) {
                        keep.append(new String(
                                buf, 0, Math.min(n, OUTPUT_KEEP - keep.length()), StandardCharsets.ISO_8859_1));
                    }
                }
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    private static String lastLine(StringBuilder sb) {
        synchronized (sb) {
            String[] lines = sb.toString().strip().split("\\R");
            return lines.length == 0 ? "" : lines[lines.length - 1].replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /** Kills the program and everything it started. */
    private static void kill(Process proc) {
        proc.descendants().forEach(ProcessHandle::destroyForcibly);
        proc.destroyForcibly();
        try {
            proc.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the program must stop now, or null: measured on what it has written so far. */
    private String overLimit(Path dir) throws IOException {
        long[] usage = usage(dir);
        if (usage[0] > budget.remainingQuota()) {
            return "Exceeded storage quota " + budget.quota() + " bytes";
        }
        int maxFiles = budget.limits.maxFiles();
        if (maxFiles > 0 && budget.nodes.size() + usage[1] > maxFiles) {
            return "Maximum number of files (" + maxFiles + ") exceeded";
        }
        if (budget.timeLeftNanos() <= 0) {
            return "Time budget (" + budget.limits.timeBudget().toMillis() + " ms) exceeded";
        }
        return null;
    }

    /** Bytes and entries under {@code dir}, links not followed. */
    private static long[] usage(Path dir) throws IOException {
        long[] u = new long[2];
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                if (!d.equals(dir)) u[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                u[0] += a.size();
                u[1]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // created or removed while we looked
            }
        });
        return u;
    }

    /**
     * The members the program wrote under {@code root}, in amavisd-new's order: each directory's
     * entries (sorted by name) before the contents of its subdirectories.
     */
    List<Node> collect(Node part, Path root, Set<String> encrypted) throws IOException {
        Path realRoot = root.toRealPath();
        List<Node> members = new ArrayList<>();
        List<Path> level = List.of(realRoot);
        Set<Object> seenDirs = new HashSet<>();
        while (!level.isEmpty()) {
            List<Path> next = new ArrayList<>();
            for (Path dir : level) {
                List<Path> entries = new ArrayList<>();
                ownerMayUse(dir, true);
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path e : ds) entries.add(e);
                }
                entries.sort(null);
                for (Path e : entries) {
                    budget.checkTime();
                    String name = realRoot.relativize(e).toString();
                    Node m = member(part, name);
                    members.add(m);
                    BasicFileAttributes a =
                            Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isSymbolicLink()) {
                        m.addAttributes("L");
                        Files.delete(e);
                    } else if (a.isDirectory()) {
                        m.addAttributes("D");
                        Path real = e.toRealPath(LinkOption.NOFOLLOW_LINKS);
                        if (real.startsWith(realRoot) && seenDirs.add(a.fileKey() == null ? real : a.fileKey())) {
                            next.add(e);
                        }
                    } else if (!a.isRegularFile()) {
                        m.addAttributes("S");
                        Files.delete(e);
                    } else if (hardLinks(e) > 1) {
                        m.addAttributes("L"); // may be another name of a file outside the directory
                        Files.delete(e);
                    } else if (encrypted.contains(normalize(name))) {
                        m.addAttributes("UC"); // what was written is not the plain content
                        Files.delete(e);
                    } else {
                        ownerMayUse(e, false);
                        Path target = budget.partsDir.resolve(m.id);
                        Files.move(e, target, StandardCopyOption.ATOMIC_MOVE);
                        m.file = target;
                        m.size = a.size();
                        budget.charge(a.size());
                    }
                }
            }
            level = next;
        }
        return members;
    }

    /** An archive may restore modes that keep us out (a directory 0500, a file 0000). */
    private static void ownerMayUse(Path p, boolean dir) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(dir ? "rwxr-x---" : "rw-r-----"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system, or not ours: reading it will tell
        }
    }

    private static int hardLinks(Path f) {
        try {
            return (Integer) Files.getAttribute(f, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    private Node member(Node parent, String name) throws OverLimitException {
        Node m = budget.newNode(parent, parent.nextChildPath(), parent.tier + 1);
        m.fromArchive = true;
        m.name = name == null || name.isEmpty() ? null : name;
        return m;
    }

    /** A member name as comparable between an archive's header and the file the program wrote. */
    static String normalize(String name) {
        if (name == null) return "";
        String n = name.replace('\\', '/');
        while (n.startsWith("/") || n.startsWith("./")) n = n.substring(n.startsWith("/") ? 1 : 2);
        return n.toLowerCase(Locale.ROOT);
    }

    /** Deletes a tree without following links. */
    static void deleteTree(Path p) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (a.isDirectory()) {
            ownerMayUse(p, true);
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) children.add(c);
            }
            for (Path c : children) deleteTree(c);
        }
        Files.deleteIfExists(p);
    }
}
