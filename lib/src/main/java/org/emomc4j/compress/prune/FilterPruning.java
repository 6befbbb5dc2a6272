package org.emomc4j.compress.prune;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;

/**
 * Structured pruning of whole filters by L1 norm (Li et al., "Pruning Filters for Efficient
 * ConvNets", the paper's baseline): in a layer with C_out filters and remaining fraction r, the
 * round(C_out*(1-r)) filters with the smallest sum |w| are removed (at least one filter is kept;
 * ties by channel index). Weights are in the engine's layout, output channel on the last axis
 * (conv HWIO, FC [in, out]), so filter j is every weight at flat index i with i % C_out == j.
 *
 * <p>A removed filter contributes nothing downstream ({@link #apply}): its weights, its BatchNorm
 * scale and shift (so its output after BatchNorm and ReLU is exactly 0, not ReLU(beta)) and the
 * next layer's input weights for its channel are masked to zero, and stay zero while the network
 * is fine-tuned. {@link #plan} counts all of them as removed, so the cost models see the weights
 * and MACs the smaller network really has. The method: {@code docs/method.md#pruning}.
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

    /**
     * Li et al.'s selection over a whole network: in every conv layer the filters with the
     * smallest L1 norms are removed, {@code round(C_out (1 - remainingFilters))} of them (at least
     * one filter stays). The FC layer's outputs are the classes and are never removed.
     *
     * @return per conv layer its kept filters (the FC layer's entry is null)
     */
    public static boolean[][] keptFilters(Model model, double remainingFilters) {
        MagnitudePruning.checkRemaining(remainingFilters);
        NetworkSpec spec = model.spec();
        boolean[][] kept = new boolean[spec.size()][];
        for (int l = 0; l < spec.size(); l++)
            if (spec.layer(l).isConv()) kept[l] = keptFilters(spec.layer(l), model.weights(l), remainingFilters);
        return kept;
    }

    /**
     * The weight mask of every layer once the filters not in {@code keptFilters} are removed: a
     * weight stays when its filter stays and its input channel comes from a kept filter of the
     * previous layer (the first layer's inputs are the image).
     */
    public static boolean[][] masks(NetworkSpec spec, boolean[][] keptFilters) {
        if (keptFilters.length != spec.size())
            throw new IllegalArgumentException("kept filters for " + keptFilters.length + " layers, " + spec.id() + " has " + spec.size());
        boolean[][] out = new boolean[spec.size()][];
        for (int l = 0; l < spec.size(); l++) {
            LayerSpec s = spec.layer(l);
            boolean[] m = keptFilters[l] == null ? all((int) s.weightCount()) : weightMask(s, keptFilters[l]);
            if (l > 0 && keptFilters[l - 1] != null) {
                boolean[] in = nextLayerMask(s, keptFilters[l - 1]);
                for (int i = 0; i < m.length; i++) m[i] &= in[i];
            }
            out[l] = m;
        }
        return out;
    }

    /**
     * Removes the filters structurally from a network: sets every layer's weight mask
     * ({@link #masks}) and the BatchNorm channel mask of every conv layer, so the removed filters
     * stay removed through fine-tuning.
     */
    public static void apply(Model model, boolean[][] keptFilters) {
        NetworkSpec spec = model.spec();
        boolean[][] m = masks(spec, keptFilters);
        for (int l = 0; l < spec.size(); l++) {
            model.setMask(l, m[l]);
            if (spec.layer(l).isConv() && keptFilters[l] != null) model.setChannelMask(l, keptFilters[l]);
        }
    }

    /**
     * The compression plan of a filter-pruned network: per layer the fraction of its weights that
     * remain (kept filters x kept input channels), every layer at {@code bits}. The cost models
     * then count the weights and MACs of the smaller network (MACs scale with r).
     */
    public static CompressionPlan plan(NetworkSpec spec, boolean[][] keptFilters, int bits) {
        boolean[][] m = masks(spec, keptFilters);
        double[] r = new double[spec.size()];
        int[] b = new int[spec.size()];
        for (int l = 0; l < spec.size(); l++) {
            r[l] = (double) MagnitudePruning.countKept(m[l]) / m[l].length;
            b[l] = bits;
        }
        return CompressionPlan.of(r, b, null);
    }

    private static boolean[] all(int n) {
        boolean[] a = new boolean[n];
        java.util.Arrays.fill(a, true);
        return a;
    }
}
