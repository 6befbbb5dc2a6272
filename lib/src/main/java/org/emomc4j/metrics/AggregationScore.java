package org.emomc4j.metrics;

import java.util.List;

/**
 * Our aggregation score for the paper's Fig. 7, NOT the paper's formula (which sits on a part of
 * its pages that could not be read). The paper's score rewards accuracy with a weight r and
 * penalises energy with a weight tau, for r/tau = 5, 1 and 0.2, normalised so the uncompressed
 * network scores 1. Ours, with w = r/tau:
 * <pre>
 *   S_w = (E0 / E) * (a / a0)^w
 * </pre>
 * where (E0, a0) are the uncompressed network's energy and accuracy and (E, a) the plan's. The
 * energy ratio is the paper's gain; the accuracy ratio raised to w makes a larger w punish lost
 * accuracy harder. S_w(E0, a0) = 1 for every w. Along a front (energy falling as accuracy falls)
 * the score usually has one peak, the trade-off the weighting prefers ({@link #peak}).
 * See docs/method.md, "Aggregation score (ours)".
 */
public final class AggregationScore {
    private AggregationScore() { }

    /** The paper's three weightings r/tau. */
    public static final double[] PAPER_WEIGHTS = {5, 1, 0.2};

    /** Our score of a plan (see the class comment); 1 for the uncompressed network. */
    public static double score(double accuracy, double cost, double baselineAccuracy, double baselineCost, double weight) {
        if (!(baselineAccuracy > 0) || !(baselineCost > 0) || !(cost > 0))
            throw new IllegalArgumentException("the score needs positive costs and baseline accuracy, got cost " + cost
                    + ", baseline " + baselineCost + " / " + baselineAccuracy);
        return baselineCost / cost * Math.pow(Math.max(0, accuracy) / baselineAccuracy, weight);
    }

    /** The index of the highest-scoring member of a front (-1 when empty). */
    public static int peak(List<Gains.Candidate> front, Gains.Baseline baseline, double weight) {
        int at = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < front.size(); i++) {
            double s = score(front.get(i).accuracy(), front.get(i).cost(), baseline.accuracy(), baseline.cost(), weight);
            if (s > best) {
                best = s;
                at = i;
            }
        }
        return at;
    }
}
