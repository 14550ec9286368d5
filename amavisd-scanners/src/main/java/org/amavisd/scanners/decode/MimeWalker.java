package org.amavisd.scanners.decode;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Event;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the spooled message with mime4j's pull parser, which reads it as a stream: every leaf's
 * decoded body goes straight to its own file, containers get a part without a file.
 */
final class MimeWalker {
    private static final Logger log = LoggerFactory.getLogger(MimeWalker.class);
    /** MIME parts are decoding tier 2: the message itself is tier 1. */
    static final int MIME_TIER = 2;

    private static final MimeConfig CONFIG = new MimeConfig.Builder()
            .setStrictParsing(false)
            .setMaxLineLen(-1) // body lines may be long; the parser does not buffer whole body lines
            .setMaxHeaderCount(-1) // fields are streamed one at a time, not kept
            .setMaxHeaderLen(256 * 1024) // one header field: bounds memory
            .setMaxContentLen(-1)
            .build();

    private final Budget budget;
    /** MIME framing problems found, in the order found (amavisd-new's CC_BADH minor 1). */
    private final List<String> problems = new ArrayList<>();
    /** What the parser noticed during the last step, read right after it. */
    private final List<String> events = new ArrayList<>();

    MimeWalker(Budget budget) {
        this.budget = budget;
    }

    /** The MIME framing problems found so far; also when the walk ended with an exception. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Walks the message; framing problems are collected (see {@link #problems()}), not thrown. */
    void walk(Path message) throws IOException {
        DecodeMonitor monitor = new DecodeMonitor() {
            @Override
            public boolean warn(String message, String action) {
                events.add(message);
                return false;
            }

            @Override
            public boolean isListening() {
                return true;
            }
        };
        MimeTokenStream ts = new MimeTokenStream(CONFIG, monitor, null);
        ts.setRecursionMode(RecursionMode.M_RECURSE);
        Deque<Node> stack = new ArrayDeque<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message), 64 * 1024)) {
            ts.parse(in);
            for (EntityState st = ts.getState(); st != EntityState.T_END_OF_STREAM; st = ts.next()) {
                noticeEvents(stack);
                switch (st) {
                    case T_START_MESSAGE, T_START_BODYPART -> {
                        Node parent = stack.peek();
                        int max = budget.limits.maxMimeDepth();
                        if (max > 0 && stack.size() >= max) {
                            throw new OverLimitException("Maximum MIME nesting depth (" + max + ") exceeded");
                        }
                        Node nd = parent == null
                                ? budget.newNode(null, "1", MIME_TIER)
                                : budget.newNode(parent, parent.nextChildPath(), MIME_TIER);
                        nd.embeddedMessage = parent != null && st == EntityState.T_START_MESSAGE;
                        stack.push(nd);
                    }
                    case T_FIELD -> {
                        Node nd = stack.peek();
                        Field f = ts.getField();
                        String name = f.getName().toLowerCase(Locale.ROOT);
                        if (name.equals("content-type") && nd.contentTypeHeader == null) {
                            nd.contentTypeHeader = f.getBody();
                        } else if (name.equals("content-disposition") && nd.contentDispositionHeader == null) {
                            nd.contentDispositionHeader = f.getBody();
                        }
                    }
                    case T_END_HEADER -> endHeader(stack.peek());
                    case T_START_MULTIPART ->
                        stack.peek().mimeType = ts.getBodyDescriptor().getMimeType();
                    case T_PREAMBLE -> pseudoPart(stack.peek(), ts.getInputStream(), true);
                    case T_EPILOGUE -> pseudoPart(stack.peek(), ts.getInputStream(), false);
                    case T_BODY -> {
                        Node nd = stack.peek();
                        BodyDescriptor bd = ts.getBodyDescriptor();
                        if (nd.mimeType != null
                                && nd.mimeType.startsWith("multipart/")
                                && !bd.getMimeType().startsWith("multipart/")) {
                            problem(stack, nd.mimeType + " without a boundary parameter (part " + nd.levelPath + ")");
                        }
                        nd.mimeType = bd.getMimeType();
                        nd.transferEncoding = bd.getTransferEncoding();
                        budget.writeContent(nd, ts.getDecodedInputStream());
                    }
                    case T_END_BODYPART, T_END_MESSAGE -> stack.pop();
                    default -> {}
                }
            }
        } catch (MimeException e) {
            log.info("MIME parse stopped early: {}", e.getMessage());
            problems.add("parsing stopped: " + e.getMessage());
        } catch (OverLimitException e) {
            if (e.getMessage().startsWith("Maximum number of files")) {
                problems.add("too many MIME parts to parse (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    /**
     * Turns what the parser noticed in its last step into problems, named after the entity on top
     * of the stack (the one the parser was in). The kinds are those MIME::Parser reports as errors
     * (not its warnings), which amavisd-new makes CC_BADH minor 1: a multipart whose first boundary
     * never comes or whose closing boundary is missing (the end of the message, or of an enclosing
     * part, came first), a header that the message's end cuts off, a header line that is no field.
     * Decoding complaints (stray characters in base64, a bad quoted-printable escape) are not
     * among them: MIME::Parser passes over those in silence, and so do we.
     */
    private void noticeEvents(Deque<Node> stack) {
        if (events.isEmpty()) return;
        Node nd = stack.peek();
        for (String ev : events) {
            if (nd == null) continue;
            String where = nd.mimeType == null ? "part " + nd.levelPath : nd.mimeType + " (part " + nd.levelPath + ")";
            if (ev.endsWith(Event.MIME_BODY_PREMATURE_END.toString())) {
                problem(
                        stack,
                        nd.childCount == 0
                                ? "no boundary of " + where + " found: all of it read as preamble"
                                : "closing boundary of " + where + " missing");
            } else if (ev.endsWith(Event.HEADERS_PREMATURE_END.toString())) {
                // inside a multipart, a header that runs into the next boundary is only a warning
                // for MIME::Parser (a part without the empty line); only the message's own counts
                if (stack.size() == 1) problem(stack, "the message ends inside its header");
            } else if (ev.endsWith(Event.INVALID_HEADER.toString())) {
                problem(stack, "a header line of " + where + " is not a header field");
            }
        }
        events.clear();
    }

    /**
     * Records a problem unless it lies inside an embedded message: amavisd-new parses the message
     * with nested messages left whole, so only the outer structure can have MIME errors.
     */
    private void problem(Deque<Node> stack, String what) {
        int messages = 0;
        for (Node n : stack) if (n.embeddedMessage) messages++;
        if (messages == 0) problems.add(what);
    }

    private static void endHeader(Node nd) {
        HeaderParams ct = HeaderParams.parse(nd.contentTypeHeader);
        if (!ct.value.isEmpty() && ct.value.indexOf('/') > 0) nd.mimeType = ct.value;
        HeaderParams cd = HeaderParams.parse(nd.contentDispositionHeader);
        String name = cd.get("filename"), raw = cd.raw("filename");
        if (name == null || name.isBlank()) {
            name = ct.get("name");
            raw = ct.raw("name");
        }
        if (name != null && !name.isBlank()) {
            nd.name = name;
            if (raw != null && !raw.equals(name)) nd.rawName = raw;
        }
        nd.contentTypeHeader = null;
        nd.contentDispositionHeader = null;
    }

    /** A preamble or epilogue becomes a part only when it holds more than white space. */
    private void pseudoPart(Node multipart, InputStream in, boolean preamble) throws IOException {
        byte[] head = in.readNBytes(8192);
        boolean blank = true;
        for (byte b : head) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                blank = false;
                break;
            }
        }
        if (blank && head.length < 8192) return;
        String path = preamble ? multipart.levelPath + "/0" : multipart.nextChildPath();
        Node nd = budget.newNode(multipart, path, MIME_TIER);
        budget.writeContent(nd, new SequenceInputStream(new ByteArrayInputStream(head), in));
    }
}
