package org.amavisd.scanners.decode;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Unpacks what is embedded in an OLE2 compound file (Word, Excel and PowerPoint documents of
 * Office 97 to 2003, Outlook .msg files), the job amavisd-new gives to ripole: files packaged into
 * a document (each an {@code \1Ole10Native} stream, named by the package's label, and by the base
 * name of its original path when that differs), the objects a PowerPoint document embeds (each
 * itself a compound file, unpacked in turn) and, in an Outlook message, its attachments (each
 * {@code __attach_version1.0_#...} storage's data, named by its long and short file names).
 * Nothing else of the document is extracted.
 *
 * <p>The compound file is read in place, sector by sector: the FAT and the directory are loaded
 * (both bounded by the file's size), stream data is copied straight to member files within the
 * decode's budget. Sector chains that loop or leave the file end the stream; a file that is not
 * laid out as a compound file is an IOException (the document stays one part).
 */
final class OleExpander {
    private static final long SIGNATURE = 0xe11ab1a1e011cfd0L;
    private static final int END_OF_CHAIN = -2;
    private static final int MAX_NAME = 4096;
    private static final String OLE10_NATIVE = "\u0001Ole10Native";
    private static final String ATTACH = "__attach_version1.0_#";
    private static final String POWERPOINT = "PowerPoint Document";
    private static final int EX_OLE_OBJ_STG = 0x1011;

    private final Budget budget;

    OleExpander(Budget budget) {
        this.budget = budget;
    }

    /** One directory entry. */
    private record Entry(String name, int type, int left, int right, int child, int start, long size) {}

    /** The compound file being read. */
    private static final class Cfb {
        final RandomAccessFile f;
        final int sectorSize;
        final int miniSectorSize;
        final long cutoff;
        final int sectors;
        int[] fat;
        int[] miniFat = new int[0];
        List<Entry> entries = new ArrayList<>();
        Entry root;

        Cfb(RandomAccessFile f, int sectorShift, int miniShift, long cutoff) throws IOException {
            this.f = f;
            this.sectorSize = 1 << sectorShift;
            this.miniSectorSize = 1 << miniShift;
            this.cutoff = cutoff;
            this.sectors = (int) Math.min(Integer.MAX_VALUE, Math.max(0, f.length() / sectorSize - 1));
        }

        long offset(int sector) {
            return (long) (sector + 1) * sectorSize;
        }

        /** The sectors of a chain in order, ended at END_OF_CHAIN, a bad number or a loop. */
        List<Integer> chain(int start, int[] table, int limit) {
            List<Integer> c = new ArrayList<>();
            BitSet seen = new BitSet();
            for (int s = start; s >= 0 && s < table.length && s < limit && !seen.get(s); s = table[s]) {
                seen.set(s);
                c.add(s);
            }
            return c;
        }

        byte[] sector(int s) throws IOException {
            byte[] b = new byte[sectorSize];
            f.seek(offset(s));
            f.readFully(b);
            return b;
        }
    }

    void expand(Node part) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(part.file.toFile(), "r")) {
            Cfb cfb = open(f);
            List<int[]> found = new ArrayList<>(); // {entry, parent storage}
            walk(cfb, found);
            for (int[] e : found) {
                budget.checkTime();
                Entry en = cfb.entries.get(e[0]);
                if (en.type() == 2 && en.name().equals(OLE10_NATIVE)) ole10Native(cfb, en, part);
                else if (en.type() == 2 && en.name().equals(POWERPOINT)) powerPoint(cfb, en, part);
                else if (en.type() == 1) attachment(cfb, e[0], part);
            }
        }
    }

    private static Cfb open(RandomAccessFile f) throws IOException {
        byte[] h = new byte[512];
        f.seek(0);
        f.readFully(h);
        if (u64(h, 0) != SIGNATURE) throw new IOException("not an OLE2 compound file");
        int shift = u16(h, 0x1e), miniShift = u16(h, 0x20);
        if ((shift != 9 && shift != 12) || miniShift != 6) throw new IOException("unsupported OLE2 sector size");
        Cfb cfb = new Cfb(f, shift, miniShift, u32(h, 0x38) & 0xffffffffL);
        // the FAT: its sectors are listed in the header's DIFAT, then in DIFAT sectors
        int fatSectors = u32(h, 0x2c);
        if (fatSectors < 0 || fatSectors > cfb.sectors) throw new IOException("implausible OLE2 FAT size");
        List<Integer> fatList = new ArrayList<>();
        for (int i = 0; i < 109 && fatList.size() < fatSectors; i++) fatList.add(u32(h, 0x4c + 4 * i));
        int difat = u32(h, 0x44), perDifat = cfb.sectorSize / 4 - 1;
        BitSet seen = new BitSet();
        while (fatList.size() < fatSectors && difat >= 0 && difat < cfb.sectors && !seen.get(difat)) {
            seen.set(difat);
            byte[] d = cfb.sector(difat);
            for (int i = 0; i < perDifat && fatList.size() < fatSectors; i++) fatList.add(u32(d, 4 * i));
            difat = u32(d, 4 * perDifat);
        }
        int per = cfb.sectorSize / 4;
        cfb.fat = new int[fatList.size() * per];
        for (int i = 0; i < fatList.size(); i++) {
            int s = fatList.get(i);
            if (s < 0 || s >= cfb.sectors) continue; // a hole: those chains end there
            byte[] b = cfb.sector(s);
            for (int j = 0; j < per; j++) cfb.fat[i * per + j] = u32(b, 4 * j);
        }
        // the directory
        for (int s : cfb.chain(u32(h, 0x30), cfb.fat, cfb.sectors)) {
            byte[] b = cfb.sector(s);
            for (int o = 0; o + 128 <= b.length; o += 128) cfb.entries.add(entry(b, o));
        }
        if (cfb.entries.isEmpty() || cfb.entries.get(0).type() != 5) throw new IOException("OLE2 file without a root");
        cfb.root = cfb.entries.get(0);
        // the mini FAT, for streams under the cutoff (kept in the root's stream)
        List<Integer> mf = cfb.chain(u32(h, 0x3c), cfb.fat, cfb.sectors);
        cfb.miniFat = new int[mf.size() * per];
        for (int i = 0; i < mf.size(); i++) {
            byte[] b = cfb.sector(mf.get(i));
            for (int j = 0; j < per; j++) cfb.miniFat[i * per + j] = u32(b, 4 * j);
        }
        return cfb;
    }

    private static Entry entry(byte[] b, int o) {
        int nameLen = Math.min(64, u16(b, o + 64));
        int chars = Math.max(0, nameLen / 2 - 1); // the length counts the terminating NUL
        String name = new String(b, o, chars * 2, StandardCharsets.UTF_16LE);
        long size = u32(b, o + 120) & 0xffffffffL; // the high half is not used with 512-byte sectors
        return new Entry(name, b[o + 66] & 0xff, u32(b, o + 68), u32(b, o + 72), u32(b, o + 76), u32(b, o + 116), size);
    }

    /**
     * Every Ole10Native stream and every Outlook attachment storage, with the storage it is in, by
     * walking the directory's trees from the root (each entry once, however the links point).
     */
    private static void walk(Cfb cfb, List<int[]> found) {
        BitSet seen = new BitSet();
        Deque<int[]> todo = new ArrayDeque<>(); // {entry, parent}
        todo.push(new int[] {cfb.root.child(), 0});
        while (!todo.isEmpty()) {
            int[] t = todo.pop();
            int i = t[0];
            if (i < 0 || i >= cfb.entries.size() || seen.get(i)) continue;
            seen.set(i);
            Entry e = cfb.entries.get(i);
            if ((e.type() == 2 && (e.name().equals(OLE10_NATIVE) || e.name().equals(POWERPOINT)))
                    || (e.type() == 1 && e.name().startsWith(ATTACH))) {
                found.add(new int[] {i, t[1]});
            }
            todo.push(new int[] {e.right(), t[1]});
            todo.push(new int[] {e.left(), t[1]});
            if (e.type() == 1) todo.push(new int[] {e.child(), i});
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
    }

    /** The children of a storage (its tree's entries). */
    private static List<Entry> children(Cfb cfb, int storage) {
        List<Entry> kids = new ArrayList<>();
        BitSet seen = new BitSet();
        Deque<Integer> todo = new ArrayDeque<>();
        todo.push(cfb.entries.get(storage).child());
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (i < 0 || i >= cfb.entries.size() || seen.get(i)) continue;
            seen.set(i);
            Entry e = cfb.entries.get(i);
            kids.add(e);
            todo.push(e.left());
            todo.push(e.right());
        }
        return kids;
    }

    /**
     * A packaged file: total size, flags, the label, the original path (both NUL-terminated), two
     * reserved words, the length-prefixed temporary path, then the data's length and the data.
     */
    private void ole10Native(Cfb cfb, Entry e, Node part) throws IOException {
        try (InputStream in = new BufferedInputStream(stream(cfb, e), 8192)) {
            skip(in, 4 + 2);
            String label = cString(in);
            String path = cString(in);
            skip(in, 4);
            long tmp = u32(in) & 0xffffffffL;
            skip(in, tmp);
            long size = u32(in) & 0xffffffffL;
            Node m = member(part, label.isEmpty() ? baseName(path) : label);
            String base = baseName(path);
            if (m.name != null && !base.isEmpty() && !base.equals(m.name)) m.rawName = base;
            budget.writeContent(m, new BoundedInput(in, size));
        } catch (EOFException cut) {
            // a package cut short: what was written stays
        }
    }

    /**
     * The objects embedded in a PowerPoint document: each ExOleObjStg record of its main stream
     * holds one (an OLE2 compound file itself, zlib-compressed when the record's instance is 1),
     * which becomes a member and is unpacked in turn. Records are walked in order, containers
     * (version 0xF) entered, other records skipped by their length.
     */
    private void powerPoint(Cfb cfb, Entry e, Node part) throws IOException {
        try (InputStream in = new BufferedInputStream(stream(cfb, e), 64 * 1024)) {
            byte[] h = new byte[8];
            while (in.readNBytes(h, 0, 8) == 8) {
                budget.checkTime();
                int verInstance = u16(h, 0), type = u16(h, 2);
                long len = u32(h, 4) & 0xffffffffL;
                if ((verInstance & 0xf) == 0xf) continue; // a container: its records follow
                if (type != EX_OLE_OBJ_STG) {
                    skip(in, len);
                    continue;
                }
                BoundedInput record = new BoundedInput(in, len);
                InputStream data = record;
                if (verInstance >> 4 == 1) { // compressed: the uncompressed size, then zlib
                    skip(record, 4);
                    data = new InflaterInputStream(record);
                }
                budget.writeContent(member(part, null), data);
                skip(in, record.left()); // what the inflater left of the record
            }
        } catch (EOFException | ZipException cut) {
            // a stream cut short or an object that does not inflate: what was written stays
        }
    }

    /** An Outlook attachment: PR_ATTACH_DATA_BIN, named by PR_ATTACH_LONG_FILENAME and PR_ATTACH_FILENAME. */
    private void attachment(Cfb cfb, int storage, Node part) throws IOException {
        Entry data = null;
        String longName = null, shortName = null;
        for (Entry k : children(cfb, storage)) {
            if (k.type() != 2) continue;
            String n = k.name().toLowerCase(Locale.ROOT);
            if (n.equals("__substg1.0_37010102")) data = k;
            else if (n.startsWith("__substg1.0_3707")) longName = propString(cfb, k);
            else if (n.startsWith("__substg1.0_3704")) shortName = propString(cfb, k);
        }
        if (data == null) return; // an embedded message or an OLE object: not unpacked here
        String first = longName != null && !longName.isEmpty() ? longName : shortName;
        Node m = member(part, first);
        if (first != null && shortName != null && !shortName.isEmpty() && !shortName.equals(first))
            m.rawName = shortName;
        try (InputStream in = stream(cfb, data)) {
            budget.writeContent(m, in);
        }
    }

    /** A string property stream: UTF-16LE for type 001F, 8-bit for 001E. */
    private static String propString(Cfb cfb, Entry e) throws IOException {
        try (InputStream in = stream(cfb, e)) {
            byte[] b = in.readNBytes(MAX_NAME * 2);
            String s = e.name().toUpperCase(Locale.ROOT).endsWith("001F")
                    ? new String(b, 0, b.length & ~1, StandardCharsets.UTF_16LE)
                    : new String(b, StandardCharsets.ISO_8859_1);
            int nul = s.indexOf('\0');
            return nul >= 0 ? s.substring(0, nul) : s;
        }
    }

    /** A stream's data, from the mini stream when under the cutoff, read a sector at a time. */
    private static InputStream stream(Cfb cfb, Entry e) {
        boolean mini = e.size() < cfb.cutoff;
        List<Integer> chain = mini
                ? cfb.chain(e.start(), cfb.miniFat, cfb.miniFat.length)
                : cfb.chain(e.start(), cfb.fat, cfb.sectors);
        List<Integer> container = mini ? cfb.chain(cfb.root.start(), cfb.fat, cfb.sectors) : null;
        int unit = mini ? cfb.miniSectorSize : cfb.sectorSize;
        long size = Math.min(e.size(), (long) chain.size() * unit);
        return new InputStream() {
            long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= size) return -1;
                int idx = (int) (pos / unit), within = (int) (pos % unit);
                int n = (int) Math.min(Math.min(len, unit - within), size - pos);
                long at;
                if (mini) {
                    long m = (long) chain.get(idx) * unit + within; // offset in the mini stream
                    int cs = (int) (m / cfb.sectorSize);
                    if (cs >= container.size()) return -1;
                    at = cfb.offset(container.get(cs)) + m % cfb.sectorSize;
                    n = (int) Math.min(n, cfb.sectorSize - m % cfb.sectorSize);
                } else {
                    at = cfb.offset(chain.get(idx)) + within;
                }
                if (at + n > cfb.f.length()) return -1;
                cfb.f.seek(at);
                cfb.f.readFully(b, off, n);
                pos += n;
                return n;
            }
        };
    }

    private Node member(Node parent, String name) throws OverLimitException {
        Node m = budget.newNode(parent, parent.nextChildPath(), parent.tier + 1);
        m.fromArchive = true;
        m.name = name == null || name.isEmpty() ? null : name;
        return m;
    }

    private static String baseName(String path) {
        int i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
        return path.substring(i + 1);
    }

    private static String cString(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) > 0) if (sb.length() < MAX_NAME) sb.append((char) c);
        if (c < 0) throw new EOFException("OLE package cut off");
        return sb.toString();
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException("OLE package cut off");
                s = 1;
            }
            n -= s;
        }
    }

    private static int u32(InputStream in) throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int c = in.read();
            if (c < 0) throw new EOFException("OLE package cut off");
            v |= c << (8 * i);
        }
        return v;
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
    }

    private static int u32(byte[] b, int o) {
        return u16(b, o) | u16(b, o + 2) << 16;
    }

    private static long u64(byte[] b, int o) {
        return (u32(b, o) & 0xffffffffL) | (long) u32(b, o + 4) << 32;
    }
}
