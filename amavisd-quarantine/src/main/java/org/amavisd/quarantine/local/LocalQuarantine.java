package org.amavisd.quarantine.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.quarantine.BodyDigest;
import org.amavisd.quarantine.PartitionTag;
import org.amavisd.quarantine.QuarantineException;
import org.amavisd.quarantine.QuarantineMethod;
import org.amavisd.quarantine.QuarantineResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local:} quarantine of amavisd-new in its one-file-per-message form: {@code
 * $QUARANTINEDIR} is a directory, and each quarantined message becomes one file in it, named by
 * the method's template, optionally in a one-character subdirectory taken from the mail_id
 * ({@code $quarantine_subdir_levels}).
 *
 * <p>The file holds the envelope header fields amavisd-new prepends (Return-Path, Delivered-To,
 * X-Envelope-From, X-Envelope-To, X-Envelope-To-Blocked, X-Quarantine-ID), then the message as
 * spooled, streamed from its file, with its own Return-Path fields left out. A name ending in
 * {@code .gz} is gzipped. The file is created new (an existing one is never overwritten), then it
 * and its directory are forced to disk before {@link #store} returns: a message may be discarded
 * once this returns, and not before. Any failure throws {@link QuarantineException} and removes
 * the partial file.
 */
public final class LocalQuarantine {
    private static final Logger log = LoggerFactory.getLogger(LocalQuarantine.class);
    private static final String CRLF = "\r\n";
    private static final String SUBDIR_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int BUFFER = 64 * 1024;

    private final Path quarantineDir;
    private final int subdirLevels;
    private final ZoneId zone;

    public LocalQuarantine(Path quarantineDir, int subdirLevels) {
        this(quarantineDir, subdirLevels, ZoneId.systemDefault());
    }

    /** {@code zone} is the local time zone of the {@code %i} timestamp (amavisd-new: localtime). */
    public LocalQuarantine(Path quarantineDir, int subdirLevels, ZoneId zone) {
        this.quarantineDir = Objects.requireNonNull(quarantineDir);
        if (subdirLevels < 0) throw new IllegalArgumentException("quarantine_subdir_levels < 0: " + subdirLevels);
        this.subdirLevels = subdirLevels;
        this.zone = Objects.requireNonNull(zone);
    }

    public Path quarantineDir() {
        return quarantineDir;
    }

    /**
     * Stores one copy of {@code msg} by a {@code local:} method.
     *
     * @param ccatName the content category quarantined for, carried into the result
     * @param recipients the quarantine addresses (e.g. "virus-quarantine", from *_quarantine_to),
     *     written in Delivered-To; they do not choose the file (no %local_delivery_aliases)
     * @throws QuarantineException for a method that is not local:, a missing quarantine
     *     directory, and any failure to create, write or sync the file
     */
    public QuarantineResult store(MessageContext msg, QuarantineMethod method, String ccatName, List<String> recipients)
            throws QuarantineException {
        return store(msg, method, ccatName, recipients, new byte[0]);
    }

    /**
     * As {@link #store(MessageContext, QuarantineMethod, String, List)}, with {@code addedFields}
     * (CRLF-terminated header fields: amavisd-new puts its alerts and its Received field there)
     * between the envelope fields and the message.
     */
    public QuarantineResult store(
            MessageContext msg, QuarantineMethod method, String ccatName, List<String> recipients, byte[] addedFields)
            throws QuarantineException {
        Objects.requireNonNull(msg);
        Objects.requireNonNull(method);
        if (!method.isLocal()) {
            throw new QuarantineException("not a local quarantine method: '" + method + "'");
        }
        if (!Files.isDirectory(quarantineDir)) {
            // amavisd-new would append to a Unix mailbox file at this path
            throw new QuarantineException("quarantine directory " + quarantineDir
                    + " does not exist or is not a directory (mbox quarantine is not supported yet)");
        }
        String mailId = msg.mailId().id();
        String fileName;
        try {
            fileName = FileNameTemplate.expand(
                    method.fileNameTemplate(),
                    new FileNameTemplate.Values(
                            mailId,
                            msg.logId(),
                            msg.receivedAt() != null ? msg.receivedAt() : Instant.now(),
                            zone,
                            () -> msg.attachment(BodyDigest.class)
                                    .map(BodyDigest::hex)
                                    .orElseThrow(() -> new IllegalStateException("no body digest for %b")),
                            msg.attachment(PartitionTag.class)
                                    .map(PartitionTag::value)
                                    .orElse("")));
        } catch (IllegalStateException | java.time.DateTimeException e) {
            throw new QuarantineException(
                    "quarantine file name '" + method.fileNameTemplate() + "': " + e.getMessage(), e);
        }
        Path target;
        try {
            target = resolve(fileName, mailId);
        } catch (java.nio.file.InvalidPathException e) {
            throw new QuarantineException("bad quarantine file name '" + fileName + "': " + e.getMessage(), e);
        }
        boolean gzip = fileName.endsWith(".gz");
        byte[] head = envelopeHeader(msg, recipients).getBytes(StandardCharsets.UTF_8);
        byte[] envelope = java.util.Arrays.copyOf(head, head.length + addedFields.length);
        System.arraycopy(addedFields, 0, envelope, head.length, addedFields.length);
        long written = write(target, gzip, envelope, msg.messageFile());
        log.info("{} quarantined {} as {} to {}", msg.logId(), mailId, ccatName, target);
        return new QuarantineResult(target, mailId, gzip ? 'Z' : 'F', ccatName, written);
    }

    /**
     * The file for an expanded name. As in amavisd-new, any subdirectory level of 1 or more gives
     * one level: the first character of the mail_id, inserted before the last component of the
     * name; when it is missing, all 62 one-character subdirectories are created (mode 0750).
     */
    private Path resolve(String fileName, String mailId) throws QuarantineException {
        Path target = quarantineDir.resolve(fileName);
        if (subdirLevels >= 1) {
            String first = mailId.isEmpty() ? "" : mailId.substring(0, 1);
            if (first.isEmpty() || SUBDIR_CHARS.indexOf(first.charAt(0)) < 0) {
                throw new QuarantineException("unexpected first character of mail_id '" + mailId + "'");
            }
            Path parent = target.getParent();
            Path subdir = parent.resolve(first);
            if (!Files.exists(subdir, LinkOption.NOFOLLOW_LINKS)) createSubdirs(parent);
            target = subdir.resolve(target.getFileName());
        }
        return target;
    }

    private static void createSubdirs(Path parent) throws QuarantineException {
        FileAttribute<?>[] attrs = posixAttrs(parent, "rwxr-x---");
        try {
            for (char d : SUBDIR_CHARS.toCharArray()) {
                Path dir = parent.resolve(String.valueOf(d));
                try {
                    Files.createDirectory(dir, attrs);
                } catch (FileAlreadyExistsException ignored) {
                    // another worker made it, or a case-insensitive file system folded it
                }
            }
            syncDirectory(parent);
        } catch (IOException e) {
            throw new QuarantineException("can't create quarantine subdirectories under " + parent + ": " + e, e);
        }
    }

    /** The header fields amavisd-new prepends to a local quarantine file, in its order. */
    static String envelopeHeader(MessageContext msg, List<String> recipients) {
        String sender = msg.sender().bracketed();
        StringBuilder sb = new StringBuilder(256);
        sb.append("Return-Path: ").append(sender).append(CRLF);
        if (recipients != null && !recipients.isEmpty()) {
            sb.append("Delivered-To: ").append(String.join(", ", recipients)).append(CRLF);
        }
        sb.append("X-Envelope-From: ").append(sender).append(CRLF);
        sb.append("X-Envelope-To: ")
                .append(msg.recipients().stream()
                        .map(r -> r.address().bracketed())
                        .collect(Collectors.joining("," + CRLF + " ")))
                .append(CRLF);
        String blocked = msg.recipients().stream()
                // blocked by a destiny (decided before the copy is written), or already settled
                .filter(r -> r.destiny() != org.amavisd.core.ccat.Destiny.PASS || r.isDone())
                .map(r -> r.address().bracketed())
                .collect(Collectors.joining("," + CRLF + " "));
        // no blank after the colon of an empty field, as amavisd-new writes it
        sb.append("X-Envelope-To-Blocked:")
                .append(blocked.isEmpty() ? "" : " " + blocked)
                .append(CRLF);
        sb.append("X-Quarantine-ID: <").append(msg.mailId().id()).append('>').append(CRLF);
        return sb.toString();
    }

    private static long write(Path target, boolean gzip, byte[] envelope, Path messageFile) throws QuarantineException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileChannel ch;
        try {
            ch = FileChannel.open(target, options, posixAttrs(target.getParent(), "rw-r-----"));
        } catch (FileAlreadyExistsException e) {
            throw new QuarantineException("quarantine file " + target + " already exists, refuse to overwrite", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new QuarantineException("can't create quarantine file " + target + ": " + e, e);
        }
        boolean ok = false;
        try (ch) {
            OutputStream raw = new NonClosing(Channels.newOutputStream(ch));
            OutputStream out = gzip ? new GZIPOutputStream(raw, BUFFER) : new BufferedOutputStream(raw, BUFFER);
            out.write(envelope);
            if (messageFile != null) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile), BUFFER)) {
                    HeaderFilter.copyWithoutReturnPath(in, out);
                }
            }
            out.close(); // finishes the gzip trailer and flushes; the channel stays open
            ch.force(true);
            long size = ch.size();
            syncDirectory(target.getParent());
            ok = true;
            return size;
        } catch (IOException e) {
            throw new QuarantineException("can't write quarantine file " + target + ": " + e, e);
        } finally {
            if (!ok) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException e) {
                    log.warn("can't remove partial quarantine file {}: {}", target, e.toString());
                }
            }
        }
    }

    /** Makes a new directory entry durable: fsync of the directory (Linux; a no-op where unsupported). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // some platforms (Windows) can't open a directory; POSIX systems can
            if (!System.getProperty("os.name", "").startsWith("Windows")) throw e;
        }
    }

    private static FileAttribute<?>[] posixAttrs(Path dir, String perms) {
        if (dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))
            };
        }
        return new FileAttribute<?>[0];
    }

    /** Lets the gzip/buffer stream be closed (to finish it) without closing the channel. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
