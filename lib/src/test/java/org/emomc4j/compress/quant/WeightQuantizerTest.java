package org.emomc4j.compress.quant;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Quantization error through {@link WeightQuantizer}. */
class WeightQuantizerTest {

    @Test
    void handComputedSymmetricError() {
        // 2 bits: step = max|w| / (2^1 - 1) = 1; codes round(0.1) = 0, round(-0.35) = 0, 1
        float[] w = {0.1f, -0.35f, 1.0f};
        double expected = ((double) 0.1f * 0.1f + (double) 0.35f * 0.35f) / 3;
        assertEquals(expected, WeightQuantizer.SYMMETRIC.error(w, 2), 1e-9);
    }

    @Property
    void symmetricErrorIsAtMostAQuarterStepSquared(@ForAll @Size(min = 1, max = 200) float[] raw,
                                                   @ForAll @IntRange(min = 2, max = 12) int bits) {
        float[] w = new float[raw.length];
        for (int i = 0; i < w.length; i++) w[i] = Float.isFinite(raw[i]) ? Math.max(-1e6f, Math.min(1e6f, raw[i])) : 0f;
        double step = UniformQuantizer.symmetricStep(UniformQuantizer.maxAbs(w), bits);
        double bound = step * step / 4;
        assertTrue(WeightQuantizer.SYMMETRIC.error(w, bits) <= bound * (1 + 1e-6) + 1e-30,
                "error above (step/2)^2 = " + bound);
    }

    @Test
    void moreBitsLessErrorOnAGaussianTensor() {
        var rnd = new java.util.Random(4);
        float[] w = new float[4096];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        for (WeightQuantizer q : WeightQuantizer.values())
            assertTrue(q.error(w, 6) < q.error(w, 2), q + ": 6 bits must beat 2 bits");
        // the learned basis fits the distribution: better than the uniform grid at few bits
        assertTrue(WeightQuantizer.LEARNED.error(w, 2) < WeightQuantizer.SYMMETRIC.error(w, 2));
    }

    @Test
    void refusesMismatchedLengthsAndUnknownNames() {
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.meanSquaredError(new float[2], new float[3]));
        assertSame(WeightQuantizer.POWER_OF_TWO, WeightQuantizer.parse("power_of_two"));
        assertThrows(UserError.class, () -> WeightQuantizer.parse("ternary"));
    }
}
