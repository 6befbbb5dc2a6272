package org.emomc4j.util;

import java.util.stream.IntStream;

/**
 * Element-wise loops over large weight arrays split into one contiguous part per core (the
 * common fork-join pool plus the caller). Used where a candidate's weights are quantized and
 * checked between oneDNN passes, when the cores would otherwise idle; every part computes exactly
 * what the sequential loop computes for its indices, so results do not depend on the split.
 */
public final class Parallel {
    private Parallel() { }

    /** Arrays shorter than this are done in the calling thread (splitting costs more than it saves). */
    public static final int MIN_PARALLEL = 1 << 16;

    /** A loop body over the indices [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** How many parts an array of n elements is split into (1: the calling thread alone). */
    private static int parts(int n) {
        return n < MIN_PARALLEL ? 1 : Math.min(Runtime.getRuntime().availableProcessors(), n / (MIN_PARALLEL / 2));
    }

    /** Runs {@code body} over [0, n) in parts; returns when every part has finished. */
    public static void forRange(int n, Range body) {
        int parts = parts(n);
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    /** max |w| over the array (NaN-free input assumed): each part's maximum, then the largest of them. */
    public static float maxAbs(float[] w) {
        int parts = parts(w.length);
        float[] m = new float[parts];
        int[] next = {0};
        forRange(w.length, (from, to) -> {
            float x = 0;
            for (int i = from; i < to; i++) x = Math.max(x, Math.abs(w[i]));
            synchronized (m) { m[next[0]++] = x; }
        });
        float x = 0;
        for (float v : m) x = Math.max(x, v);
        return x;
    }
}
