package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;

/**
 * Measures the accuracy of a compression genome. The two-stage search uses one that loads the
 * stage-1 checkpoint for the genome's r and evaluates it with quantized weights; tests use
 * analytic stand-ins. Must be deterministic: the same genome always gives the same accuracy.
 */
public interface AccuracyOracle {

    /** Top-1 accuracy in [0, 1]. */
    double accuracy(Genome genome);

    /**
     * Which scoring images the genome's network classifies correctly, for paired accuracy losses
     * (the paper's "accuracy loss" compares two networks on the same images); its accuracy must
     * equal {@link #accuracy}. Null when this oracle does not keep per-image results.
     */
    default Correctness correctness(Genome genome) { return null; }

    /**
     * Per-image correctness on the scoring images {@code from} (inclusive) to {@code to}
     * (exclusive), in the order of the scoring set: racing scores the first images of a candidate
     * first and the rest only when needed ({@link Racing}). The two parts concatenated must equal
     * {@link #correctness(Genome)}. Null when this oracle does not keep per-image results.
     */
    default Correctness correctness(Genome genome, int from, int to) {
        Correctness all = correctness(genome);
        if (all == null) return null;
        if (from == 0 && to == all.images()) return all;
        boolean[] b = new boolean[to - from];
        for (int i = from; i < to; i++) b[i - from] = all.correct(i);
        return Correctness.of(b);
    }

    /**
     * Persists what was measured so far, for an oracle that keeps results across sessions (the
     * shared {@link EvaluationCache}); {@link SearchRun} calls it after every generation.
     */
    default void flush() throws java.io.IOException { }

    /** How many images a candidate is scored on, or -1 when unknown (racing needs it). */
    default int imageCount() { return -1; }

    /**
     * The uncompressed network's (r = 1, 32 bit, the paper's baseline) correctness on the same
     * images, or null when unknown.
     */
    default Correctness uncompressedCorrectness() { return null; }
}
