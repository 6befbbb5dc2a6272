package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/** bf16 training steps ({@link Model#setTrainingPrecision}) against fp32 ones. */
class Bf16TrainingTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    /**
     * Gradients of one batch. oneDNN's own fp32 path reproduces ND4J's to 1e-5; bf16 operands
     * (8 significant bits) change them a lot more, because a weight gradient is a sum of
     * products whose BatchNorm-backward factor has zero mean per channel (heavy cancellation):
     * measured about 0.2-0.45 relative L2 per layer on a fresh network. What must hold is the
     * direction: cosine similarity with fp32's gradient > 0.85 overall (and learning, below).
     */
    @Test
    void gradientsAgreeWithFp32() {
        gradientsAgree(TINY, 32);
        assertThrows(IllegalArgumentException.class, () -> Model.create(TINY, 5).setTrainingPrecision(Precision.INT8));
    }

    /**
     * At width 1/2 the 4x4 and 2x2 layers have 256 channels: their three passes run as matrix
     * products over patch matrices ({@link DnnlTrainConv.Products}; without AMX the 2x2 ones only,
     * {@link DnnlTrainConv.Kernels}), the others as convolutions.
     * Same bar as above, layer by layer.
     */
    @Test
    void wideSmallMapLayersAgreeWithFp32() {
        NetworkSpec half = NetworkSpec.vgg("vgg16", 0.5);
        int products = 0;
        for (int l = 0; l < half.size(); l++)
            if (half.layer(l).isConv() && new DnnlTrainConv(half.layer(l), org.bytedeco.dnnl.memory.data_type.bf16).asProducts) products++;
        // With AMX the 4x4 layers after the first (whose input has 128 channels) and the three 2x2 layers; without, the 2x2 ones.
        assertEquals(DnnlTrainConv.Kernels.forThisCpu() == DnnlTrainConv.Kernels.AMX ? 5 : 3, products,
                "VGG-16 width 1/2's layers trained as products on this CPU");
        gradientsAgree(half, 16);
    }

    private static void gradientsAgree(NetworkSpec spec, int batch) {
        Model a = Model.create(spec, 5), b = Model.create(spec, 5), c = Model.create(spec, 5);
        b.setTrainingPrecision(Precision.BF16);
        c.nd.trainOnDnnl(org.bytedeco.dnnl.memory.data_type.f32);
        INDArray x = Nd4j.randn(3, new long[]{batch, 32, 32, 3});
        int[] y = new int[batch];
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        double la = a.forwardBackward(x, y)[0], lb = b.forwardBackward(x, y)[0];
        c.forwardBackward(x, y);
        assertEquals(la, lb, 0.02 * Math.abs(la), "loss");
        float[] ga = a.grads.toFloatVector(), gb = b.grads.toFloatVector(), gc = c.grads.toFloatVector();
        double dot = 0, na = 0, nb = 0, dc = 0;
        for (int i = 0; i < ga.length; i++) {
            dot += ga[i] * (double) gb[i]; na += ga[i] * (double) ga[i]; nb += gb[i] * (double) gb[i];
            dc += (ga[i] - gc[i]) * (double) (ga[i] - gc[i]);
        }
        assertTrue(Math.sqrt(dc / na) < 1e-5, "oneDNN fp32 vs ND4J fp32 " + Math.sqrt(dc / na));
        for (int l = 0; l < spec.size(); l++) {
            // every layer, whichever weight-gradient kernel it uses (bf16 convolution on 32x32, per-tap products below)
            float[] wa = a.store.gW[l].dup().data().asFloat(), wb = b.store.gW[l].dup().data().asFloat();
            double d = 0, xx = 0, z = 0;
            for (int i = 0; i < wa.length; i++) { d += wa[i] * (double) wb[i]; xx += wa[i] * (double) wa[i]; z += wb[i] * (double) wb[i]; }
            assertTrue(d / Math.sqrt(xx * z) > 0.75, "layer " + l + " gradient cosine " + d / Math.sqrt(xx * z));
        }
        double cos = dot / Math.sqrt(na * nb);
        assertTrue(cos > 0.85 && cos < 1 - 1e-6, "cosine of bf16 and fp32 gradients " + cos);
    }

    /** A tiny VGG-16, and one at width 1/2 (small-map products), learn two synthetic classes in bf16 as in fp32 (LearningTest's bar). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(doubles = {1.0 / 16, 0.5})
    void bf16Learns(double width) {
        ImageSet[] d = EngineTestData.twoSyntheticClasses(1000, 300);
        Model m = Model.create(NetworkSpec.vgg("vgg16", width), 1);
        Trainer t = new Trainer(m, new TrainConfig(3, 64, 0.05, 0.9, 5e-4, Schedule.ONECYCLE, 30, 1, Precision.BF16));
        for (int e = 0; e < 3; e++) t.trainEpoch(d[0], d[1], null);
        double after = m.accuracy(d[1], 200);
        assertTrue(after > 0.75, "bf16-trained accuracy after 3 epochs " + after);
    }

    /** A bf16 run's per-epoch validation is bf16 inference (it only monitors the run), an fp32 run's fp32. */
    @Test
    void validationRunsInTheTrainingPrecision() {
        ImageSet train = ImageSet.random(64, 7), val = ImageSet.random(40, 8);
        for (Precision p : new Precision[]{Precision.BF16, Precision.FP32}) {
            Model m = Model.create(TINY, 9);
            Trainer t = new Trainer(m, new TrainConfig(1, 32, 0.05, 0.9, 5e-4, Schedule.COSINE, 30, 3, p));
            Trainer.EpochResult r = t.trainEpoch(train, val, null);
            Precision other = p == Precision.BF16 ? Precision.FP32 : Precision.BF16;
            assertEquals(m.evaluate(val, 256, p).loss(), r.valLoss(), 0, p + " validation");
            assertNotEquals(m.evaluate(val, 256, other).loss(), r.valLoss(), p + " run, not " + other);
        }
    }

    /** Masks and weight transforms work as in fp32: pruned weights stay exactly +0.0. */
    @Test
    void prunedWeightsStayExactlyZero() {
        Model m = Model.create(TINY, 6);
        int layer = 4;
        boolean[] keep = new boolean[(int) TINY.layer(layer).weightCount()];
        for (int i = 0; i < keep.length; i++) keep[i] = i % 3 != 0;
        m.setMask(layer, keep);
        m.setWeightTransform(2, (s, w) -> { for (int i = 0; i < w.length; i++) w[i] = Math.round(w[i] * 16) / 16f; return w; });
        float[] before = m.weights(layer);
        Trainer t = new Trainer(m, new TrainConfig(2, 32, 0.05, 0.9, 5e-4, Schedule.COSINE, 30, 3, Precision.BF16));
        assertEquals(Precision.BF16, m.trainingPrecision());
        t.trainEpoch(ImageSet.random(96, 2), null, null);
        float[] after = m.weights(layer);
        int changed = 0;
        for (int i = 0; i < keep.length; i++) {
            if (!keep[i]) assertEquals(0, Float.floatToRawIntBits(after[i]), "pruned weight " + i + " is " + after[i]);
            else if (after[i] != before[i]) changed++;
        }
        assertTrue(changed > keep.length / 2, "kept weights must train: " + changed + " changed");
    }
}
