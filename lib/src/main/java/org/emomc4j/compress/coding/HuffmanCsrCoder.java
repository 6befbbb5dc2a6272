package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/**
 * CSR with 3-bit relative indices ({@link CsrCoder}, padding zeros included) whose gaps and
 * codes are each Huffman-coded with their own table, as Deep Compression does for both.
 * Closed form: CSR N*(b+3)*r.
 */
public final class HuffmanCsrCoder implements ParameterCoder {
    static final int ID = 6;

    @Override public String name() { return "huffman-csr"; }

    @Override public Coding coding() { return Coding.CSR; }

    @Override
    public byte[] encode(QuantizedTensor t) {
        boolean signed = StreamHeader.signed(t);
        int[] e = CsrCoder.entries(t);
        int count = e.length / 2;
        BitWriter w = new BitWriter(count + 64);
        StreamHeader.write(w, ID, t, signed);
        w.writeInt(count);
        if (count > 0) {
            Huffman gaps = Huffman.build(e, 0, e.length, 2);
            Huffman values = Huffman.build(e, 1, e.length, 2);
            gaps.writeTable(w, CsrCoder.INDEX_BITS);
            values.writeTable(w, t.bits());
            for (int i = 0; i < e.length; i += 2) {
                gaps.encode(w, e[i]);
                values.encode(w, e[i + 1]);
            }
        }
        return w.toByteArray();
    }

    @Override
    public QuantizedTensor decode(byte[] stream) {
        BitReader r = new BitReader(stream);
        StreamHeader.Header h = StreamHeader.read(r, ID, name());
        int count = r.readInt();
        if (count < 0 || count > h.n()) throw new IllegalArgumentException("corrupt Huffman-CSR stream: " + count + " entries");
        int[] g = new int[count], v = new int[count];
        if (count > 0) {
            Huffman gaps = Huffman.readTable(r, CsrCoder.INDEX_BITS, false);
            Huffman values = Huffman.readTable(r, h.bits(), h.signed());
            for (int i = 0; i < count; i++) { g[i] = gaps.decode(r); v[i] = values.decode(r); }
        }
        return new QuantizedTensor(CsrCoder.fromEntries(h.n(), h.zeroPoint(), g, v, count), h.bits(), h.scales(), h.zeroPoint());
    }
}
