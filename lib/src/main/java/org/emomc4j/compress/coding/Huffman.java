package org.emomc4j.compress.coding;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Canonical Huffman code over int symbols: built from frequencies, written as a table
 * (symbol count, then each symbol and its code length, in canonical order), decoded symbol by
 * symbol with the canonical first-code per length. A single-symbol alphabet gets a 1-bit code.
 */
final class Huffman {
    private static final int MAX_LEN = 63;

    final int[] symbols;   // canonical order: by (length, symbol)
    final int[] lengths;   // per canonical index
    final long[] codes;    // per canonical index
    private final java.util.HashMap<Integer, Integer> indexOf = new java.util.HashMap<>();
    // for decoding: per length, first code value and first canonical index, count
    private final long[] firstCode = new long[MAX_LEN + 2];
    private final int[] firstIndex = new int[MAX_LEN + 2];
    private final int[] countPerLen = new int[MAX_LEN + 2];
    // fast path for dense alphabets: symbol -> canonical index (offset by minSymbol)
    private int minSymbol;
    private int[] directIndex;

    private Huffman(int[] symbols, int[] lengths) {
        int m = symbols.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> lengths[a] != lengths[b] ? Integer.compare(lengths[a], lengths[b]) : Integer.compare(symbols[a], symbols[b]));
        this.symbols = new int[m];
        this.lengths = new int[m];
        this.codes = new long[m];
        for (int i = 0; i < m; i++) { this.symbols[i] = symbols[order[i]]; this.lengths[i] = lengths[order[i]]; }
        long code = 0;
        int prevLen = m == 0 ? 0 : this.lengths[0];
        for (int i = 0; i < m; i++) {
            int len = this.lengths[i];
            if (len > MAX_LEN) throw new IllegalArgumentException("Huffman code length " + len + " too long");
            code <<= (len - prevLen);
            prevLen = len;
            if (countPerLen[len] == 0) { firstCode[len] = code; firstIndex[len] = i; }
            countPerLen[len]++;
            codes[i] = code++;
            indexOf.put(this.symbols[i], i);
        }
        if (m > 0) {
            int lo = Arrays.stream(this.symbols).min().getAsInt(), hi = Arrays.stream(this.symbols).max().getAsInt();
            if ((long) hi - lo < (1 << 20)) {
                minSymbol = lo;
                directIndex = new int[hi - lo + 1];
                Arrays.fill(directIndex, -1);
                for (int i = 0; i < m; i++) directIndex[this.symbols[i] - lo] = i;
            }
        }
    }

    /** Builds the code from the symbols of {@code data[from..to)}. */
    static Huffman build(int[] data, int from, int to, int stride) {
        int lo = Integer.MAX_VALUE, hi = Integer.MIN_VALUE;
        for (int i = from; i < to; i += stride) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); }
        int[] syms;
        long[] f;
        if (lo <= hi && (long) hi - lo < (1 << 20)) {
            // small alphabet (every b <= 20 code range): count in an array
            long[] count = new long[hi - lo + 1];
            for (int i = from; i < to; i += stride) count[data[i] - lo]++;
            int m = 0;
            for (long c : count) if (c > 0) m++;
            syms = new int[m];
            f = new long[m];
            for (int v = 0, k = 0; v < count.length; v++) if (count[v] > 0) { syms[k] = v + lo; f[k++] = count[v]; }
        } else {
            java.util.TreeMap<Integer, long[]> freq = new java.util.TreeMap<>();
            for (int i = from; i < to; i += stride) freq.computeIfAbsent(data[i], k -> new long[1])[0]++;
            syms = new int[freq.size()];
            f = new long[freq.size()];
            int k = 0;
            for (var e : freq.entrySet()) { syms[k] = e.getKey(); f[k] = e.getValue()[0]; k++; }
        }
        int m = syms.length;
        int[] len = new int[m];
        if (m == 1) len[0] = 1;
        else if (m > 1) {
            // nodes: leaves 0..m-1, internal m..2m-2; ties broken by node id for determinism
            int[] parent = new int[2 * m - 1];
            long[] weight = new long[2 * m - 1];
            System.arraycopy(f, 0, weight, 0, m);
            // leaves sorted by symbol so the tree is the same for the same data
            Integer[] bySym = new Integer[m];
            for (int i = 0; i < m; i++) bySym[i] = i;
            Arrays.sort(bySym, (a, b) -> Integer.compare(syms[a], syms[b]));
            int[] rank = new int[2 * m - 1];
            for (int i = 0; i < m; i++) rank[bySym[i]] = i;
            for (int i = m; i < 2 * m - 1; i++) rank[i] = i;
            PriorityQueue<Integer> pq = new PriorityQueue<>((a, b) -> weight[a] != weight[b] ? Long.compare(weight[a], weight[b]) : Integer.compare(rank[a], rank[b]));
            for (int i = 0; i < m; i++) pq.add(i);
            int next = m;
            while (pq.size() > 1) {
                int a = pq.poll(), b = pq.poll();
                weight[next] = weight[a] + weight[b];
                parent[a] = next;
                parent[b] = next;
                pq.add(next++);
            }
            int root = next - 1;
            int[] depth = new int[2 * m - 1];
            for (int i = root - 1; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
            for (int i = 0; i < m; i++) len[i] = depth[i];
        }
        return new Huffman(syms, len);
    }

    int index(int symbol) {
        if (directIndex != null) {
            long d = (long) symbol - minSymbol;
            if (d >= 0 && d < directIndex.length && directIndex[(int) d] >= 0) return directIndex[(int) d];
        }
        Integer i = indexOf.get(symbol);
        if (i == null) throw new IllegalStateException("symbol " + symbol + " not in the code");
        return i;
    }

    void encode(BitWriter w, int symbol) {
        int i = index(symbol);
        int len = lengths[i];
        long c = codes[i];
        if (len > 32) { w.write(c >>> 32, len - 32); w.write(c, 32); } else w.write(c, len);
    }

    int decode(BitReader r) {
        long code = 0;
        for (int len = 1; len <= MAX_LEN; len++) {
            code = (code << 1) | r.readBit();
            int cnt = countPerLen[len];
            if (cnt > 0 && code - firstCode[len] < cnt && code >= firstCode[len])
                return symbols[firstIndex[len] + (int) (code - firstCode[len])];
        }
        throw new IllegalArgumentException("corrupt Huffman stream");
    }

    /** Table: symbol count (32), then per symbol: symbol in {@code symbolBits} (two's complement), length (6). */
    void writeTable(BitWriter w, int symbolBits) {
        w.writeInt(symbols.length);
        for (int i = 0; i < symbols.length; i++) {
            w.write(symbols[i], symbolBits);
            w.write(lengths[i], 6);
        }
    }

    static Huffman readTable(BitReader r, int symbolBits, boolean signed) {
        int m = r.readInt();
        if (m < 0 || m > (1 << 24)) throw new IllegalArgumentException("corrupt Huffman table");
        int[] s = new int[m], l = new int[m];
        for (int i = 0; i < m; i++) {
            long v = r.read(symbolBits);
            s[i] = signed ? (int) ((v << (64 - symbolBits)) >> (64 - symbolBits)) : (int) v;
            l[i] = (int) r.read(6);
        }
        return new Huffman(s, l);
    }

    /** Bits of the payload for these data under this code. */
    long payloadBits(int[] data, int from, int to, int stride) {
        long b = 0;
        for (int i = from; i < to; i += stride) b += lengths[index(data[i])];
        return b;
    }
}
