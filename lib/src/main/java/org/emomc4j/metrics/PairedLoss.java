package org.emomc4j.metrics;

/**
 * The accuracy loss of a compressed network against the uncompressed one, both scored on the
 * same N images, with a 95 % interval. Only discordant images carry information: b images the
 * baseline gets right and the candidate wrong, c the other way round; the loss is (b - c) / N.
 *
 * <p>Interval (exact, McNemar-based, conditional on the n = b + c discordant images): under
 * McNemar's model b ~ Binomial(n, p); the Clopper-Pearson 95 % interval [p_lo, p_hi] of p
 * (P(X >= b | p_lo) = 0.025, P(X <= b | p_hi) = 0.025; p_lo = 0 when b = 0, p_hi = 1 when b = n)
 * maps to the loss through loss = n (2p - 1) / N, which is increasing in p. With no discordant
 * image the interval is [0, 0]. The interval is conservative (Clopper-Pearson covers at least
 * 95 %) and needs no random numbers, so a report computes the same numbers every time.
 * See docs/method.md, "Paired accuracy loss".
 *
 * @param images        N, images both networks were scored on
 * @param baselineOnly  b, images only the baseline classifies correctly
 * @param candidateOnly c, images only the candidate classifies correctly
 * @param loss          (b - c) / N, a fraction (0.003 = 0.3 points)
 * @param lower         lower end of the 95 % interval of the loss
 * @param upper         upper end of the 95 % interval of the loss
 */
public record PairedLoss(int images, int baselineOnly, int candidateOnly, double loss, double lower, double upper) {

    /** Two-sided level of the interval. */
    public static final double LEVEL = 0.95;

    /** The paired loss of {@code candidate} against {@code baseline} (scored on the same images). */
    public static PairedLoss of(Correctness baseline, Correctness candidate) {
        baseline.requireSameImages(candidate);
        return of(baseline.images(), baseline.rightWhereWrong(candidate), candidate.rightWhereWrong(baseline));
    }

    /** The paired loss from the discordant counts b and c on N images. */
    public static PairedLoss of(int images, int b, int c) {
        if (images <= 0 || b < 0 || c < 0 || b + c > images)
            throw new IllegalArgumentException("discordant counts b = " + b + ", c = " + c + " do not fit " + images + " images");
        int n = b + c;
        double loss = (double) (b - c) / images;
        if (n == 0) return new PairedLoss(images, 0, 0, 0, 0, 0);
        double alpha = (1 - LEVEL) / 2;
        double pLo = b == 0 ? 0 : solve(p -> upperTail(n, b, p) - alpha);
        double pHi = b == n ? 1 : solve(p -> alpha - lowerTail(n, b, p));
        return new PairedLoss(images, b, c, loss, n * (2 * pLo - 1) / images, n * (2 * pHi - 1) / images);
    }

    /** Whether the whole interval lies within a loss budget (its upper end at most the budget). */
    public boolean upperWithin(double budget) { return upper <= budget + 1e-12; }

    /** P(X <= k) for X ~ Binomial(n, p), summed in log space (no underflow for large n). */
    static double lowerTail(int n, int k, double p) {
        if (p <= 0) return 1;
        if (p >= 1) return k >= n ? 1 : 0;
        double lp = Math.log(p), lq = Math.log1p(-p), logC = 0, max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[k + 1];
        for (int i = 0; i <= k; i++) {
            if (i > 0) logC += Math.log((double) (n - i + 1) / i);
            terms[i] = logC + i * lp + (n - i) * lq;
            max = Math.max(max, terms[i]);
        }
        double s = 0;
        for (double t : terms) s += Math.exp(t - max);
        return Math.min(1, Math.exp(max) * s);
    }

    /** P(X >= k). */
    static double upperTail(int n, int k, double p) { return k <= 0 ? 1 : 1 - lowerTail(n, k - 1, p); }

    /** The root in (0, 1) of a function increasing in p, by bisection. */
    private static double solve(java.util.function.DoubleUnaryOperator f) {
        double lo = 0, hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
            double mid = 0.5 * (lo + hi), v = f.applyAsDouble(mid);
            if (v < 0) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
