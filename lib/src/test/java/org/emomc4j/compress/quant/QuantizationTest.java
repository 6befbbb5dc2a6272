package org.emomc4j.compress.quant;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.WeightTransform;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizationTest {

    static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (r.nextGaussian() * 0.05);
        return w;
    }

    @Property(tries = 200)
    void symmetricErrorAtMostHalfStep(@ForAll @IntRange(min = 2, max = 32) int bits, @ForAll long seed,
                                      @ForAll @IntRange(min = 1, max = 500) int n) {
        float[] w = gaussian(seed, n);
        double step = UniformQuantizer.symmetricStep(UniformQuantizer.maxAbs(w), bits);
        float[] q = UniformQuantizer.symmetricInPlace(w.clone(), bits);
        QuantizedTensor t = UniformQuantizer.symmetric(w, bits);
        float[] dq = t.dequantize();
        long maxCode = (1L << (bits - 1)) - 1;
        for (int i = 0; i < n; i++) {
            double slack = Math.ulp(Math.abs(w[i])) ; // the float result of an exact double value
            assertTrue(Math.abs(q[i] - w[i]) <= step / 2 + slack, "bits " + bits + " err " + Math.abs(q[i] - w[i]) + " step " + step);
            assertTrue(Math.abs(t.codes()[i]) <= maxCode);
            assertTrue(q[i] == (float) (t.codes()[i] * step)); // == so that -0.0 equals 0.0
            assertTrue(Math.abs(dq[i] - w[i]) <= step / 2 + 2 * slack + Math.ulp((float) step) * Math.abs(t.codes()[i]));
        }
    }

    /** Weights as a search candidate has them: Gaussian with a fraction pruned to +0.0 or -0.0. */
    static float[] pruned(long seed, int n, double zeros) {
        Random r = new Random(seed);
        float[] w = gaussian(seed, n);
        for (int i = 0; i < n; i++) if (r.nextDouble() < zeros) w[i] = r.nextBoolean() ? 0f : -0f;
        return w;
    }

    @Property(tries = 200)
    void inPlaceIsTheReferenceFormulaBitForBitOnPrunedWeights(@ForAll @IntRange(min = 2, max = 16) int bits, @ForAll long seed,
                                                             @ForAll @IntRange(min = 1, max = 300) int n,
                                                             @ForAll @IntRange(min = 0, max = 100) int zeroPercent) {
        float[] w = pruned(seed, n, zeroPercent / 100.0);
        double step = UniformQuantizer.symmetricStep(UniformQuantizer.maxAbs(w), bits);
        float[] q = UniformQuantizer.symmetricInPlace(w.clone(), bits);
        for (int i = 0; i < n; i++) {
            // Raw bits: the sign of a zero must survive as the formula keeps it (rint(-0.0 / step) = -0.0).
            float expected = step == 0 ? w[i] : (float) (Math.rint(w[i] / step) * step);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(q[i]), "weight " + i + " = " + w[i]);
        }
    }

    @Test
    void referenceFormula() {
        float[] w = {0.7f, -0.35f, 0.1f, 0.0f, -0.7f, 0.175f};
        // q = 3: step = 0.7 / 3
        double step = 0.7f / 3.0;
        float[] q = UniformQuantizer.symmetricInPlace(w.clone(), 3);
        for (int i = 0; i < w.length; i++) assertEquals((float) (Math.rint(w[i] / step) * step), q[i]);
        assertArrayEquals(new int[]{3, -2, 0, 0, -3, 1}, UniformQuantizer.symmetric(w, 3).codes());
        assertThrows(IllegalArgumentException.class, () -> UniformQuantizer.symmetric(w, 1));
        assertArrayEquals(new float[4], UniformQuantizer.symmetricInPlace(new float[4], 4));
    }

    @Property(tries = 100)
    void asymmetricAndPerChannelWithinHalfStep(@ForAll @IntRange(min = 2, max = 16) int bits, @ForAll long seed) {
        float[] w = gaussian(seed, 96);
        for (int i = 0; i < w.length; i++) w[i] += 0.03f; // off-centre
        for (int i = 0; i < w.length; i += 7) w[i] = 0f; // pruned weights
        QuantizedTensor a = UniformQuantizer.asymmetric(w, bits);
        float[] da = a.dequantize();
        for (int i = 0; i < w.length; i++) assertTrue(Math.abs(da[i] - w[i]) <= a.scales()[0] / 2 * (1 + 1e-5) + 1e-7);
        // zero is exact: a pruned weight gets the zero point's code and comes back as 0, not as a step's remainder
        assertTrue(a.zeroPoint() >= 0 && a.zeroPoint() <= (1L << bits) - 1, "zero point " + a.zeroPoint());
        for (int i = 0; i < w.length; i += 7) {
            assertEquals(a.zeroPoint(), a.codes()[i], "code of a zero weight");
            assertEquals(0f, da[i]);
        }
        QuantizedTensor pc = UniformQuantizer.symmetricPerChannel(w, bits, 8);
        float[] dp = pc.dequantize();
        for (int i = 0; i < w.length; i++) assertTrue(Math.abs(dp[i] - w[i]) <= pc.scales()[i % 8] / 2 * (1 + 1e-5) + 1e-7);
        // per-channel is never worse than per-tensor in total squared error... per channel at least as fine a step
        double st = UniformQuantizer.symmetricStep(UniformQuantizer.maxAbs(w), bits);
        for (float s : pc.scales()) assertTrue(s <= st * (1 + 1e-6));
    }

    @Test
    void asymmetricByHand() {
        // range [-1, 2] in 2 bits: step (2 - -1) / 3 = 1, zero point round(1 / 1) = 1, codes rint(w / 1) + 1
        QuantizedTensor a = UniformQuantizer.asymmetric(new float[]{-1f, 0f, 2f, 0.4f, 1.6f}, 2);
        assertArrayEquals(new int[]{0, 1, 3, 1, 3}, a.codes());
        assertEquals(1, a.zeroPoint());
        assertArrayEquals(new float[]{1f}, a.scales());
        assertArrayEquals(new float[]{-1f, 0f, 2f, 0f, 2f}, a.dequantize());
        // all weights positive: the range still includes 0, so the zero point is code 0
        QuantizedTensor p = UniformQuantizer.asymmetric(new float[]{0.5f, 1.5f}, 2);
        assertEquals(0, p.zeroPoint());
        assertArrayEquals(new int[]{1, 3}, p.codes()); // step 0.5
    }

    @Test
    void powerOfTwoLevels() {
        float[] w = {1.0f, 0.3f, -0.12f, 0.001f, -1.9f};
        float[] q = PowerOfTwoQuantizer.quantize(w, 3); // eMax = round(log2 1.9) = 1; levels 2, 1, 0.5
        assertArrayEquals(new float[]{1f, 0.5f, 0f, 0f, -2f}, q); // 0.12 < half the smallest level 0.5
        for (float v : PowerOfTwoQuantizer.quantize(gaussian(5, 100), 5)) {
            if (v == 0) continue;
            double e = Math.log(Math.abs(v)) / Math.log(2);
            assertEquals(Math.rint(e), e, 1e-12);
        }
    }

    @Test
    void activationQuantizer() {
        float[] x = {0f, 0.5f, 1f, 2f, 4f, -1f, 10f};
        ActivationQuantizer q = ActivationQuantizer.calibrateMax(new float[]{0, 3, 4}, 2); // step 4/3
        float[] y = q.apply(x.clone());
        for (int i = 0; i < x.length; i++) {
            double k = y[i] / q.step();
            assertEquals(Math.rint(k), k, 1e-6);
            assertTrue(y[i] >= 0 && y[i] <= 4 + 1e-6);
            if (x[i] >= 0 && x[i] <= 4) assertTrue(Math.abs(y[i] - x[i]) <= q.step() / 2 + 1e-6);
        }
        float[] samples = new float[10000];
        for (int i = 0; i < samples.length; i++) samples[i] = i / 10000f;
        samples[9999] = 1000f;
        assertTrue(ActivationQuantizer.calibratePercentile(samples, 8, 99.9).range() < 1.0);
        ActivationQuantizer ema = new ActivationQuantizer(8, 0);
        ema.observe(new float[]{2f}, 0.9);
        ema.observe(new float[]{4f}, 0.9);
        assertEquals(2.2, ema.range(), 1e-12);
    }

    @Test
    void fakeQuantAfterDynamicPruningThroughTheHook() {
        NetworkSpec vgg = NetworkSpec.vgg16();
        LayerSpec l = vgg.layer(2);
        CompressionPlan plan = CompressionPlan.uniform(vgg, 0.3, 4);
        WeightTransform t = DynamicPruning.of(plan).andThen(FakeQuantization.symmetric(plan));
        float[] w = gaussian(9, (int) l.weightCount());
        float[] out = t.apply(l, w.clone());
        java.util.Set<Float> levels = new java.util.HashSet<>();
        int zeros = 0;
        for (float v : out) { levels.add(v); if (v == 0) zeros++; }
        assertTrue(levels.size() <= 15, "levels " + levels.size());
        assertTrue(zeros >= w.length - Math.round(w.length * 0.3));
        // per channel (HWIO: channel = index % C_out): each output channel on its own 4-bit grid, at most 15 levels
        float[] pc = FakeQuantization.perChannel(plan).apply(l, w.clone());
        int co = l.outChannels();
        for (int c = 0; c < co; c += 17) {
            java.util.Set<Float> channelLevels = new java.util.HashSet<>();
            float max = 0;
            for (int i = c; i < w.length; i += co) { channelLevels.add(pc[i]); max = Math.max(max, Math.abs(w[i])); }
            assertTrue(channelLevels.size() <= 15, "channel " + c + " has " + channelLevels.size() + " levels");
            for (int i = c; i < w.length; i += co) assertTrue(Math.abs(pc[i] - w[i]) <= max / 7 / 2 * (1 + 1e-5), "channel " + c);
        }
        // power of two: every non-zero weight is +-2^e
        for (float v : FakeQuantization.powerOfTwo(plan).apply(l, w.clone()))
            if (v != 0) assertEquals(0, Float.floatToIntBits(Math.abs(v)) & 0x7FFFFF, "not a power of two: " + v);
        assertArrayEquals(w, FakeQuantization.symmetric(CompressionPlan.uniform(vgg, 1, 32)).apply(l, w.clone()));
    }

    @Test
    void learnedQuantizerQemImprovesAndBeatsUniform() {
        float[] w = gaussian(11, 20000);
        for (int bits = 1; bits <= 4; bits++) {
            LearnedQuantizer init = LearnedQuantizer.fit(w, bits, 0);
            LearnedQuantizer fitted = LearnedQuantizer.fit(w, bits, 20);
            assertEquals(1 << bits, fitted.levels().length);
            assertTrue(fitted.squaredError(w) <= init.squaredError(w) * (1 + 1e-9), "bits " + bits);
            if (bits >= 2) {
                float[] u = UniformQuantizer.symmetricInPlace(w.clone(), bits);
                double ue = 0;
                for (int i = 0; i < w.length; i++) ue += (u[i] - w[i]) * (double) (u[i] - w[i]);
                assertTrue(fitted.squaredError(w) < ue, "LQ should beat max-scaled uniform at " + bits + " bits");
            }
            int[] codes = fitted.encode(w);
            float[] q = fitted.quantized(w);
            for (int i = 0; i < 100; i++) assertEquals(q[i], fitted.value(codes[i]), 1e-6f);
        }
        // QEM from a given basis is monotone round by round
        double prev = Double.MAX_VALUE;
        for (int t = 0; t < 6; t++) {
            double e = LearnedQuantizer.fit(w, 3, t).squaredError(w);
            assertTrue(e <= prev * (1 + 1e-9));
            prev = e;
        }
        assertEquals(2, LearnedQuantizer.ofBasis(0.5).levels().length);
    }
}
