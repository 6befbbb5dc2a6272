package org.emomc4j.nn;

import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** bf16 and int8 evaluation ({@link Precision}) against fp32 and a plain-Java integer reference. */
class LowPrecisionTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    /** A network with non-trivial BatchNorm parameters and statistics (a fresh one has identity BN). */
    static Model model(long seed) {
        Model m = Model.create(TINY, seed);
        Random r = new Random(seed);
        for (int l = 0; l < TINY.size() - 1; l++) {
            int c = TINY.layer(l).outChannels();
            float[] g = new float[c], b = new float[c];
            for (int k = 0; k < c; k++) { g[k] = (float) (0.5 + r.nextDouble()); b[k] = (float) (0.3 * r.nextGaussian()); }
            m.store.gamma[l].assign(org.nd4j.linalg.factory.Nd4j.createFromArray(g));
            m.store.beta[l].assign(org.nd4j.linalg.factory.Nd4j.createFromArray(b));
        }
        float[] mean = new float[(int) m.bnCount()], var = new float[mean.length];
        for (int i = 0; i < mean.length; i++) { mean[i] = (float) (0.2 * r.nextGaussian()); var[i] = (float) (0.5 + 2 * r.nextDouble()); }
        m.setRunningArray(false, mean);
        m.setRunningArray(true, var);
        return m;
    }

    static INDArray batch(ImageSet set, int n) {
        BatchLoader loader = new BatchLoader(set, n, false, 0);
        float[] f = new float[n * ImageSet.PIXELS];
        loader.fill(0, 0, f, new int[n]);
        return org.nd4j.linalg.factory.Nd4j.create(f, new long[]{n, 32, 32, 3}, 'c');
    }

    static void plan(Model m, double r, int bits) {
        WeightTransform t = DynamicPruning.uniform(r).andThen(FakeQuantization.symmetric(l -> bits));
        for (int l = 0; l < TINY.size(); l++) m.setWeightTransform(l, t);
    }

    /** Largest |a - b| over all logits, relative to the largest |fp32 logit|. */
    static double relDiff(float[][] a, float[][] b) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) { d = Math.max(d, Math.abs(a[i][k] - b[i][k])); s = Math.max(s, Math.abs(b[i][k])); }
        return d / s;
    }

    /**
     * bf16 keeps a 4-bit plan's weights exactly (codes) and rounds activations to 8 significant
     * bits: logits within 5 % of the largest fp32 logit, and not identical (bf16 did round).
     */
    @Test
    void bf16CloseToFp32AndUsesCodes() {
        Model m = model(1);
        plan(m, 0.5, 4);
        INDArray x = batch(ImageSet.random(16, 3), 16);
        float[][] f = m.logits(x), b = m.logits(x, Precision.BF16);
        double d = relDiff(b, f);
        assertTrue(d < 0.05 && d > 0, "bf16 vs fp32 relative logit difference " + d);
        DnnlBackend be = new DnnlBackend(m, Precision.BF16);
        be.prepare();
        for (int bits : be.gridBits()) assertEquals(4, bits, "the 4-bit plan's codes are recognised");
        m.clearWeightTransforms();
        be.prepare();
        for (int bits : be.gridBits()) assertEquals(0, bits, "unquantized weights have no grid");
        double d2 = relDiff(m.logits(x, Precision.BF16), m.logits(x));
        assertTrue(d2 < 0.05, "unquantized bf16 vs fp32 " + d2);
    }

    /**
     * At width 1/2 the 4x4 and 2x2 layers with 256 channels run as matrix products ({@link DnnlConv.Mode}):
     * two as patches, three dense; the whole network still agrees with fp32 as the convolutions do.
     */
    @Test
    void bf16WithMatrixProductLayersCloseToFp32() {
        NetworkSpec half = NetworkSpec.vgg("vgg16", 0.5);
        java.util.Map<DnnlConv.Mode, Integer> modes = new java.util.EnumMap<>(DnnlConv.Mode.class);
        for (int l = 0; l < half.size() - 1; l++)
            modes.merge(new DnnlConv(half.layer(l), DnnlConvTest.BF16, DnnlConvTest.BF16, DnnlConvTest.BF16, true, true).mode(), 1, Integer::sum);
        assertEquals(java.util.Map.of(DnnlConv.Mode.CONV, 8, DnnlConv.Mode.PATCHES, 2, DnnlConv.Mode.DENSE, 3), modes);
        Model m = Model.create(half, 5);
        WeightTransform t = DynamicPruning.uniform(0.5).andThen(FakeQuantization.symmetric(l -> 6));
        for (int l = 0; l < half.size(); l++) m.setWeightTransform(l, t);
        INDArray x = batch(ImageSet.random(16, 3), 16);
        double d = relDiff(m.logits(x, Precision.BF16), m.logits(x));
        assertTrue(d < 0.05 && d > 0, "bf16 vs fp32 relative logit difference " + d);
    }

    @Test
    void int8NeedsCalibrationImages() {
        Model m = model(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.logits(batch(ImageSet.random(4, 1), 4), Precision.INT8));
        assertTrue(e.getMessage().contains("setCalibration"), e.getMessage());
    }

    @Test
    void int8CloseToFp32() {
        Model m = model(3);
        m.setCalibration(ImageSet.random(64, 9), 64);
        plan(m, 0.5, 6);
        INDArray x = batch(ImageSet.random(16, 4), 16);
        double d = relDiff(m.logits(x, Precision.INT8), m.logits(x));
        assertTrue(d < 0.15 && d > 0, "int8 vs fp32 relative logit difference " + d);
    }

    /** New calibration images (same count) recalibrate; the same ones do not change the ranges. */
    @Test
    void int8RecalibratesOnNewImages() {
        Model m = model(7);
        plan(m, 0.5, 6);
        INDArray x = batch(ImageSet.random(4, 1), 4);
        m.setCalibration(ImageSet.random(64, 11), 64);
        m.logits(x, Precision.INT8);
        DnnlBackend be = (DnnlBackend) m.backendFor(Precision.INT8);
        float[] a = be.activationScales();
        m.logits(x, Precision.INT8);
        assertArrayEquals(a, be.activationScales());
        m.setCalibration(ImageSet.random(64, 12), 64);
        m.logits(x, Precision.INT8);
        assertFalse(java.util.Arrays.equals(a, be.activationScales()), "other calibration images, other ranges");
    }

    /** Batches above the backend's chunk are split; integer arithmetic makes the split invisible. */
    @Test
    void int8LargeBatchEqualsItsChunks() {
        Model m = model(6);
        m.setCalibration(ImageSet.random(64, 9), 64);
        plan(m, 0.7, 7);
        int n = DnnlBackend.CHUNK + 3;
        INDArray x = batch(ImageSet.random(n, 8), n);
        float[][] all = m.logits(x, Precision.INT8);
        INDArray tail = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(DnnlBackend.CHUNK, n)).dup('c');
        float[][] part = m.logits(tail, Precision.INT8);
        for (int i = 0; i < 3; i++) assertArrayEquals(part[i], all[DnnlBackend.CHUNK + i], "image " + (DnnlBackend.CHUNK + i));
        assertFalse(java.util.Arrays.equals(all[0], all[DnnlBackend.CHUNK]), "different images give different logits");
    }

    /**
     * A plan with a 12-bit layer: that layer runs in the documented bf16 fallback (on its 8-bit
     * input codes, output requantized), every other layer on int8 codes.
     */
    @Test
    void int8TwelveBitLayerFallsBack() {
        Model m = model(4);
        m.setCalibration(ImageSet.random(64, 9), 64);
        int[] bits = new int[TINY.size()];
        java.util.Arrays.fill(bits, 8);
        bits[2] = 12;
        WeightTransform t = FakeQuantization.symmetric(l -> bits[l.index()]);
        for (int l = 0; l < TINY.size(); l++) m.setWeightTransform(l, t);
        DnnlBackend be = new DnnlBackend(m, Precision.INT8);
        be.prepare();
        boolean[] fb = be.fallbackLayers();
        for (int l = 0; l < fb.length; l++) assertEquals(l == 2, fb[l], "fallback of layer " + l);
        INDArray x = batch(ImageSet.random(16, 5), 16);
        double d = relDiff(m.logits(x, Precision.INT8), m.logits(x));
        assertTrue(d < 0.15, "int8 with a fallback layer vs fp32 " + d);
    }

    /**
     * int8 evaluation equals the accelerator's integer arithmetic written out in plain Java:
     * s8 input codes, exact integer convolutions, requantization to u8 by
     * {@link DnnlConv#requantizeU8}, max-pool on codes, integer FC.
     */
    @Test
    void int8EqualsPlainJavaIntegerReference() {
        int[] bits = new int[TINY.size()];
        java.util.Arrays.fill(bits, 5);
        integerReference(bits);
    }

    /**
     * A 9-bit layer runs in the bf16 fallback: 9-bit weight codes and 8-bit input codes are exact in
     * bf16 and (on this small network) their sums in fp32, so it too equals the integer reference.
     */
    @Test
    void int8NineBitFallbackEqualsPlainJavaIntegerReference() {
        int[] bits = new int[TINY.size()];
        java.util.Arrays.fill(bits, 5);
        bits[1] = 9;
        bits[4] = 9;
        integerReference(bits);
    }

    /** int8's activation ranges are the maxima of the bf16 path's activations: within bf16's rounding of fp32's. */
    @Test
    void int8RangesAreTheBf16PathsMaxima() {
        Model m = model(8);
        ImageSet cal = ImageSet.random(40, 13);
        m.setCalibration(cal, 40);
        plan(m, 0.5, 6);
        m.logits(batch(ImageSet.random(2, 1), 2), Precision.INT8);
        float[] act = ((DnnlBackend) m.backendFor(Precision.INT8)).activationScales();
        INDArray[] a = m.nd.activations(batch(cal, 40), 40);
        for (int l = 0; l < act.length; l++) {
            double fp32 = a[l].maxNumber().doubleValue();
            assertTrue(fp32 > 0, "layer " + l + " has activations");
            assertEquals(fp32, 255.0 * act[l], 0.03 * fp32, "layer " + l + "'s range");
        }
    }

    private void integerReference(int[] bits) {
        Model m = model(5);
        m.setCalibration(ImageSet.random(32, 7), 32);
        WeightTransform t = DynamicPruning.uniform(0.6).andThen(FakeQuantization.symmetric(l -> bits[l.index()]));
        for (int l = 0; l < TINY.size(); l++) m.setWeightTransform(l, t);
        int n = 3;
        INDArray x = batch(ImageSet.random(n, 6), n);
        float[][] got = m.logits(x, Precision.INT8);
        DnnlBackend be = (DnnlBackend) m.backendFor(Precision.INT8);
        float inScale = be.inputScale();
        float[] act = be.activationScales();
        boolean[] fallback = be.fallbackLayers();
        for (int l = 0; l < fallback.length; l++) assertEquals(bits[l] > 8, fallback[l], "layer " + l + " in the fallback");

        // input codes: rint(x * (1 / inScale)), saturated to s8
        float[] xv = x.dup('c').data().asFloat();
        float inv = 1f / inScale;
        int[] cur = new int[xv.length];
        for (int i = 0; i < xv.length; i++) cur[i] = (int) Math.max(-128, Math.min(127, Math.rint(xv[i] * inv)));
        float[] rm = m.runningArray(false), rv = m.runningArray(true);
        int h = 32;
        m.hooks.refresh();
        for (int l = 0; l < TINY.size() - 1; l++) {
            LayerSpec s = TINY.layer(l);
            QuantGrid g = QuantGrid.detect(m.hooks.forward(l).dup('c').data().asFloat(), bits[l] > 8 ? DnnlBackend.BF16_EXACT_BITS : 8);
            int[] w = new int[g.codes().length];
            for (int i = 0; i < w.length; i++) w[i] = (int) g.codes()[i];
            long[] acc = DnnlConvTest.intReference(cur, w, n, h, s.inChannels(), s.outChannels(), 3);
            float[] gamma = m.store.gamma[l].toFloatVector(), beta = m.store.beta[l].toFloatVector();
            float in = l == 0 ? inScale : act[l - 1], out = act[l];
            int c = s.outChannels(), o = m.store.bnOff[l];
            int[] y = new int[acc.length];
            for (int i = 0; i < y.length; i++) {
                int k = i % c;
                double sc = gamma[k] / Math.sqrt(rv[o + k] + Model.BN_EPS), sh = beta[k] - rm[o + k] * sc;
                float scale = (float) (g.step() * in * sc / out), bias = (float) (sh / out / scale);
                y[i] = DnnlConv.requantizeU8(Math.toIntExact(acc[i]), bias, scale);
            }
            if (s.poolAfter()) {
                int hh = h / 2;
                int[] p = new int[n * hh * hh * c];
                for (int b = 0; b < n; b++)
                    for (int i = 0; i < hh; i++)
                        for (int j = 0; j < hh; j++)
                            for (int k = 0; k < c; k++) {
                                int v = 0;
                                for (int di = 0; di < 2; di++)
                                    for (int dj = 0; dj < 2; dj++) v = Math.max(v, y[((b * h + 2 * i + di) * h + 2 * j + dj) * c + k]);
                                p[((b * hh + i) * hh + j) * c + k] = v;
                            }
                y = p;
                h = hh;
            }
            cur = y;
        }
        LayerSpec fc = TINY.layer(TINY.size() - 1);
        QuantGrid g = QuantGrid.detect(m.hooks.forward(TINY.size() - 1).dup('c').data().asFloat(), 8);
        float[] fb = m.store.fcBias.dup().data().asFloat();
        int in = fc.inChannels(), c = fc.outChannels();
        int nonZero = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < c; k++) {
                long a = 0;
                for (int j = 0; j < in; j++) a += cur[i * in + j] * (long) g.codes()[j * c + k];
                float want = (float) (a * (act[act.length - 1] * g.step()) + fb[k]);
                assertEquals(want, got[i][k], "logit " + k + " of image " + i);
                if (a != 0) nonZero++;
            }
        assertTrue(nonZero > 0, "the reference must reach the FC layer with non-zero activations");
    }
}
