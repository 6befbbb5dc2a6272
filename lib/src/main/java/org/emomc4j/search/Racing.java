package org.emomc4j.search;

import org.emomc4j.util.UserError;

import java.util.Collection;
import java.util.Locale;

/**
 * Racing in stage 2 (ours, not the paper's; it cuts the cost of scoring candidates without
 * changing what the search selects, within a stated confidence). A candidate is first scored on
 * the first {@code sliceImages} = n of the N scoring images; it is scored on the other N - n only
 * if it could still enter the front.
 *
 * <p><b>The rule.</b> Let k be the images of the slice the candidate classifies correctly. The
 * slice is the first n images of the scoring set (the validation split, a seeded class-balanced
 * selection kept in CIFAR-10's own shuffled order, so its first images are a random-like part of
 * it). Treating the slice as n images drawn without replacement from the N, the exact one-sided
 * upper confidence bound of the full count at error level alpha is
 * <pre>
 *   K_U = max { K in [k, k + N - n] : P(X &lt;= k | hypergeometric N, K, n) &gt;= alpha }
 * </pre>
 * (hypergeometric, not Clopper-Pearson: the full set is finite and contains the slice, so the
 * bound is exact for it, tighter than the binomial one and never above the certain ceiling
 * k + N - n, which it equals at alpha = 0). The candidate's <em>optimistic point</em> is its
 * exact costs (energy and size are modelled, not measured) with accuracy
 * a_opt = max(K_U / N, k / n). It is <em>raced</em> (not scored further) when a fully scored,
 * feasible member of the search's non-dominated archive dominates the optimistic point in the
 * search's objectives (error and energy, or error and size).
 *
 * <p><b>Guarantee.</b> If the candidate's true full count is at most K_U (an event of probability
 * at least 1 - alpha for a random slice), its full point is dominated too, so racing never drops
 * a candidate whose full score would enter the archive's front: a raced candidate fails the rule
 * only when the confidence event fails. At alpha = 0 the rule is certain (and races little).
 *
 * <p><b>Not guaranteed: the same trajectory.</b> A raced candidate takes part in NSGA-II's sorting
 * and crowding of the later fronts with its slice accuracy, so which dominated members survive and
 * breed can change, and with it the rest of the search (measured on the quick run: identical until
 * generation 1, different from generation 2; README, "Racing"). {@link #OFF} keeps the paper's search.
 *
 * <p><b>What is recorded.</b> A raced candidate enters the search with its slice accuracy k / n
 * (an unbiased estimate, which the optimistic point bounds from above, so it is dominated as well)
 * and its slice correctness (n images) in {@code correctness.txt}; {@code evaluations.csv} marks
 * it {@code raced = 1}. A raced candidate never enters {@code front.csv}: the algorithm's front is
 * reported over fully scored members only.
 *
 * <p><b>Resume stays exact.</b> The archive a generation races against is frozen when the
 * generation starts ({@link EmomcProblem#beginGeneration}): the non-dominated fully scored
 * candidates of all earlier generations, which a resumed run rebuilds from {@code evaluations.csv}.
 * Decisions therefore depend neither on the order of evaluations inside a generation nor on an
 * interruption, nor on what a shared cache ({@link EvaluationCache}) happens to hold: a raced
 * candidate is recorded with its slice accuracy even when its full correctness is cached.
 * Generation 0 (the initial population) is always scored in full.
 *
 * <p><b>Where it applies.</b> Only where the accuracy oracle keeps per-image correctness and knows
 * its image count ({@link AccuracyOracle#imageCount}); with another oracle (the ablations'
 * fine-tuning ones) every candidate is scored in full, whatever the configuration says.
 *
 * <p><b>Cost.</b> A raced candidate costs n of N image passes; a promoted one costs N (the slice
 * is not scored twice: the rest is scored and appended). Slices that are a multiple of the
 * evaluation batch keep the rest batched as a whole-set pass would ({@link CheckpointAccuracy}).
 *
 * @param sliceImages n, the first images a candidate is scored on first (0: racing off)
 * @param alpha       the bound's one-sided error level (0 &lt;= alpha &lt; 0.5)
 */
public record Racing(int sliceImages, double alpha) {

    /** No racing: every candidate is scored on every image (the paper's search). */
    public static final Racing OFF = new Racing(0, 0);

    /** The full profile's racing: the first 1,024 of the 5,000 validation images (4 batches of 256), alpha = 0.001. */
    public static final Racing DEFAULT = new Racing(1024, 1e-3);

    public Racing {
        if (sliceImages < 0) throw new UserError("racing slice must be >= 0 images, got " + sliceImages);
        if (!(alpha >= 0 && alpha < 0.5)) throw new UserError("racing alpha must be in [0, 0.5), got " + alpha);
    }

    public boolean enabled() { return sliceImages > 0; }

    /** How the search's summary and resume key record it. */
    public String describe() {
        return String.format(Locale.ROOT, "first %d images, hypergeometric upper bound at alpha %s, raced if dominated",
                sliceImages, alpha);
    }

    /**
     * K_U: the largest full count K in [k, k + total - n] with P(X &lt;= k) &gt;= alpha for X
     * hypergeometric (total images, K correct, n drawn).
     */
    public static int upperCount(int k, int n, int total, double alpha) {
        if (n < 1 || n > total || k < 0 || k > n)
            throw new IllegalArgumentException("slice of " + k + "/" + n + " correct of " + total + " images");
        int lo = k, hi = k + total - n;
        double[] logFact = logFactorials(total);
        // P(X <= k | K) falls as K grows: binary search for the last K where it is still >= alpha.
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (cdf(k, n, mid, total, logFact) >= alpha) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** a_opt = max(K_U / total, k / n): the accuracy of the candidate's optimistic point. */
    public static double optimisticAccuracy(int k, int n, int total, double alpha) {
        return Math.max((double) upperCount(k, n, total, alpha) / total, (double) k / n);
    }

    /** P(X &lt;= k) for X hypergeometric: population total with K successes, n drawn. */
    static double cdf(int k, int n, int K, int total, double[] logFact) {
        int xMin = Math.max(0, n - (total - K)), xMax = Math.min(k, Math.min(n, K));
        if (xMax < xMin) return 0;
        double logDen = logChoose(total, n, logFact), p = 0;
        for (int x = xMin; x <= xMax; x++)
            p += Math.exp(logChoose(K, x, logFact) + logChoose(total - K, n - x, logFact) - logDen);
        return Math.min(1, p);
    }

    private static double logChoose(int a, int b, double[] logFact) { return logFact[a] - logFact[b] - logFact[a - b]; }

    private static double[] cached = new double[0];

    private static synchronized double[] logFactorials(int n) {
        if (cached.length <= n) {
            double[] f = new double[n + 1];
            for (int i = 1; i <= n; i++) f[i] = f[i - 1] + Math.log(i);
            cached = f;
        }
        return cached;
    }

    /** A candidate's minimised objective point in a search of an objective: error, then the cost(s). */
    public static double[] point(Objective objective, double accuracy, double energyMilliJoules, double sizeKiB) {
        return switch (objective) {
            case ENERGY -> new double[]{1 - accuracy, energyMilliJoules};
            case SIZE -> new double[]{1 - accuracy, sizeKiB};
            case BOTH -> new double[]{1 - accuracy, energyMilliJoules, sizeKiB};
        };
    }

    /** Whether a candidate meets the search's constraint (the other cost's limit; none with both objectives). */
    public static boolean feasible(Objective objective, double energyMilliJoules, double sizeKiB, double sizeLimit, double energyLimit) {
        return switch (objective) {
            case ENERGY -> sizeKiB <= sizeLimit;
            case SIZE -> energyMilliJoules <= energyLimit;
            case BOTH -> true;
        };
    }

    /**
     * Whether a point (minimised objectives) is dominated by one of the archive's points: no worse
     * in every objective and better in one.
     */
    public static boolean dominated(double[] point, Collection<double[]> archive) {
        for (double[] a : archive) {
            boolean noWorse = true, better = false;
            for (int i = 0; i < point.length; i++) {
                if (a[i] > point[i]) { noWorse = false; break; }
                if (a[i] < point[i]) better = true;
            }
            if (noWorse && better) return true;
        }
        return false;
    }

    /** The non-dominated points among the given ones (duplicates kept once). */
    public static java.util.List<double[]> nonDominated(Collection<double[]> points) {
        java.util.List<double[]> out = new java.util.ArrayList<>();
        for (double[] p : points) {
            if (dominated(p, points)) continue;
            boolean dup = false;
            for (double[] q : out) if (java.util.Arrays.equals(p, q)) { dup = true; break; }
            if (!dup) out.add(p);
        }
        return out;
    }
}
