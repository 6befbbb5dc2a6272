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

    /** Runs {@code body} over [0, n) in parts; returns when every part has finished. */
    public static void forRange(int n, Range body) {
        int parts = n < MIN_PARALLEL ? 1 : Math.min(Runtime.getRuntime().availableProcessors(), n / (MIN_PARALLEL / 2));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    /** max |w| over the array (NaN-free input assumed). */
    public static float maxAbs(float[] w) {
        int parts = w.length < MIN_PARALLEL ? 1 : Runtime.getRuntime().availableProcessors();
        float[] m = new float[Math.max(1, parts)];
        if (parts <= 1) {
            float x = 0;
            for (float v : w) x = Math.max(x, Math.abs(v));
            return x;
        }
        IntStream.range(0, parts).parallel().forEach(p -> {
            float x = 0;
            for (int i = (int) ((long) w.length * p / parts), e = (int) ((long) w.length * (p + 1) / parts); i < e; i++)
                x = Math.max(x, Math.abs(w[i]));
            m[p] = x;
        });
        float x = 0;
        for (float v : m) x = Math.max(x, v);
        return x;
    }
}
