package org.emomc4j.compress.prune;

import org.emomc4j.nn.LayerSpec;

/**
 * The reference's unstructured per-layer magnitude pruning: in a layer of n weights with remaining
 * fraction r, the round(n*(1-r)) smallest |w| become zero. round is Python's (half to even, as
 * {@link Math#rint}); ties in |w| are broken by position, lower index pruned first.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#pruning}.
 */
public final class MagnitudePruning {

    private MagnitudePruning() { }

    /** The reference's count of pruned weights: round(n * (1 - r)), half to even. */
    public static int prunedCount(long n, double remaining) {
        checkRemaining(remaining);
        return (int) Math.rint(n * (1.0 - remaining));
    }

    /** Number of weights kept: n - {@link #prunedCount}. */
    public static int keptCount(long n, double remaining) {
        return (int) (n - prunedCount(n, remaining));
    }

    /** The keep mask of the reference rule: false for the pruned (smallest |w|) weights. */
    public static boolean[] mask(float[] weights, double remaining) {
        int k = prunedCount(weights.length, remaining);
        boolean[] keep = new boolean[weights.length];
        java.util.Arrays.fill(keep, true);
        if (k == 0) return keep;
        long[] keys = Magnitude.keys(weights);
        Magnitude.selectSmallest(keys, k);
        for (int i = 0; i < k; i++) keep[Magnitude.position(keys[i])] = false;
        return keep;
    }

    /** Zeroes the reference rule's pruned weights in place and returns the keep mask. */
    public static boolean[] prune(float[] weights, double remaining) {
        boolean[] keep = mask(weights, remaining);
        applyMask(weights, keep);
        return keep;
    }

    /** Zeroes, in place, the weights whose mask entry is false. */
    public static float[] applyMask(float[] weights, boolean[] keep) {
        if (keep.length != weights.length)
            throw new IllegalArgumentException("mask has " + keep.length + " entries but the layer has " + weights.length + " weights");
        for (int i = 0; i < weights.length; i++) if (!keep[i]) weights[i] = 0f;
        return weights;
    }

    /** Number of true entries. */
    public static int countKept(boolean[] keep) {
        int c = 0;
        for (boolean b : keep) if (b) c++;
        return c;
    }

    /** Checks that {@code layer} has {@code n} weights. */
    static void checkLength(LayerSpec layer, float[] w) {
        if (w.length != layer.weightCount())
            throw new IllegalArgumentException("layer " + layer.name() + " has " + layer.weightCount()
                    + " weights but " + w.length + " were given");
    }

    static void checkRemaining(double r) {
        if (!(r >= 0 && r <= 1))
            throw new IllegalArgumentException("remaining fraction must be in [0, 1], got " + r);
    }
}
