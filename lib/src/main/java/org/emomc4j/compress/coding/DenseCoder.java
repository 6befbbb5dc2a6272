package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/** Dense fixed-point ("normal") coding: every code in b bits. Closed form N*b. */
public final class DenseCoder implements ParameterCoder {
    static final int ID = 1;

    @Override public String name() { return "dense"; }

    @Override public Coding coding() { return Coding.DENSE; }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        BitWriter w = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, (long) t.codes().length * t.bits() / 8 + 64));
        StreamHeader.write(w, ID, t, signed);
        int b = t.bits();
        for (int c : t.codes()) w.write(c, b);
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header h = StreamHeader.read(r, ID, name());
        int[] codes = new int[h.n()];
        for (int i = 0; i < codes.length; i++) codes[i] = h.toCode(r.read(h.bits()));
        return new QuantizedTensor(codes, h.bits(), h.scales(), h.zeroPoint());
    }
}
