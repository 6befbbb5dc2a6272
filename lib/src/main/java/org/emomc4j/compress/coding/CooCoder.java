package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/**
 * Coordinate list: each kept weight as (absolute index in ceil(log2 N) bits, code in b bits).
 * Closed form N*round(b + log2 N)*r (the reference rounds b + log2 N; the stream uses whole bits).
 */
public final class CooCoder implements ParameterCoder {
    static final int ID = 3;

    @Override public String name() { return "coo"; }

    @Override public Coding coding() { return Coding.COO; }

    static int indexBits(int n) {
        return n <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        int[] codes = t.codes();
        int zp = t.zeroPoint(), b = t.bits(), ib = indexBits(codes.length), nnz = t.nonZeros();
        BitWriter w = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, (long) nnz * (b + ib) / 8 + 64));
        StreamHeader.write(w, ID, t, signed);
        w.writeInt(nnz);
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == zp) continue;
            w.write(i, ib);
            w.write(codes[i], b);
        }
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header h = StreamHeader.read(r, ID, name());
        int nnz = r.readInt(), ib = indexBits(h.n());
        if (nnz < 0 || nnz > h.n()) throw new IllegalArgumentException("corrupt COO stream: " + nnz + " entries");
        int[] codes = new int[h.n()];
        if (h.zeroPoint() != 0) java.util.Arrays.fill(codes, h.zeroPoint());
        for (int e = 0; e < nnz; e++) {
            int i = (int) r.read(ib);
            if (i >= h.n()) throw new IllegalArgumentException("corrupt COO stream: index " + i + " beyond " + h.n());
            codes[i] = h.toCode(r.read(h.bits()));
        }
        return new QuantizedTensor(codes, h.bits(), h.scales(), h.zeroPoint());
    }
}
