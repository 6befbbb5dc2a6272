package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;

/**
 * One scored candidate: measured accuracy (fraction in [0, 1]) and modelled costs.
 *
 * @param energyMilliJoules energy of one inference on the chosen dataflow (reference model)
 * @param sizeKiB           model size under the chosen coding scheme
 * @param seconds           wall time of the accuracy measurement (0 when cached)
 * @param correct           which of the scoring images it classified correctly (null when the
 *                          accuracy oracle does not keep them), for paired accuracy losses
 * @param raced             scored on a slice of the images only ({@link Racing}): accuracy and
 *                          correctness are the slice's, and the candidate cannot enter the front
 */
public record Evaluation(Genome genome, double accuracy, double energyMilliJoules, double sizeKiB, double seconds,
                         Correctness correct, boolean raced) {
    /** A candidate scored on every image. */
    public Evaluation(Genome genome, double accuracy, double energyMilliJoules, double sizeKiB, double seconds,
                      Correctness correct) {
        this(genome, accuracy, energyMilliJoules, sizeKiB, seconds, correct, false);
    }

    /** A candidate without per-image correctness. */
    public Evaluation(Genome genome, double accuracy, double energyMilliJoules, double sizeKiB, double seconds) {
        this(genome, accuracy, energyMilliJoules, sizeKiB, seconds, null);
    }
}
