package org.emomc4j.nn;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link PrefixCache}: a candidate sharing its first layers' weights and its input with an earlier
 * one starts from the stored activations, and its logits are those computed without reuse, bit for bit.
 */
class PrefixCacheTest {

    static final NetworkSpec TINY = LowPrecisionTest.TINY;
    /** 300 images: chunks of 128, 128 and 44. */
    static final int N = 300;

    @AfterEach
    void restoreBudget() { PrefixCache.reset(PrefixCache.configuredBudget()); }

    static int[] bits(int first, int rest, int split) {
        int[] b = new int[TINY.size()];
        for (int l = 0; l < b.length; l++) b[l] = l < split ? first : rest;
        return b;
    }

    static Model network(Precision p, int[] bits) {
        Model m = LowPrecisionTest.model(1);
        if (p == Precision.INT8) m.setCalibration(ImageSet.random(64, 5), 64);
        plan(m, bits);
        return m;
    }

    static void plan(Model m, int[] bits) {
        WeightTransform t = DynamicPruning.uniform(0.6).andThen(FakeQuantization.symmetric(l -> bits[l.index()]));
        for (int l = 0; l < TINY.size(); l++) m.setWeightTransform(l, t);
    }

    /** Conv MACs of layers [0, upTo] for all N images. */
    static long macs(int upTo) {
        long s = 0;
        for (int l = 0; l <= upTo; l++) s += TINY.layer(l).macs();
        return s * N;
    }

    /** Logits as candidate scoring computes them: with reuse on ({@link PrefixCache#reusing}). */
    static float[][] scored(Model m, INDArray x, Precision p) { return PrefixCache.reusing(() -> m.logits(x, p)); }

    static void assertSameBits(float[][] want, float[][] got, String what) {
        for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], 0f, what + ", image " + i);
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
    void aSharedPrefixIsReusedAndGivesTheSameLogits(Precision p) {
        INDArray x = LowPrecisionTest.batch(ImageSet.random(N, 3), N);
        int[] a = bits(6, 6, 7), b = bits(6, 3, 7); // the same first 7 layers (pooling after layer 6)
        PrefixCache.reset(64L << 20);
        Model m = network(p, a);
        float[][] first = scored(m, x, p);
        PrefixCache.Stats s0 = PrefixCache.stats();
        assertEquals(3, s0.chunks());
        assertEquals(0, s0.chunksReused(), "nothing to reuse yet");
        assertTrue(s0.entries() > 0 && s0.bytes() > 0 && s0.bytes() <= s0.budget(), s0.describe());

        plan(m, b);
        float[][] shared = scored(m, x, p);
        PrefixCache.Stats s1 = PrefixCache.stats();
        assertEquals(3, s1.chunksReused() - s0.chunksReused(), "every chunk starts after layer 6: " + s1.describe());
        assertEquals(macs(6), s1.macsSkipped() - s0.macsSkipped(), "skipped exactly layers 0-6");

        plan(m, a);
        float[][] again = scored(m, x, p);
        PrefixCache.Stats s2 = PrefixCache.stats();
        assertEquals(macs(TINY.size() - 2), s2.macsSkipped() - s1.macsSkipped(), "the same plan again skips every convolution");
        assertSameBits(first, again, p + " plan a from its stored last pooling output");

        PrefixCache.reset(0);
        float[][] freshB = scored(network(p, b), x, p);
        float[][] freshA = scored(network(p, a), x, p);
        assertEquals(0, PrefixCache.stats().chunks(), "reuse off: nothing looked up");
        assertSameBits(freshB, shared, p + " plan b reusing plan a's first layers vs computed without reuse");
        assertSameBits(freshA, first, p + " plan a");
        assertNotEquals(freshA[0][0], freshB[0][0], "the two plans differ after layer 6");
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"BF16", "INT8"})
    void anotherFirstLayerOrAnotherInputReusesNothing(Precision p) {
        INDArray x = LowPrecisionTest.batch(ImageSet.random(N, 3), N), y = LowPrecisionTest.batch(ImageSet.random(N, 4), N);
        PrefixCache.reset(64L << 20);
        Model m = network(p, bits(6, 6, 7));
        scored(m, x, p);
        plan(m, bits(5, 6, 1)); // only layer 0 differs
        scored(m, x, p);
        assertEquals(0, PrefixCache.stats().chunksReused(), "layer 0's weights are in every key");
        scored(m, y, p);
        assertEquals(0, PrefixCache.stats().chunksReused(), "the input is in every key");
        assertEquals(9, PrefixCache.stats().chunks());
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"BF16"})
    void theBudgetBoundsWhatIsKept(Precision p) {
        INDArray x = LowPrecisionTest.batch(ImageSet.random(N, 3), N);
        long budget = 200_000;
        PrefixCache.reset(budget);
        Model m = network(p, bits(6, 6, 7));
        float[][] first = scored(m, x, p);
        plan(m, bits(6, 4, 13));
        float[][] second = scored(m, x, p);
        PrefixCache.Stats s = PrefixCache.stats();
        assertTrue(s.entries() > 0 && s.bytes() <= budget, s.describe());
        PrefixCache.reset(0);
        assertSameBits(scored(network(p, bits(6, 6, 7)), x, p), first, "plan a");
        assertSameBits(scored(network(p, bits(6, 4, 13)), x, p), second, "plan b under a small budget");
    }

    /**
     * Outside candidate scoring (benchmarks timing the same batch again, a training run's validation)
     * nothing is looked up or stored.
     */
    @org.junit.jupiter.api.Test
    void outsideScoringNothingIsLookedUpOrStored() {
        INDArray x = LowPrecisionTest.batch(ImageSet.random(N, 3), N);
        PrefixCache.reset(64L << 20);
        Model m = network(Precision.BF16, bits(6, 6, 7));
        float[][] a = m.logits(x, Precision.BF16), b = m.logits(x, Precision.BF16);
        PrefixCache.Stats s = PrefixCache.stats();
        assertEquals(0, s.chunks(), s.describe());
        assertEquals(0, s.entries(), s.describe());
        assertSameBits(a, b, "two passes without reuse");
        assertSameBits(a, scored(m, x, Precision.BF16), "the same network scored with reuse on (prepared again for it)");
        assertEquals(3, PrefixCache.stats().chunks(), "scoring looks up");
        assertTrue(PrefixCache.stats().entries() > 0, "scoring stores");
    }

    @org.junit.jupiter.api.Test
    void aBadBudgetIsRefusedNamingTheVariable() {
        System.setProperty("emomc.prefixCacheMB", "lots");
        try {
            Exception e = assertThrows(org.emomc4j.util.UserError.class, PrefixCache::configuredBudget);
            assertTrue(e.getMessage().contains("EMOMC_PREFIX_CACHE_MB") && e.getMessage().contains("lots"), e.getMessage());
            System.setProperty("emomc.prefixCacheMB", "12");
            assertEquals(12L << 20, PrefixCache.configuredBudget());
        } finally {
            System.clearProperty("emomc.prefixCacheMB");
        }
    }
}
