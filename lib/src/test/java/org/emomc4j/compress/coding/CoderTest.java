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
            ParameterCoder.Sizes z = c.sizes(t);
            assertEquals(s.length, z.streamBytes(), c.name());
            assertTrue(z.closedFormBits() >= 0);
        }
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
        long header = StreamHeader.bits(t);
        int nnz = t.nonZeros();
        assertEquals(300, nnz);
        assertEquals((header + (long) n * b + 7) / 8, new DenseCoder().encode(t).length);
        assertEquals((header + (long) n + (long) nnz * b + 7) / 8, new BitmapCoder().encode(t).length);
        assertEquals((header + 32 + (long) nnz * (b + 10) + 7) / 8, new CooCoder().encode(t).length); // log2 1000 -> 10 bits
        int entries = CsrCoder.entries(t).length / 2;
        assertTrue(entries >= nnz);
        assertEquals((header + 32 + (long) entries * (b + 3) + 7) / 8, new CsrCoder().encode(t).length);
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
