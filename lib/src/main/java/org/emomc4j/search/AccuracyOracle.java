package org.emomc4j.search;

/**
 * Measures the accuracy of a compression genome. The two-stage search uses one that loads the
 * stage-1 checkpoint for the genome's r and evaluates it with quantized weights; tests use
 * analytic stand-ins. Must be deterministic: the same genome always gives the same accuracy.
 */
public interface AccuracyOracle {

    /** Top-1 accuracy in [0, 1]. */
    double accuracy(Genome genome);
}
