package org.emomc4j.nn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.compress.quant.UniformQuantizer;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantGridTest {

    /** A candidate's layer: Gaussian weights, a fraction pruned to +0.0 or -0.0, quantized to {@code bits}. */
    static float[] candidateLayer(long seed, int n, double zeros, int bits) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++)
            w[i] = r.nextDouble() < zeros ? (r.nextBoolean() ? 0f : -0f) : (float) (r.nextGaussian() * 0.05);
        return UniformQuantizer.symmetricInPlace(w, bits);
    }

    @Property(tries = 300)
    void detectsTheQuantizersGridWithCodesBitForBit(@ForAll @IntRange(min = 2, max = 9) int bits, @ForAll long seed,
                                                   @ForAll @IntRange(min = 1, max = 400) int n,
                                                   @ForAll @IntRange(min = 0, max = 100) int zeroPercent) {
        float[] w = candidateLayer(seed, n, zeroPercent / 100.0, bits);
        QuantGrid g = QuantGrid.detect(w, DnnlBackend.BF16_EXACT_BITS);
        assertNotNull(g, "a " + bits + "-bit tensor has a grid");
        assertTrue(g.bits() <= bits, "found " + g.bits() + " bits for a " + bits + "-bit tensor");
        for (int i = 0; i < n; i++) {
            // The code of every weight is rint(w / step), the sign of a zero included (the bf16
            // kernels see exactly these values).
            float expected = g.step() == 0 ? 0f : (float) Math.rint(w[i] / g.step());
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(g.codes()[i]), "weight " + i + " = " + w[i]);
            assertEquals(w[i], g.codes()[i] * g.step(), 1e-6 * g.step() * (1 << bits), "weight " + i);
        }
    }
}
