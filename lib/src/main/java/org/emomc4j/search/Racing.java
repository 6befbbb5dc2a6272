package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.moeaframework.core.Solution;
import org.moeaframework.core.comparator.DominanceComparator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Racing in stage 2 (ours, not the paper's): it cuts the cost of scoring NSGA-II's offspring
 * without changing what the search selects, within a stated confidence. A candidate is first
 * scored on the first {@code sliceImages} = n of the N scoring images; it is scored on the other
 * N - n only if it could still survive its generation.
 *
 * <p><b>The bound.</b> Let k be the images of the slice the candidate classifies correctly. The
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
 * a_opt = max(K_U / N, k / n).
 *
 * <p><b>The rule</b> ({@link #mustScore}). NSGA-II keeps {@code pop} of the population and the
 * offspring by non-dominated rank, then crowding. Let S be the members whose scores are exact (the
 * population and the offspring scored in full), F_1, F_2, ... the fronts of S alone, and F_k the
 * first front by which S holds {@code pop} members. A pending offspring is <em>raced</em> (not
 * scored further) when, at its optimistic point, (a) it dominates no member of S and (b) a member
 * of S in F_k or a later front dominates it. Any other pending offspring is scored in full and
 * joins S, and the rule is applied again until no pending offspring fails it.
 *
 * <p><b>Guarantee.</b> Dominance only weakens as a candidate's accuracy falls (constraints, which
 * are costs, are exact). So if every raced candidate's true full count is at most its K_U (an
 * event of probability at least 1 - alpha each, for a random slice), then with their true scores
 * the raced candidates still dominate no member of S, so S's fronts are those of the whole union;
 * each is dominated by a member of F_k or later, so it lies beyond F_k; and the truncation keeps
 * the same members of F_1..F_k, with the same ranks and crowding distances (computed per front, and
 * the raced candidates are in none of those fronts), in the same order. The next generation breeds
 * from the same population: the search is the one without racing, generation by generation, and
 * ends with the same front. At alpha = 0 this is certain (and races less). The rule is tied to
 * NSGA-II's survival; other algorithms are refused with racing on ({@link SearchConfig}).
 *
 * <p><b>What is recorded.</b> A raced candidate enters the truncation with its slice accuracy
 * k / n (below a_opt, so it is excluded as well) and is recorded with it, and its slice
 * correctness (n images), in {@code correctness.txt}; {@code evaluations.csv} marks it
 * {@code raced = 1}. If the same genome is bred again later and must then be scored, only the rest
 * of its images are scored and a second row (raced = 0) records its full score.
 *
 * <p><b>Resume stays exact.</b> Decisions depend only on the population and the offspring (the
 * rounds take offspring in order), not on what a shared cache ({@link EvaluationCache}) holds nor on
 * an interruption: a resumed generation makes the same decisions. Generation 0 (the initial
 * population) is always scored in full.
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

    /**
     * The full profile's racing: the first 512 of the 5,000 validation images (2 batches of 256),
     * alpha = 0.001. On the seven quick searches (replayed, 2,000 images) slices of 256-512 saved the
     * most time (5-20 % per search, 1,024: 4-15 %), never with a bound failure.
     */
    public static final Racing DEFAULT = new Racing(512, 1e-3);

    public Racing {
        if (sliceImages < 0) throw new UserError("racing slice must be >= 0 images, got " + sliceImages);
        if (!(alpha >= 0 && alpha < 0.5)) throw new UserError("racing alpha must be in [0, 0.5), got " + alpha);
    }

    public boolean enabled() { return sliceImages > 0; }

    /** How the search's summary and resume key record it. */
    public String describe() {
        return String.format(Locale.ROOT, "first %d images, hypergeometric upper bound at alpha %s, raced if it cannot survive NSGA-II's truncation",
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

    /**
     * The rule's decision for one round: the indices of the pending offspring that must be scored
     * in full, given the members scored exactly. A pending offspring may stay raced only if, at its
     * optimistic point, it dominates no exact member and is dominated by an exact member of F_k or
     * a later front, where F_k is the first front of the exact members by which they number
     * {@code survivors}. When the exact members are fewer than {@code survivors}, every pending
     * offspring would survive: all must be scored.
     *
     * @param exact      the population and the offspring scored in full (objectives and constraints set)
     * @param optimistic the pending offspring at their optimistic points
     * @param survivors  how many members NSGA-II's truncation keeps
     * @param dominance  the population's dominance relation (negative: the first dominates the second)
     */
    public static List<Integer> mustScore(List<Solution> exact, List<Solution> optimistic, int survivors, DominanceComparator dominance) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < optimistic.size(); i++) all.add(i);
        if (exact.size() < survivors) return all;
        int[] rank = ranks(exact, dominance);
        int[] perRank = new int[exact.size() + 1];
        for (int r : rank) perRank[r]++;
        int k = 0;
        for (int kept = perRank[0]; kept < survivors; kept += perRank[++k]) { }
        List<Integer> out = new ArrayList<>();
        for (int i : all) {
            Solution u = optimistic.get(i);
            boolean dominatesExact = false, excluded = false;
            for (int j = 0; j < exact.size() && !dominatesExact; j++) {
                Solution s = exact.get(j);
                if (dominance.compare(u, s) < 0) dominatesExact = true;
                else if (rank[j] >= k && dominance.compare(s, u) < 0) excluded = true;
            }
            if (dominatesExact || !excluded) out.add(i);
        }
        return out;
    }

    /** Non-dominated ranks (0: the first front) of the given members, by peeling fronts. */
    static int[] ranks(List<Solution> members, DominanceComparator dominance) {
        int m = members.size();
        int[] rank = new int[m], dominators = new int[m];
        List<List<Integer>> dominated = new ArrayList<>();
        for (int i = 0; i < m; i++) dominated.add(new ArrayList<>());
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                if (i != j && dominance.compare(members.get(i), members.get(j)) < 0) {
                    dominated.get(i).add(j);
                    dominators[j]++;
                }
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < m; i++) if (dominators[i] == 0) front.add(i);
        for (int r = 0; !front.isEmpty(); r++) {
            List<Integer> next = new ArrayList<>();
            for (int i : front) {
                rank[i] = r;
                for (int j : dominated.get(i)) if (--dominators[j] == 0) next.add(j);
            }
            front = next;
        }
        return rank;
    }
}
