package org.amavisd.dkim;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A real DNS server on 127.0.0.1 (UDP, ephemeral port) built on dnsjava's message classes: it serves TXT
 * records from a map, answers NXDOMAIN for other names, SERVFAIL for names in {@link #servfail}, and
 * says nothing at all when {@code silent}.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    final Map<String, List<String>> txt = new ConcurrentHashMap<>();
    final Map<String, Boolean> servfail = new ConcurrentHashMap<>();
    final AtomicInteger queries = new AtomicInteger();
    private final DatagramSocket socket;
    private final Thread thread;
    private final boolean silent;

    public LoopbackDnsServer(boolean silent) throws SocketException {
        this.silent = silent;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** Publishes a TXT record; a long value is split into 255-byte character-strings. */
    public void publish(String name, String value) {
        txt.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .add(value);
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            queries.incrementAndGet();
            if (silent) {
                continue;
            }
            try {
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                byte[] out = answer(q).toWire(512);
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                // a malformed query gets no answer
            }
        }
    }

    private Message answer(Message q) throws IOException {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        Record question = q.getQuestion();
        r.addRecord(question, Section.QUESTION);
        String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
        if (servfail.containsKey(name)) {
            r.getHeader().setRcode(Rcode.SERVFAIL);
            return r;
        }
        List<String> values = txt.get(name);
        if (values == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
            return r;
        }
        if (question.getType() == Type.TXT) {
            for (String v : values) {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < v.length(); i += 255) {
                    parts.add(v.substring(i, Math.min(v.length(), i + 255)));
                }
                r.addRecord(new TXTRecord(Name.fromString(name + "."), DClass.IN, 300, parts), Section.ANSWER);
            }
        }
        return r;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
