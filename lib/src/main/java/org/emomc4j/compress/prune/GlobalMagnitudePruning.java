package org.emomc4j.compress.prune;

import java.util.List;

/**
 * Global magnitude pruning (Global MP): one threshold over the weights of all layers, so layers
 * with many small weights lose more; a minimum kept per layer stops a layer from being emptied.
 * The total pruned is round(N*(1-R)) of all N weights (half to even); ties broken by layer, then
 * position. Each layer first reserves its largest {@code max(minKept, ceil(minKeptFraction*n))}
 * weights (capped at n); the rest compete globally.
 */
public final class GlobalMagnitudePruning {

    private GlobalMagnitudePruning() { }

    /**
     * @param layers          the weights of every layer (not modified)
     * @param remaining       global remaining fraction R in [0, 1]
     * @param minKept         minimum weights kept per layer (>= 0)
     * @param minKeptFraction minimum fraction kept per layer, in [0, 1]
     * @return keep masks, one per layer
     * @throws IllegalArgumentException if the minimums make R unreachable
     */
    public static boolean[][] masks(List<float[]> layers, double remaining, int minKept, double minKeptFraction) {
        MagnitudePruning.checkRemaining(remaining);
        if (minKept < 0) throw new IllegalArgumentException("minimum kept per layer must be >= 0, got " + minKept);
        if (!(minKeptFraction >= 0 && minKeptFraction <= 1))
            throw new IllegalArgumentException("minimum kept fraction per layer must be in [0, 1], got " + minKeptFraction);
        long total = 0;
        for (float[] w : layers) total += w.length;
        if (total >= (1L << 32)) throw new IllegalArgumentException("too many weights for global pruning: " + total);
        long prune = (long) Math.rint(total * (1.0 - remaining));
        // reserve each layer's largest weights
        boolean[][] keep = new boolean[layers.size()][];
        long candidates = 0;
        int[] reserve = new int[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            int n = layers.get(l).length;
            keep[l] = new boolean[n];
            java.util.Arrays.fill(keep[l], true);
            reserve[l] = (int) Math.min(n, Math.max(minKept, (long) Math.ceil(minKeptFraction * n - 1e-9)));
            candidates += n - reserve[l];
        }
        if (prune > candidates)
            throw new IllegalArgumentException("global remaining fraction " + remaining + " needs " + prune
                    + " weights pruned but the per-layer minimums leave only " + candidates + " prunable");
        if (prune == 0) return keep;
        long[] keys = new long[(int) candidates];
        int c = 0;
        long offset = 0;
        int[] layerOf = new int[layers.size() + 1];
        long[] offsets = new long[layers.size() + 1];
        for (int l = 0; l < layers.size(); l++) {
            float[] w = layers.get(l);
            offsets[l] = offset;
            long[] lk = Magnitude.keys(w);
            // the (n - reserve) smallest of the layer are candidates, the rest reserved
            int cand = w.length - reserve[l];
            Magnitude.selectSmallest(lk, cand);
            for (int i = 0; i < cand; i++) keys[c++] = (lk[i] & 0xffffffff00000000L) | (offset + Magnitude.position(lk[i]));
            offset += w.length;
        }
        offsets[layers.size()] = offset;
        Magnitude.selectSmallest(keys, (int) prune);
        for (int i = 0; i < prune; i++) {
            long pos = keys[i] & 0xffffffffL;
            int l = layerOfPosition(offsets, pos);
            keep[l][(int) (pos - offsets[l])] = false;
        }
        return keep;
    }

    private static int layerOfPosition(long[] offsets, long pos) {
        int lo = 0, hi = offsets.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= pos) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
