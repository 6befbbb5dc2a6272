package org.emomc4j.search;

/**
 * One scored candidate: measured accuracy (fraction in [0, 1]) and modelled costs.
 *
 * @param energyMilliJoules energy of one inference on the chosen dataflow (reference model)
 * @param sizeKiB           model size under the chosen coding scheme
 * @param seconds           wall time of the accuracy measurement (0 when cached)
 */
public record Evaluation(Genome genome, double accuracy, double energyMilliJoules, double sizeKiB, double seconds) { }
