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
     * The uncompressed network's (r = 1, 32 bit, the paper's baseline) correctness on the same
     * images, or null when unknown.
     */
    default Correctness uncompressedCorrectness() { return null; }
}
