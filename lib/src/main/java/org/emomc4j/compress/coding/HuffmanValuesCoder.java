package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/**
 * Dense layout with the codes Huffman-coded (Deep Compression's last stage on the values): the
 * frequent codes (zero, after pruning) get short codewords. Closed form: dense N*b.
 */
public final class HuffmanValuesCoder implements ParameterCoder {
    static final int ID = 5;

    @Override public String name() { return "huffman-values"; }

    @Override public Coding coding() { return Coding.DENSE; }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        int[] codes = t.codes();
        Huffman h = Huffman.build(codes, 0, codes.length, 1);
        BitWriter w = new BitWriter(codes.length / 2 + 64);
        StreamHeader.write(w, ID, t, signed);
        h.writeTable(w, t.bits());
        for (int c : codes) h.encode(w, c);
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header hd = StreamHeader.read(r, ID, name());
        int[] codes = new int[hd.n()];
        if (hd.n() > 0) {
            Huffman h = Huffman.readTable(r, hd.bits(), hd.signed());
            for (int i = 0; i < codes.length; i++) codes[i] = h.decode(r);
        }
        return new QuantizedTensor(codes, hd.bits(), hd.scales(), hd.zeroPoint());
    }
}
