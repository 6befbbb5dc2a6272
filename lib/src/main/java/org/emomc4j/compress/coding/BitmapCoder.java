package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/** Bitmap coding: one presence bit per weight, then the kept codes in b bits. Closed form N + N*r*b. */
public final class BitmapCoder implements ParameterCoder {
    static final int ID = 4;

    @Override public String name() { return "bitmap"; }

    @Override public Coding coding() { return Coding.BITMAP; }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        int[] codes = t.codes();
        int zp = t.zeroPoint(), b = t.bits();
        BitWriter w = new BitWriter((int) Math.min(Integer.MAX_VALUE - 64, (long) codes.length * (b + 1) / 8 + 64));
        StreamHeader.write(w, ID, t, signed);
        for (int c : codes) w.write(c == zp ? 0 : 1, 1);
        for (int c : codes) if (c != zp) w.write(c, b);
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header h = StreamHeader.read(r, ID, name());
        boolean[] present = new boolean[h.n()];
        for (int i = 0; i < present.length; i++) present[i] = r.readBit() == 1;
        int[] codes = new int[h.n()];
        for (int i = 0; i < codes.length; i++) codes[i] = present[i] ? h.toCode(r.read(h.bits())) : h.zeroPoint();
        return new QuantizedTensor(codes, h.bits(), h.scales(), h.zeroPoint());
    }
}
