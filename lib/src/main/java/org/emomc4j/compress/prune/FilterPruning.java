package org.emomc4j.compress.prune;

import org.emomc4j.nn.LayerSpec;

/**
 * Structured pruning of whole filters by L1 norm (Li et al., "Pruning Filters for Efficient
 * ConvNets", the paper's baseline): in a layer with C_out filters and remaining fraction r, the
 * round(C_out*(1-r)) filters with the smallest sum |w| are removed (at least one filter is kept;
 * ties by channel index). Weights are in the engine's layout, output channel on the last axis
 * (conv HWIO, FC [in, out]), so filter j is every weight at flat index i with i % C_out == j.
 */
public final class FilterPruning {

    private FilterPruning() { }

    /** L1 norm of every output channel's filter. */
    public static double[] filterNorms(LayerSpec layer, float[] weights) {
        MagnitudePruning.checkLength(layer, weights);
        int co = layer.outChannels();
        double[] norms = new double[co];
        for (int i = 0; i < weights.length; i++) norms[i % co] += Math.abs(weights[i]);
        return norms;
    }

    /** Which output channels (filters) stay. */
    public static boolean[] keptFilters(LayerSpec layer, float[] weights, double remaining) {
        double[] norms = filterNorms(layer, weights);
        int co = norms.length;
        int prune = Math.min(co - 1, MagnitudePruning.prunedCount(co, remaining));
        float[] f = new float[co];
        for (int j = 0; j < co; j++) f[j] = (float) norms[j];
        boolean[] keep = new boolean[co];
        java.util.Arrays.fill(keep, true);
        if (prune <= 0) return keep;
        long[] keys = Magnitude.keys(f);
        Magnitude.selectSmallest(keys, prune);
        for (int i = 0; i < prune; i++) keep[Magnitude.position(keys[i])] = false;
        return keep;
    }

    /** Weight mask of a layer whose output channels {@code keptFilters} stay. */
    public static boolean[] weightMask(LayerSpec layer, boolean[] keptFilters) {
        int co = layer.outChannels();
        if (keptFilters.length != co)
            throw new IllegalArgumentException("layer " + layer.name() + " has " + co + " filters, mask has " + keptFilters.length);
        boolean[] m = new boolean[(int) layer.weightCount()];
        for (int i = 0; i < m.length; i++) m[i] = keptFilters[i % co];
        return m;
    }

    /**
     * Weight mask of the <em>next</em> layer once the previous layer's filters are removed: its
     * input channels from removed filters are dead. Input channel of flat index i is
     * (i / C_out) % C_in (conv HWIO; FC [in, out] when in is a multiple of the previous C_out,
     * channels last when flattened, as for VGG's 1x1 final map).
     */
    public static boolean[] nextLayerMask(LayerSpec next, boolean[] keptFiltersOfPrevious) {
        int ci = next.inChannels() / next.groups(), co = next.outChannels(), prev = keptFiltersOfPrevious.length;
        if (ci % prev != 0)
            throw new IllegalArgumentException("layer " + next.name() + " has " + ci + " inputs, not a multiple of the "
                    + prev + " filters of the previous layer");
        boolean[] m = new boolean[(int) next.weightCount()];
        for (int i = 0; i < m.length; i++) m[i] = keptFiltersOfPrevious[((i / co) % ci) % prev];
        return m;
    }

    /** Prunes in place (zeroes the removed filters) and returns the kept filters. */
    public static boolean[] prune(LayerSpec layer, float[] weights, double remaining) {
        boolean[] kept = keptFilters(layer, weights, remaining);
        MagnitudePruning.applyMask(weights, weightMask(layer, kept));
        return kept;
    }
}
