package org.amavisd.smtp.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.amavisd.core.smtp.SmtpReply;

/** Queues replies and writes them on flush: the transport decides when (PIPELINING). */
public final class ReplyWriter {
    private final BufferedOutputStream out;

    public ReplyWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 8192);
    }

    public void queue(SmtpReply reply) throws IOException {
        for (String line : reply.wireLines()) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        }
    }

    public void flush() throws IOException {
        out.flush();
    }

    public void send(SmtpReply reply) throws IOException {
        queue(reply);
        flush();
    }
}
