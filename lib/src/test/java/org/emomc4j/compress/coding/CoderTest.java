package org.emomc4j.compress.coding;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.compress.quant.QuantizedTensor;
import org.emomc4j.compress.quant.UniformQuantizer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoderTest {

    /** A pruned (remaining r) and quantized (b bits) random layer, the way the pipeline makes one. */
    static QuantizedTensor layer(long seed, int n, double r, int bits, int channels) {
        Random rnd = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) rnd.nextGaussian();
        MagnitudePruning.prune(w, r);
        return channels > 1 && n % channels == 0 ? UniformQuantizer.symmetricPerChannel(w, bits, channels)
                : UniformQuantizer.symmetric(w, bits);
    }

    @Property(tries = 150)
    void everyCoderRoundTripsSymmetric(@ForAll @IntRange(min = 0, max = 2000) int n,
                                       @ForAll @DoubleRange(min = 0.0, max = 1.0) double r,
                                       @ForAll @IntRange(min = 2, max = 32) int bits, @ForAll long seed,
                                       @ForAll @IntRange(min = 1, max = 4) int channels) {
        QuantizedTensor t = layer(seed, n, r, bits, channels);
        for (ParameterCoder c : ParameterCoder.all()) {
            byte[] s = c.encode(t);
            assertEquals(t, c.decode(s), c.name());
            long expected = expectedBits(c.name(), t);
            if (expected >= 0) assertEquals((expected + 7) / 8, s.length, c.name() + " stream size");
            assertEquals(headerBits(t), c.sizes(t).headerBits(), c.name());
        }
    }

    /** The header written out from its documented fields: id 8, bits 6, signed 1, reserved 1, N, zero point, #scales 32 each, scales. */
    static long headerBits(QuantizedTensor t) {
        return 8 + 6 + 1 + 1 + 32 + 32 + 32 + 32L * t.scales().length;
    }

    /** Kept weights plus CSR padding entries: a gap of g zeros needs floor(g / 8) padding entries of 3-bit gap 7. */
    static long csrEntries(int[] codes, int zeroPoint) {
        long entries = 0;
        int last = -1;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == zeroPoint) continue;
            entries += 1 + (i - last - 1) / 8;
            last = i;
        }
        return entries;
    }

    /** Exact stream bits of the plain coders from their documented layouts, -1 for the Huffman ones (data dependent). */
    static long expectedBits(String coder, QuantizedTensor t) {
        long n = t.codes().length, b = t.bits(), nnz = 0;
        for (int c : t.codes()) if (c != t.zeroPoint()) nnz++;
        long indexBits = n <= 1 ? 1 : (long) Math.ceil(Math.log(n) / Math.log(2) - 1e-12);
        return switch (coder) {
            case "dense" -> headerBits(t) + n * b;
            case "bitmap" -> headerBits(t) + n + nnz * b;
            case "coo" -> headerBits(t) + 32 + nnz * (indexBits + b);
            case "csr" -> headerBits(t) + 32 + csrEntries(t.codes(), t.zeroPoint()) * (3 + b);
            default -> -1;
        };
    }

    /**
     * Four 3-bit codes {1, -1, 0, 2}, one scale 0.5, zero point 0, written out bit by bit. Header
     * (18 bytes): scheme id; (b-1 = 2 in 6 bits, signed 1, reserved 0) = 0000 1010; N = 4;
     * zero point 0; one scale; 0.5f = 0x3F000000.
     */
    @Test
    void handMadeStreamsBitByBit() {
        QuantizedTensor t = new QuantizedTensor(new int[]{1, -1, 0, 2}, 3, new float[]{0.5f}, 0);
        // dense: 001 111 000 010, padded: 0011 1100 | 0010 0000
        assertArrayEquals(stream(1, 0x3C, 0x20), new DenseCoder().encode(t));
        // bitmap: presence 1101, then the kept codes 001 111 010: 1101 0011 | 1101 0000
        assertArrayEquals(stream(4, 0xD3, 0xD0), new BitmapCoder().encode(t));
        // coo: nnz = 3 (32 bits), then (index in 2 bits, code): 00 001 | 01 111 | 11 010 -> 0000 1011 | 1111 0100
        assertArrayEquals(stream(3, 0, 0, 0, 3, 0x0B, 0xF4), new CooCoder().encode(t));
        // csr: 3 entries, (gap in 3 bits, code): 000 001 | 000 111 | 001 010 -> 0000 0100 | 0111 0010 | 1000 0000
        assertArrayEquals(stream(2, 0, 0, 0, 3, 0x04, 0x72, 0x80), new CsrCoder().encode(t));
        for (ParameterCoder c : ParameterCoder.all()) assertEquals(t, c.decode(c.encode(t)), c.name());
        assertEquals(20, new DenseCoder().sizes(t).streamBytes());
        assertEquals(144, new DenseCoder().sizes(t).headerBits());
    }

    /**
     * Huffman over values by hand: codes {0,0,0,0,1,1,-1,2} have frequencies 4, 2, 1, 1, so the code
     * lengths are 1, 2, 3, 3 and the payload 4*1 + 2*2 + 1*3 + 1*3 = 14 bits. Table: count (32) and per
     * symbol (3-bit symbol, 6-bit length) = 32 + 4 * 9 = 68 bits. 144 + 68 + 14 = 226 bits = 29 bytes.
     */
    @Test
    void huffmanStreamSizeByHand() {
        QuantizedTensor t = new QuantizedTensor(new int[]{0, 0, 0, 0, 1, 1, -1, 2}, 3, new float[]{0.5f}, 0);
        byte[] s = new HuffmanValuesCoder().encode(t);
        assertEquals(29, s.length);
        assertEquals(t, new HuffmanValuesCoder().decode(s));
    }

    private static byte[] stream(int scheme, int... body) {
        int[] header = {scheme, 0x0A, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0x3F, 0, 0, 0};
        byte[] out = new byte[header.length + body.length];
        for (int i = 0; i < header.length; i++) out[i] = (byte) header[i];
        for (int i = 0; i < body.length; i++) out[header.length + i] = (byte) body[i];
        return out;
    }

    @Property(tries = 60)
    void everyCoderRoundTripsAsymmetric(@ForAll @IntRange(min = 1, max = 1500) int n,
                                        @ForAll @DoubleRange(min = 0.0, max = 1.0) double r,
                                        @ForAll @IntRange(min = 1, max = 30) int bits, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) rnd.nextGaussian() + 0.5f;
        MagnitudePruning.prune(w, r);
        QuantizedTensor t = UniformQuantizer.asymmetric(w, bits);
        for (ParameterCoder c : ParameterCoder.all()) assertEquals(t, c.decode(c.encode(t)), c.name());
    }

    @Test
    void exactStreamSizes() {
        int n = 1000, b = 5;
        QuantizedTensor t = layer(1, n, 0.3, b, 1);
        long header = 144; // 8 + 6 + 1 + 1 + 3 * 32 + one 32-bit scale
        int nnz = t.nonZeros();
        assertEquals(300, nnz);
        assertEquals((header + (long) n * b + 7) / 8, new DenseCoder().encode(t).length);          // 643
        assertEquals((header + (long) n + (long) nnz * b + 7) / 8, new BitmapCoder().encode(t).length); // 331
        assertEquals((header + 32 + (long) nnz * (b + 10) + 7) / 8, new CooCoder().encode(t).length); // log2 1000 -> 10 bits
        long entries = csrEntries(t.codes(), t.zeroPoint());
        assertTrue(entries >= nnz);
        assertEquals((header + 32 + entries * (b + 3) + 7) / 8, new CsrCoder().encode(t).length);
        assertEquals(643, new DenseCoder().encode(t).length);
        // closed forms: the reference formulas with r = nnz / N
        assertEquals((double) n * b, new DenseCoder().closedFormBits(t), 1e-9);
        assertEquals(n * (b + 3) * 0.3, new CsrCoder().closedFormBits(t), 1e-9);
        assertEquals(n * Math.round(b + Math.log(n) / Math.log(2)) * 0.3, new CooCoder().closedFormBits(t), 1e-9);
        assertEquals(n * (b + 3) * 0.3, new HuffmanCsrCoder().closedFormBits(t), 1e-9);
    }

    @Test
    void csrPaddingZeros() {
        int[] codes = new int[40];
        codes[0] = 3;   // gap 0
        codes[8] = -2;  // gap 7: fits
        codes[25] = 1;  // gap 16: two padding entries (positions 16, 24) then gap 0
        codes[39] = 1;  // gap 13: one padding (33), then gap 5
        QuantizedTensor t = new QuantizedTensor(codes, 3, new float[]{0.5f}, 0);
        assertArrayEquals(new int[]{0, 3, 7, -2, 7, 0, 7, 0, 0, 1, 7, 0, 5, 1}, CsrCoder.entries(t));
        assertEquals(t, new CsrCoder().decode(new CsrCoder().encode(t)));
    }

    @Test
    void huffmanShrinksSparseLayers() {
        QuantizedTensor t = layer(7, 50000, 0.1, 8, 1);
        long dense = new DenseCoder().encode(t).length;
        assertTrue(new HuffmanValuesCoder().encode(t).length < dense / 3);
        assertTrue(new HuffmanCsrCoder().encode(t).length < new CsrCoder().encode(t).length);
        // a one-symbol layer (all pruned)
        QuantizedTensor zero = new QuantizedTensor(new int[100], 4, new float[]{0f}, 0);
        for (ParameterCoder c : ParameterCoder.all()) assertEquals(zero, c.decode(c.encode(zero)), c.name());
    }

    @Test
    void rejectsBadInput() {
        QuantizedTensor t = new QuantizedTensor(new int[]{9}, 3, new float[]{1f}, 0);
        assertThrows(IllegalArgumentException.class, () -> new DenseCoder().encode(t));
        byte[] s = new CsrCoder().encode(layer(1, 100, 0.5, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new CooCoder().decode(s));
        assertThrows(IllegalArgumentException.class, () -> new CsrCoder().decode(java.util.Arrays.copyOf(s, s.length / 2)));
        assertEquals("huffman-csr", ParameterCoder.byName("huffman-csr").name());
        assertThrows(IllegalArgumentException.class, () -> ParameterCoder.byName("zip"));
    }
}
