package org.emomc4j.compress.prune;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Schedule;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Filter pruning (Li et al.) over a whole network: a removed filter contributes nothing downstream. */
class FilterPruningNetworkTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    /** A tiny network with non-zero BatchNorm shifts, so a removed filter whose shift survived would leak ReLU(beta). */
    static Model network(long seed) {
        Model m = Model.create(TINY, seed);
        Random r = new Random(seed + 100);
        for (int l = 0; l < TINY.size() - 1; l++) {
            float[][] bn = m.batchNorm(l);
            for (int c = 0; c < bn[1].length; c++) bn[1][c] = 0.5f + r.nextFloat();
            m.setBatchNorm(l, bn[0], bn[1]);
        }
        return m;
    }

    static float[][] logits(Model m) {
        Nd4j.getRandom().setSeed(7);
        return m.logits(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 6, 32, 32, 3).subi(0.5).muli(2));
    }

    @Test
    void outputUnchangedWhenRemovedFiltersAndTheirBatchNormAreAltered() {
        Model a = network(1);
        boolean[][] kept = FilterPruning.keptFilters(a, 0.5);
        FilterPruning.apply(a, kept);
        float[][] before = logits(a);

        // The same network, but every removed filter's weights, BatchNorm scale and shift and the next
        // layer's weights reading its channel set to other (large) values before pruning.
        Model b = network(1);
        Random r = new Random(3);
        for (int l = 0; l < TINY.size() - 1; l++) {
            LayerSpec s = TINY.layer(l), next = TINY.layer(l + 1);
            int co = s.outChannels();
            float[] w = b.weights(l);
            for (int i = 0; i < w.length; i++) if (!kept[l][i % co]) w[i] = 5 * (float) r.nextGaussian();
            b.setWeights(l, w);
            float[] wn = b.weights(l + 1);
            int nco = next.outChannels(), nci = next.inChannels();
            for (int i = 0; i < wn.length; i++) if (!kept[l][((i / nco) % nci) % co]) wn[i] = 5 * (float) r.nextGaussian();
            b.setWeights(l + 1, wn);
            float[][] bn = b.batchNorm(l);
            for (int c = 0; c < co; c++) if (!kept[l][c]) { bn[0][c] = 3f; bn[1][c] = 4f + c; }
            b.setBatchNorm(l, bn[0], bn[1]);
        }
        assertFalse(java.util.Arrays.deepEquals(before, logits(b)), "the alteration must matter before pruning");
        FilterPruning.apply(b, kept);
        assertArrayEquals(before, logits(b));
    }

    @Test
    void removedFiltersStayRemovedThroughFineTuning() {
        Model m = network(2);
        boolean[][] kept = FilterPruning.keptFilters(m, 0.6);
        FilterPruning.apply(m, kept);
        boolean[][] masks = FilterPruning.masks(TINY, kept);
        new Trainer(m, new TrainConfig(1, 32, 0.05, 0.9, 5e-4, Schedule.COSINE, 30, 1)).trainEpoch(ImageSet.random(128, 4), null, null);
        for (int l = 0; l < TINY.size(); l++) {
            float[] w = m.weights(l);
            for (int i = 0; i < w.length; i++) if (!masks[l][i]) assertEquals(0f, w[i], "layer " + l + " weight " + i);
            if (l == TINY.size() - 1) continue;
            float[][] bn = m.batchNorm(l);
            for (int c = 0; c < bn[0].length; c++)
                if (!kept[l][c]) {
                    assertEquals(0f, bn[0][c], "gamma of removed filter " + c + " of layer " + l);
                    assertEquals(0f, bn[1][c], "beta of removed filter " + c + " of layer " + l);
                } else {
                    assertNotEquals(0f, bn[0][c]);
                }
        }
    }

    @Test
    void planCountsTheNextLayersDroppedInputsAsRemoved() {
        Model m = network(3);
        boolean[][] kept = FilterPruning.keptFilters(m, 0.5);
        CompressionPlan p = FilterPruning.plan(TINY, kept, 32);
        // width 1/16: layer 0 has 4 filters (3 image inputs), layer 1 has 4 filters and 4 inputs.
        int k0 = MagnitudePruning.countKept(kept[0]), k1 = MagnitudePruning.countKept(kept[1]);
        assertEquals(2, k0);
        assertEquals(k0 / 4.0, p.remaining(0), 1e-12);
        assertEquals(k1 / 4.0 * k0 / 4.0, p.remaining(1), 1e-12);
        int last = TINY.size() - 1;
        double lastKept = MagnitudePruning.countKept(kept[last - 1]) / (double) TINY.layer(last - 1).outChannels();
        assertEquals(lastKept, p.remaining(last), 1e-12, "FC: classes all kept, inputs of removed filters dropped");
        assertEquals(32, p.weightBits(5));
    }
}
