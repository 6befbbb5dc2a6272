package org.emomc4j.compress.prune;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningTest {

    static float[] random(Random rnd, int n, int distinct) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = distinct > 0 ? (rnd.nextInt(distinct) - distinct / 2) * 0.01f : (float) rnd.nextGaussian();
        return w;
    }

    /** The rule written plainly: sort positions by (|w|, index), prune the first round(n(1-r)). */
    static boolean[] bySorting(float[] w, double r) {
        Integer[] idx = new Integer[w.length];
        for (int i = 0; i < w.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(i -> Math.abs(w[i])).thenComparingInt(i -> i));
        long k = Math.round(w.length * (1 - r));
        if (Math.abs(w.length * (1 - r) - Math.floor(w.length * (1 - r)) - 0.5) < 1e-12) k = (long) Math.rint(w.length * (1 - r));
        boolean[] keep = new boolean[w.length];
        Arrays.fill(keep, true);
        for (int i = 0; i < k; i++) keep[idx[i]] = false;
        return keep;
    }

    @Property(tries = 300)
    void exactCountAndSameAsSorting(@ForAll @IntRange(min = 0, max = 3000) int n, @ForAll @DoubleRange(min = 0, max = 1) double r,
                                    @ForAll @IntRange(min = 0, max = 7) int distinct, @ForAll long seed) {
        float[] w = random(new Random(seed), n, distinct);
        boolean[] keep = MagnitudePruning.mask(w, r);
        assertEquals(n - (int) Math.rint(n * (1 - r)), MagnitudePruning.countKept(keep));
        assertArrayEquals(bySorting(w, r), keep);
        float[] pruned = w.clone();
        new DynamicPruning(l -> r).apply(null, pruned);
        float[] masked = MagnitudePruning.applyMask(w.clone(), keep);
        assertArrayEquals(masked, pruned);
    }

    @Test
    void referenceRoundingIsHalfToEven() {
        assertEquals(2, MagnitudePruning.prunedCount(5, 0.5));   // 2.5 -> 2
        assertEquals(4, MagnitudePruning.prunedCount(7, 0.5));   // 3.5 -> 4
        assertEquals(7, MagnitudePruning.prunedCount(10, 0.3));  // 10*0.7 = 6.999.. -> 7
        assertEquals(0, MagnitudePruning.prunedCount(1000, 1.0));
        assertEquals(1000, MagnitudePruning.prunedCount(1000, 0.0));
        // ties broken by position: the lower index goes first
        boolean[] keep = MagnitudePruning.mask(new float[]{1, -1, 1, 2}, 0.5);
        assertArrayEquals(new boolean[]{false, false, true, true}, keep);
    }

    @Test
    void dynamicPruningLetsWeightsComeBack() {
        LayerSpec l = NetworkSpec.vgg16().layer(0);
        float[] w = random(new Random(1), (int) l.weightCount(), 0);
        DynamicPruning p = DynamicPruning.uniform(0.3);
        float[] first = p.apply(l, w.clone());
        int zero = 0;
        for (float v : first) if (v == 0) zero++;
        assertEquals(MagnitudePruning.prunedCount(w.length, 0.3), zero);
        // a pruned weight grows: the next pass re-selects from the dense weights and keeps it
        int grown = 0;
        while (first[grown] != 0) grown++;
        w[grown] = 100f;
        assertEquals(100f, p.apply(l, w.clone())[grown]);
    }

    @Property(tries = 100)
    void globalPruningCountsAndMinimum(@ForAll @DoubleRange(min = 0.05, max = 1) double r, @ForAll long seed,
                                       @ForAll @IntRange(min = 0, max = 5) int minKept) {
        Random rnd = new Random(seed);
        List<float[]> layers = new ArrayList<>();
        layers.add(random(rnd, 50, 0));
        float[] small = random(rnd, 200, 0);
        for (int i = 0; i < small.length; i++) small[i] *= 1e-3f; // would be emptied without the minimum
        layers.add(small);
        layers.add(random(rnd, 120, 3));
        boolean[][] keep = GlobalMagnitudePruning.masks(layers, r, minKept, 0.0);
        int total = 0;
        float largestPruned = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < 3; l++) {
            int kept = MagnitudePruning.countKept(keep[l]);
            assertTrue(kept >= Math.min(minKept, layers.get(l).length));
            total += kept;
            for (int i = 0; i < keep[l].length; i++) if (!keep[l][i]) largestPruned = Math.max(largestPruned, Math.abs(layers.get(l)[i]));
        }
        assertEquals(370 - Math.rint(370 * (1 - r)), total);
        // One global threshold: a kept weight smaller than some pruned weight can only be one its layer
        // reserved (its largest minKept), so each layer has at most minKept of them.
        for (int l = 0; l < 3; l++) {
            int belowThreshold = 0;
            for (int i = 0; i < keep[l].length; i++) if (keep[l][i] && Math.abs(layers.get(l)[i]) < largestPruned) belowThreshold++;
            assertTrue(belowThreshold <= minKept, "layer " + l + " keeps " + belowThreshold + " weights below the global threshold "
                    + largestPruned + " with minimum " + minKept);
        }
    }

    @Test
    void globalPruningThresholdOnHandMadeLayers() {
        // |w| sorted over both layers: 0.1 0.2 0.3 0.4 | 1 2 | 5 6; r = 0.5 prunes the 4 smallest, all in layer 1
        List<float[]> layers = List.of(new float[]{5, -1, 6, 2}, new float[]{0.3f, -0.1f, 0.4f, 0.2f});
        boolean[][] keep = GlobalMagnitudePruning.masks(layers, 0.5, 0, 0);
        assertArrayEquals(new boolean[]{true, true, true, true}, keep[0]);
        assertArrayEquals(new boolean[]{false, false, false, false}, keep[1]);
        // r = 0.25 prunes 6: the four of layer 1, then 1 and 2 from layer 0
        keep = GlobalMagnitudePruning.masks(layers, 0.25, 0, 0);
        assertArrayEquals(new boolean[]{true, false, true, false}, keep[0]);
    }

    @Test
    void globalPruningProtectsLayersAndRejectsImpossible() {
        List<float[]> layers = List.of(new float[]{5, 6, 7, 8}, new float[]{0.1f, 0.2f, 0.3f, 0.4f});
        boolean[][] keep = GlobalMagnitudePruning.masks(layers, 0.5, 1, 0);
        // 4 of 8 pruned; layer 1 keeps its largest (0.4), so the 4th smallest is layer 0's 5
        assertArrayEquals(new boolean[]{false, true, true, true}, keep[0]);
        assertArrayEquals(new boolean[]{false, false, false, true}, keep[1]);
        keep = GlobalMagnitudePruning.masks(layers, 0.5, 0, 0.5);
        assertArrayEquals(new boolean[]{false, false, true, true}, keep[0]);
        assertArrayEquals(new boolean[]{false, false, true, true}, keep[1]);
        assertThrows(IllegalArgumentException.class, () -> GlobalMagnitudePruning.masks(layers, 0.1, 2, 0));
    }

    @Test
    void filterPruningByL1() {
        LayerSpec l = new LayerSpec(0, "c", LayerSpec.Kind.CONV, 1, 2, 4, 1, 2, 2, 2, 2, false);
        // HWIO 1x1x2x4: index = ci*4 + co
        float[] w = {1, 5, -3, 0.5f, 1, -5, 3, 0.5f};
        boolean[] kept = FilterPruning.prune(l, w, 0.5);
        assertArrayEquals(new boolean[]{false, true, true, false}, kept);
        assertArrayEquals(new float[]{0, 5, -3, 0, 0, -5, 3, 0}, w);
        LayerSpec next = new LayerSpec(1, "d", LayerSpec.Kind.CONV, 1, 4, 2, 1, 2, 2, 2, 2, false);
        boolean[] m = FilterPruning.nextLayerMask(next, kept);
        // index = ci*2 + co
        assertArrayEquals(new boolean[]{false, false, true, true, true, true, false, false}, m);
        assertFalse(FilterPruning.keptFilters(l, new float[8], 0.0)[0] && FilterPruning.keptFilters(l, new float[8], 0.0)[1]);
        assertEquals(1, MagnitudePruning.countKept(FilterPruning.keptFilters(l, w, 0.01)));
    }

    @Test
    void schedules() {
        PruningSchedule g = PruningSchedule.geometric(0.25, 32);
        assertEquals(1.0, g.remaining(0));
        assertEquals(Math.pow(0.25, 1.0 / 32), g.remaining(1), 1e-15);
        assertEquals(0.5, g.remaining(16), 1e-15);
        assertEquals(0.25, g.remaining(32));
        PruningSchedule c = PruningSchedule.cubic(0.2, 10);
        assertEquals(1.0, c.remaining(0), 1e-15);
        assertEquals(0.2, c.remaining(10));
        assertEquals(1 - 0.8 * (1 - Math.pow(0.5, 3)), c.remaining(5), 1e-12);
        for (int s = 1; s <= 10; s++) assertTrue(c.remaining(s) < c.remaining(s - 1));
        assertEquals(61, PruningSchedule.referenceTargets().size());
        assertEquals(0.2, PruningSchedule.referenceTargets().get(0));
        assertEquals(0.8, PruningSchedule.referenceTargets().get(60));
    }

    @Test
    void fixedMasksStayApplied() {
        LayerSpec l = NetworkSpec.vgg16().layer(0);
        float[] w = random(new Random(3), (int) l.weightCount(), 0);
        FixedMasks masks = new FixedMasks().put(0, MagnitudePruning.mask(w, 0.4));
        float[] changed = w.clone();
        for (int i = 0; i < changed.length; i++) changed[i] *= 10; // training moved the weights
        float[] out = masks.apply(l, changed);
        boolean[] keep = masks.get(0);
        for (int i = 0; i < out.length; i++) if (!keep[i]) assertEquals(0f, out[i]);
    }
}
