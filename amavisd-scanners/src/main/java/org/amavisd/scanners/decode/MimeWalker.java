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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the spooled message with mime4j's pull parser, which reads it as a stream: every leaf's
 * decoded body goes straight to its own file, containers get a part without a file.
 *
 * <p>Parts are numbered as amavisd-new numbers them. MIME::Parser, which amavisd-new runs with
 * nested messages left whole, names each leaf's file as it writes it, so the leaves come first,
 * p001, p002, ... in the order of the message; then amavisd-new's walk over the parsed tree, depth
 * first, numbers the rest: for each container its preamble (if kept), the container itself, its
 * epilogue (if kept), then its children. An embedded message (message/rfc822, message/global) is
 * a leaf here, its body (the message) in a file; the decoder walks that file later, as amavisd-new
 * decodes a part of type "mail", so its parts come with the next decoding tier.
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
    /** Containers and their children as the walk meets them, for the numbering afterwards. */
    private final Map<Node, List<Node>> children = new IdentityHashMap<>();

    private final Map<Node, Node> preambles = new IdentityHashMap<>();
    private final Map<Node, Node> epilogues = new IdentityHashMap<>();
    /** The top entity of the walked message, once met. */
    private Node root;
    /** Why mime4j gave up before the end of the message (the rest is unread), or null. */
    private String stoppedBy;

    MimeWalker(Budget budget) {
        this.budget = budget;
    }

    /**
     * Whether the decoder walks this part as a message of its own: amavisd-new's decoder for the
     * short type "mail" (what the content looks like, as file(1) says), and here also any MIME part
     * declared message/rfc822 or message/global.
     */
    static boolean isEmbeddedMessage(Node n) {
        return n.file != null
                && (n.types.contains("mail")
                        || (!n.fromArchive
                                && ("message/rfc822".equals(n.mimeType) || "message/global".equals(n.mimeType))));
    }

    /**
     * Walks a message. Its framing errors are {@link MimeFraming}'s business: mime4j reads a
     * malformed message its own way, and reports as invalid what MIME::Parser accepts (a part
     * with no header fields at all), so its complaints are not used.
     *
     * @param parent the part whose file this is (an embedded message), or null for the message
     * @param tier the decoding tier of the parts found
     */
    void walk(Path message, Node parent, int tier) throws IOException {
        try {
            walk(message, parent, tier, new ArrayDeque<>());
        } finally {
            if (root != null) numberTheRest(root);
        }
    }

    /** Why the walk stopped before the end of the message (what follows is not checked), or null. */
    String stoppedBy() {
        return stoppedBy;
    }

    /** Depth first: preamble, container, epilogue, then the children; leaves already have numbers. */
    private void numberTheRest(Node n) throws IOException {
        List<Node> kids = children.get(n);
        if (kids == null && n.id != null) return;
        Node pre = preambles.get(n), epi = epilogues.get(n);
        if (pre != null) budget.number(pre);
        budget.number(n);
        if (epi != null) budget.number(epi);
        if (kids != null) for (Node k : kids) numberTheRest(k);
    }

    private void walk(Path message, Node top, int tier, Deque<Node> stack) throws IOException {
        MimeTokenStream ts = new MimeTokenStream(CONFIG, DecodeMonitor.SILENT, null);
        ts.setRecursionMode(RecursionMode.M_NO_RECURSE); // embedded messages stay whole, as in amavisd-new
        try (InputStream in = new BufferedInputStream(Files.newInputStream(message), 64 * 1024)) {
            ts.parse(in);
            for (EntityState st = ts.getState(); st != EntityState.T_END_OF_STREAM; st = ts.next()) {
                switch (st) {
                    case T_START_MESSAGE, T_START_BODYPART -> {
                        Node parent = stack.peek();
                        int max = budget.limits.maxMimeDepth();
                        if (max > 0 && stack.size() >= max) {
                            throw new OverLimitException("Maximum MIME nesting depth (" + max + ") exceeded");
                        }
                        Node nd;
                        if (parent != null) {
                            nd = budget.newUnnumbered(parent, parent.nextChildPath(), tier);
                            children.computeIfAbsent(parent, k -> new ArrayList<>())
                                    .add(nd);
                        } else {
                            nd = top == null
                                    ? budget.newUnnumbered(null, "1", tier)
                                    : budget.newUnnumbered(top, top.nextChildPath(), tier);
                            root = nd;
                        }
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
                    case T_START_MULTIPART -> {
                        stack.peek().mimeType = ts.getBodyDescriptor().getMimeType();
                        children.putIfAbsent(stack.peek(), new ArrayList<>());
                    }
                    case T_PREAMBLE -> pseudoPart(stack.peek(), ts.getInputStream(), true);
                    case T_EPILOGUE -> pseudoPart(stack.peek(), ts.getInputStream(), false);
                    case T_BODY -> {
                        Node nd = stack.peek();
                        BodyDescriptor bd = ts.getBodyDescriptor();
                        nd.mimeType = bd.getMimeType();
                        nd.transferEncoding = bd.getTransferEncoding();
                        budget.number(nd); // MIME::Parser names a leaf's file when it writes it
                        budget.writeContent(nd, ts.getDecodedInputStream());
                    }
                    case T_END_BODYPART, T_END_MESSAGE -> stack.pop();
                    default -> {}
                }
            }
        } catch (MimeException e) {
            log.info("MIME parse stopped early: {}", e.getMessage());
            stoppedBy = e.getMessage();
        }
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

    /**
     * A preamble or epilogue becomes a part as amavisd-new keeps one: when it has more than five
     * lines or a character other than letters, digits, white space and / @ : ; , . _ - (so the
     * usual "This is a multi-part message in MIME format." is not a part). CR is not counted: our
     * spool keeps CRLF line ends where amavisd-new's has LF.
     */
    private void pseudoPart(Node multipart, InputStream in, boolean preamble) throws IOException {
        byte[] head = in.readNBytes(8192);
        boolean trivial = head.length < 8192;
        int lines = 0;
        for (int i = 0; i < head.length && trivial; i++) {
            int b = head[i] & 0xff;
            if (b == '\n') {
                if (++lines > 5 || (lines == 5 && i + 1 < head.length)) trivial = false;
            } else if (b != '\r' && !TRIVIAL[b]) {
                trivial = false;
            }
        }
        if (trivial) return;
        String path = preamble ? multipart.levelPath + "/0" : multipart.nextChildPath();
        Node nd = budget.newUnnumbered(multipart, path, multipart.tier);
        (preamble ? preambles : epilogues).put(multipart, nd);
        budget.writeContent(nd, new SequenceInputStream(new ByteArrayInputStream(head), in));
    }

    private static final boolean[] TRIVIAL = new boolean[256];

    static {
        for (int c = 'A'; c <= 'Z'; c++) TRIVIAL[c] = TRIVIAL[c + 32] = true;
        for (int c = '0'; c <= '9'; c++) TRIVIAL[c] = true;
        for (char c : "/@:;,. \t\n_-".toCharArray()) TRIVIAL[c] = true;
    }
}
