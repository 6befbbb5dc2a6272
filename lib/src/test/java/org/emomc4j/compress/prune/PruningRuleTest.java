package org.emomc4j.compress.prune;

import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The three one-shot pruning rules behind {@link PruningRule}. */
class PruningRuleTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    static List<float[]> weights(long seed) {
        Random rnd = new Random(seed);
        List<float[]> w = new ArrayList<>();
        for (var l : TINY.layers()) {
            float[] v = new float[(int) l.weightCount()];
            // later layers get smaller weights, so a global threshold takes more from them
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() / (1 + l.index()));
            w.add(v);
        }
        return w;
    }

    @Test
    void perLayerKeepsTheRoundedShareOfEveryLayer() {
        var w = weights(1);
        boolean[][] m = PruningRule.PER_LAYER.masks(TINY, w, 0.3);
        for (int l = 0; l < m.length; l++)
            assertEquals(MagnitudePruning.keptCount(w.get(l).length, 0.3), MagnitudePruning.countKept(m[l]), "layer " + l);
    }

    @Test
    void globalKeepsTheShareOverallButNotPerLayer() {
        var w = weights(2);
        boolean[][] m = PruningRule.GLOBAL.masks(TINY, w, 0.3);
        long total = 0;
        for (float[] v : w) total += v.length;
        long kept = total - (long) Math.rint(total * (1 - 0.3));
        assertEquals((double) kept / total, PruningRule.keptFraction(m), 1e-15);
        double first = MagnitudePruning.countKept(m[0]) / (double) m[0].length;
        double last = MagnitudePruning.countKept(m[12]) / (double) m[12].length;
        assertTrue(first > last, "small late weights go first: layer 0 keeps " + first + ", layer 12 " + last);
    }

    @Test
    void filterRemovesWholeOutputChannels() {
        var w = weights(3);
        boolean[][] m = PruningRule.FILTER.masks(TINY, w, 0.5);
        var conv = TINY.layer(4);
        int co = conv.outChannels();
        for (int j = 0; j < co; j++) {
            boolean kept = m[4][j];
            for (int i = j; i < m[4].length; i += co) assertEquals(kept, m[4][i], "filter " + j + " is all or nothing");
        }
        boolean[] filters = FilterPruning.keptFilters(conv, w.get(4), 0.5);
        int keptFilters = 0;
        for (boolean b : filters) keptFilters += b ? 1 : 0;
        assertEquals(co - MagnitudePruning.prunedCount(co, 0.5), keptFilters);
    }

    @Test
    void applySetsTheMasksOnTheModel() {
        Model model = Model.create(TINY, 5);
        boolean[][] m = PruningRule.PER_LAYER.apply(model, 0.4);
        for (int l = 0; l < TINY.size(); l++) {
            float[] w = model.weights(l);
            for (int i = 0; i < w.length; i++) if (!m[l][i]) assertEquals(0f, w[i], "layer " + l + " weight " + i);
        }
        assertEquals(0.4, PruningRule.keptFraction(m), 0.01);
    }

    @Test
    void parsesNamesAndRefusesOthers() {
        assertSame(PruningRule.FILTER, PruningRule.parse("Filter"));
        assertSame(PruningRule.PER_LAYER, PruningRule.parse("per-layer"));
        var e = assertThrows(UserError.class, () -> PruningRule.parse("random"));
        assertTrue(e.getMessage().contains("'random'"));
        assertThrows(IllegalArgumentException.class, () -> PruningRule.PER_LAYER.masks(TINY, weights(1).subList(0, 3), 0.5));
    }
}
