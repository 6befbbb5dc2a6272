package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Masks, weight transforms (STE) and weight access, the hooks the compression code uses. */
class CompressionHooksTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    @Test
    void weightsRoundTripInSpecLayout() {
        Model m = Model.create(TINY, 3);
        for (LayerSpec s : TINY.layers()) {
            float[] v = new float[(int) s.weightCount()];
            for (int i = 0; i < v.length; i++) v[i] = i * 0.001f - s.index();
            m.setWeights(s.index(), v);
            assertArrayEquals(v, m.weights(s.index()));
        }
        assertThrows(IllegalArgumentException.class, () -> m.setWeights(0, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> m.setMask(0, new boolean[3]));
    }

    @Test
    void maskedWeightsStayExactlyZeroThroughTraining() {
        Model m = Model.create(TINY, 4);
        Random r = new Random(5);
        boolean[][] keep = new boolean[TINY.size()][];
        for (int l = 0; l < TINY.size(); l += 3) {
            keep[l] = new boolean[(int) TINY.layer(l).weightCount()];
            for (int i = 0; i < keep[l].length; i++) keep[l][i] = r.nextDouble() < 0.4;
            m.setMask(l, keep[l]);
        }
        float[][] before = new float[TINY.size()][];
        for (int l = 0; l < TINY.size(); l++) before[l] = m.weights(l);
        Trainer t = new Trainer(m, new TrainConfig(2, 32, 0.05, 0.9, 5e-4, Schedule.COSINE, 30, 1));
        ImageSet data = ImageSet.random(256, 9);
        t.trainEpoch(data, null, null);
        t.trainEpoch(data, null, null);
        for (int l = 0; l < TINY.size(); l++) {
            float[] w = m.weights(l);
            int changed = 0;
            for (int i = 0; i < w.length; i++) {
                if (keep[l] != null && !keep[l][i]) assertEquals(0f, w[i], "layer " + l + " weight " + i);
                else if (w[i] != before[l][i]) changed++;
            }
            assertTrue(changed > 0, "kept weights of layer " + l + " should train");
        }
    }

    @Test
    void evaluationWithTransformLeavesStoredWeightsUntouched() {
        Model m = Model.create(TINY, 6);
        ImageSet data = ImageSet.random(100, 1);
        float[] w0 = m.weights(5);
        double plain = m.evaluate(data, 50).loss();
        int[] calls = {0};
        m.setWeightTransform(5, (layer, w) -> {
            calls[0]++;
            assertEquals(5, layer.index());
            Arrays.fill(w, 0f); // prunes the whole layer in the forward pass only
            return w;
        });
        double pruned = m.evaluate(data, 50).loss();
        assertTrue(calls[0] > 0);
        assertNotEquals(plain, pruned, 1e-9);
        assertArrayEquals(w0, m.weights(5));
        m.setWeightTransform(5, null);
        assertEquals(plain, m.evaluate(data, 50).loss(), 1e-12);
    }

    @Test
    void identityTransformTrainsExactlyLikeNoTransform() {
        // Straight-through: the gradient w.r.t. the transformed weights updates the stored ones.
        ImageSet data = ImageSet.random(128, 2);
        TrainConfig cfg = new TrainConfig(1, 32, 0.05, 0.9, 5e-4, Schedule.STEP, 30, 1);
        Model a = Model.create(TINY, 8), b = Model.create(TINY, 8);
        for (int l = 0; l < TINY.size(); l++) b.setWeightTransform(l, (layer, w) -> w.clone());
        new Trainer(a, cfg).trainEpoch(data, null, null);
        new Trainer(b, cfg).trainEpoch(data, null, null);
        for (int l = 0; l < TINY.size(); l++) assertArrayEquals(a.weights(l), b.weights(l));
    }

    @Test
    void signTransformGetsStraightThroughGradients() {
        ImageSet data = ImageSet.random(128, 3);
        Model m = Model.create(TINY, 9);
        m.setWeightTransform(2, (layer, w) -> {
            for (int i = 0; i < w.length; i++) w[i] = Math.signum(w[i]) * 0.05f;
            return w;
        });
        float[] w0 = m.weights(2);
        new Trainer(m, new TrainConfig(1, 32, 0.05, 0.9, 5e-4, Schedule.STEP, 30, 1)).trainEpoch(data, null, null);
        assertFalse(Arrays.equals(w0, m.weights(2)), "stored weights behind a transform must still train");
    }
}
