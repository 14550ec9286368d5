package org.amavisd.smtp.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Buffered reading of an SMTP stream: command lines with a length bound, and DATA with
 * dot-unstuffing. Its own buffer (rather than a BufferedInputStream) lets the transport ask
 * whether pipelined input is already waiting, which decides when replies are flushed.
 */
public final class SmtpInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;

    public SmtpInput(InputStream in) {
        this(in, 16384);
    }

    public SmtpInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** True when input is already buffered or readable without blocking (pipelined commands). */
    public boolean hasPendingInput() throws IOException {
        return pos < lim || in.available() > 0;
    }

    private boolean fill() throws IOException {
        if (pos < lim) return true;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        lim = n;
        return true;
    }

    /**
     * Reads one command line. Returns null at end of stream before any byte. A line longer than
     * {@code maxLength} is consumed to its end and reported as too long, so the session can answer
     * and carry on in step with the client.
     */
    public CommandLine readLine(int maxLength) throws IOException {
        // room for maxLength bytes plus the CR of the CRLF
        byte[] line = new byte[Math.min(maxLength + 1, 512)];
        int len = 0;
        boolean overflow = false, nul = false, sawAny = false, prevCr = false;
        while (true) {
            if (!fill()) {
                if (!sawAny) return null;
                return new CommandLine(
                        Arrays.copyOf(line, Math.min(len, maxLength)), overflow || len > maxLength, nul, false, true);
            }
            sawAny = true;
            byte b = buf[pos++];
            if (b == '\n') {
                if (prevCr && !overflow) len--; // the stored CR of the CRLF
                boolean tooLong = overflow || len > maxLength;
                return new CommandLine(Arrays.copyOf(line, Math.min(len, maxLength)), tooLong, nul, !prevCr, false);
            }
            prevCr = b == '\r';
            if (b == 0) nul = true;
            if (len <= maxLength) {
                if (len == line.length) line = Arrays.copyOf(line, Math.min(maxLength + 1, line.length * 2));
                line[len++] = b;
            } else {
                overflow = true;
            }
        }
    }

    /**
     * Copies DATA up to the terminating CRLF.CRLF into {@code out}: leading dots unstuffed, bare
     * LF written as CRLF (Postfix 3.9's {@code smtpd_forbid_bare_newline = normalize}), bare CR
     * kept, nothing written past {@code limit} bytes (the rest is read and counted, so the
     * client's end-of-data is still found).
     *
     * <p>Only CRLF "." CRLF ends the data, the first CRLF being a real one (or the CRLF of the
     * DATA command). A dot line next to a bare LF or a bare CR ({@code \n.\n}, {@code \n.\r\n},
     * {@code \r\n.\n}) is data and is kept as the line ".", so a message cannot smuggle a second
     * one past the front MTA; the relay stuffs that dot again.
     */
    public DataResult readData(OutputStream out, long limit) throws IOException {
        DataSink sink = new DataSink(out, limit);
        int state = LINE_START;
        while (true) {
            if (!fill()) {
                sink.flush();
                return sink.result(false);
            }
            byte[] b = buf;
            int p = pos, end = lim;
            while (p < end) {
                byte c = b[p++];
                switch (state) {
                    case LINE_START:
                    case BARE_LINE_START:
                        if (c == '.') {
                            state = state == LINE_START ? DOT : BARE_DOT;
                            continue;
                        }
                        state = inLine(sink, c);
                        break;
                    case DOT:
                    case BARE_DOT:
                        if (c == '\r') {
                            state = state == DOT ? DOT_CR : BARE_DOT_CR;
                        } else if (c == '\n') { // ".\n": not an end of data; keep the line as "."
                            sink.put((byte) '.');
                            sink.crlf(true);
                            state = BARE_LINE_START;
                        } else {
                            state = inLine(sink, c); // unstuffed: the leading dot is dropped
                        }
                        break;
                    case DOT_CR:
                    case BARE_DOT_CR:
                        if (c == '\n') {
                            if (state == DOT_CR) {
                                pos = p;
                                sink.flush();
                                return sink.result(true);
                            }
                            // "\n.\r\n": the line before ended in a bare LF, so this is data
                            sink.put((byte) '.');
                            sink.crlf(false);
                            state = LINE_START;
                            break;
                        }
                        // ".\rX": a line of more than the dot (bare CR is no line end), unstuffed
                        sink.put((byte) '\r');
                        state = c == '\r' ? SAW_CR : inLine(sink, c);
                        break;
                    case SAW_CR:
                        if (c == '\n') {
                            sink.crlf(false);
                            state = LINE_START;
                        } else {
                            sink.put((byte) '\r');
                            if (c != '\r') state = inLine(sink, c);
                        }
                        break;
                    default: // IN_LINE
                        state = inLine(sink, c);
                }
            }
            pos = p;
        }
    }

    /** Where the reader is: BARE_ states are the same places after a line that ended in a bare LF. */
    private static final int LINE_START = 0,
            IN_LINE = 1,
            SAW_CR = 2,
            DOT = 3,
            DOT_CR = 4,
            BARE_LINE_START = 5,
            BARE_DOT = 6,
            BARE_DOT_CR = 7;

    private static int inLine(DataSink sink, byte c) throws IOException {
        if (c == '\r') return SAW_CR;
        if (c == '\n') {
            sink.crlf(true);
            return BARE_LINE_START;
        }
        if (c == 0) sink.nul();
        sink.put(c);
        return IN_LINE;
    }

    /** A command line as bytes, with what was wrong with it. */
    public record CommandLine(byte[] bytes, boolean tooLong, boolean hasNul, boolean bareLf, boolean unterminated) {}

    /** What DATA turned out to be. {@code size} counts every byte after unstuffing, even past the limit. */
    public record DataResult(long size, boolean complete, boolean overLimit, boolean hasNul, boolean hasBareLf) {}

    /** Output buffering with the limit and statistics of DATA. */
    private static final class DataSink {
        private final OutputStream out;
        private final long limit;
        private final byte[] ob = new byte[65536];
        private int op;
        private long size;
        private boolean nul, bareLf;

        DataSink(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        void put(byte c) throws IOException {
            size++;
            if (size > limit) return;
            if (op == ob.length) flush();
            ob[op++] = c;
        }

        void crlf(boolean wasBareLf) throws IOException {
            if (wasBareLf) bareLf = true;
            put((byte) '\r');
            put((byte) '\n');
        }

        void nul() {
            nul = true;
        }

        void flush() throws IOException {
            if (op > 0) out.write(ob, 0, op);
            op = 0;
        }

        DataResult result(boolean complete) {
            return new DataResult(size, complete, size > limit, nul, bareLf);
        }
    }
}
