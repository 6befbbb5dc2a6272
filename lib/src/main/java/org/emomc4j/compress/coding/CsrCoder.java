package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/**
 * Compressed sparse row with 3-bit relative indices (Deep Compression): each kept weight is
 * stored as (gap, code), gap = zeros skipped since the previous entry, in 3 bits; a gap above 7
 * emits a padding entry (gap 7, the zero code) first, as many as needed. Closed form N*(b+3)*r,
 * which does not count the padding entries; the exact stream does.
 */
public final class CsrCoder implements ParameterCoder {
    static final int ID = 2;
    /** Index bits and the largest gap they hold. */
    public static final int INDEX_BITS = 3, MAX_GAP = 7;

    @Override public String name() { return "csr"; }

    @Override public Coding coding() { return Coding.CSR; }

    /** Entries (kept weights plus padding zeros) of the layer, as {gap, code} pairs flattened. */
    static int[] entries(QuantizedTensor t) {
        int[] codes = t.codes();
        int zp = t.zeroPoint();
        int[] out = new int[16];
        int m = 0, last = -1;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == zp) continue;
            int gap = i - last - 1;
            while (gap > MAX_GAP) {
                if (m + 2 > out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
                out[m++] = MAX_GAP;
                out[m++] = zp;
                gap -= MAX_GAP + 1;
            }
            if (m + 2 > out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
            out[m++] = gap;
            out[m++] = codes[i];
            last = i;
        }
        return java.util.Arrays.copyOf(out, m);
    }

    /** Rebuilds dense codes from entries. */
    static int[] fromEntries(int n, int zp, int[] gaps, int[] values, int count) {
        int[] codes = new int[n];
        if (zp != 0) java.util.Arrays.fill(codes, zp);
        int pos = -1;
        for (int e = 0; e < count; e++) {
            pos += gaps[e] + 1;
            if (pos >= n) throw new IllegalArgumentException("corrupt CSR stream: index " + pos + " beyond " + n);
            codes[pos] = values[e];
        }
        return codes;
    }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        int[] e = entries(t);
        int count = e.length / 2, b = t.bits();
        BitWriter w = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, (long) count * (b + 3) / 8 + 64));
        StreamHeader.write(w, ID, t, signed);
        w.writeInt(count);
        for (int i = 0; i < e.length; i += 2) {
            w.write(e[i], INDEX_BITS);
            w.write(e[i + 1], b);
        }
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header h = StreamHeader.read(r, ID, name());
        int count = r.readInt();
        if (count < 0 || count > h.n()) throw new IllegalArgumentException("corrupt CSR stream: " + count + " entries");
        int[] gaps = new int[count], values = new int[count];
        for (int i = 0; i < count; i++) {
            gaps[i] = (int) r.read(INDEX_BITS);
            values[i] = h.toCode(r.read(h.bits()));
        }
        return new QuantizedTensor(fromEntries(h.n(), h.zeroPoint(), gaps, values, count), h.bits(), h.scales(), h.zeroPoint());
    }
}
