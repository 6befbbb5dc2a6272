package org.emomc4j.util;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParallelTest {

    /** Every index of [0, n) is visited exactly once, below, at and above the parallel threshold. */
    @Property(tries = 40)
    void everyIndexOnce(@ForAll @IntRange(min = 0, max = 3 * Parallel.MIN_PARALLEL) int n) {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, (from, to) -> { for (int i = from; i < to; i++) seen.incrementAndGet(i); });
        for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " of " + n);
    }

    /** The parallel max |w| is the sequential one, wherever the largest magnitude sits and whatever its sign. */
    @Property(tries = 40)
    void maxAbsIsTheSequentialOne(@ForAll @IntRange(min = 1, max = 3 * Parallel.MIN_PARALLEL) int n, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) rnd.nextGaussian();
        w[rnd.nextInt(n)] = (rnd.nextBoolean() ? 1 : -1) * 9.5f;
        float m = 0;
        for (float v : w) m = Math.max(m, Math.abs(v));
        assertEquals(m, Parallel.maxAbs(w));
    }
}
