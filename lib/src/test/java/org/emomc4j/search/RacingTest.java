package org.emomc4j.search;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.metrics.Correctness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RacingTest {

    @TempDir
    Path tmp;

    /** Hand-checked with exact binomial coefficients: N = 10, n = 5, k = 2: P(X <= 2 | K = 6) = 0.2619, P(X <= 2 | K = 7) = 1/12. */
    @Test
    void upperCountMatchesTheHypergeometricByHand() {
        assertEquals(6, Racing.upperCount(2, 5, 10, 0.1));
        assertEquals(1.0 / 12, Racing.cdf(2, 5, 7, 10, logFact(10)), 1e-12);
        assertEquals(0.0, Racing.cdf(2, 5, 8, 10, logFact(10)), 1e-12, "8 correct of 10 leave at most 2 wrong: 5 drawn hold >= 3 right");
        // Computed independently (Python, exact integers): 150/200 correct of 1,000 at alpha 0.001 allows 828 correct in all.
        assertEquals(828, Racing.upperCount(150, 200, 1000, 1e-3));
        assertEquals(598, Racing.upperCount(100, 200, 1000, 1e-3));
        assertEquals(187, Racing.upperCount(30, 100, 500, 0.05));
        // alpha = 0: the certain ceiling, every image outside the slice right.
        assertEquals(800, Racing.upperCount(0, 200, 1000, 0));
    }

    private static double[] logFact(int n) {
        double[] f = new double[n + 1];
        for (int i = 1; i <= n; i++) f[i] = f[i - 1] + Math.log(i);
        return f;
    }

    /** The bound is no lower than the slice, no higher than the certain ceiling, and falls as alpha grows. */
    @Property(tries = 300)
    void boundLiesBetweenSliceAndCeiling(@ForAll @IntRange(min = 20, max = 400) int total, @ForAll @IntRange(min = 1, max = 19) int n,
                                         @ForAll @IntRange(min = 0, max = 19) int kRaw,
                                         @ForAll @DoubleRange(min = 0, max = 0.49) double alpha) {
        int k = Math.min(kRaw, n);
        int u = Racing.upperCount(k, n, total, alpha);
        assertTrue(u >= k && u <= k + total - n, "K_U " + u);
        assertTrue(Racing.optimisticAccuracy(k, n, total, alpha) >= (double) k / n);
        assertTrue(Racing.upperCount(k, n, total, alpha / 2) >= u, "a smaller alpha never lowers the bound");
        assertEquals(k + total - n, Racing.upperCount(k, n, total, 0));
    }

    /**
     * Coverage over random slices of a fixed correctness vector: the full count exceeds the bound
     * in at most about alpha of the slices (exact for a uniformly random slice; 2,000 draws, 3 sigma).
     */
    @Test
    void boundCoversTheFullCountOnRandomSlices() {
        int total = 300, correct = 240, n = 60;
        double alpha = 0.05;
        Random rnd = new Random(11);
        int misses = 0, draws = 2000;
        for (int d = 0; d < draws; d++) {
            int[] idx = new int[total];
            for (int i = 0; i < total; i++) idx[i] = i;
            for (int i = total - 1; i > 0; i--) { int j = rnd.nextInt(i + 1); int t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
            int k = 0;
            for (int i = 0; i < n; i++) if (idx[i] < correct) k++;
            if (correct > Racing.upperCount(k, n, total, alpha)) misses++;
        }
        double rate = (double) misses / draws;
        assertTrue(rate <= alpha + 3 * Math.sqrt(alpha * (1 - alpha) / draws), "miss rate " + rate);
    }

    /**
     * The law of the rule, over random correctness vectors and archives: a candidate is raced only if
     * its full point is dominated by the archive or its full count exceeds the bound (the confidence
     * event failed); so whenever the bound holds, a candidate whose full point would enter the front
     * is scored in full.
     */
    @Property(tries = 300)
    void racedOnlyIfDominatedOrBoundFailed(@ForAll("seeds") long seed) {
        Random rnd = new Random(seed);
        int total = 50 + rnd.nextInt(300), n = 1 + rnd.nextInt(total - 1);
        double alpha = rnd.nextDouble() * 0.2;
        boolean[] bits = new boolean[total];
        double p = rnd.nextDouble();
        for (int i = 0; i < total; i++) bits[i] = rnd.nextDouble() < p;
        Correctness full = Correctness.of(bits);
        double energy = rnd.nextDouble();
        List<double[]> archive = new ArrayList<>();
        for (int i = 0, m = 1 + rnd.nextInt(6); i < m; i++) archive.add(new double[]{rnd.nextDouble(), rnd.nextDouble()});
        archive = Racing.nonDominated(archive);
        int k = full.prefix(n).count();
        double opt = Racing.optimisticAccuracy(k, n, total, alpha);
        boolean raced = Racing.dominated(Racing.point(Objective.ENERGY, opt, energy, 0), archive);
        boolean fullDominated = Racing.dominated(Racing.point(Objective.ENERGY, full.accuracy(), energy, 0), archive);
        boolean boundFailed = full.count() > Racing.upperCount(k, n, total, alpha);
        if (raced) assertTrue(fullDominated || boundFailed);
        if (alpha == 0 && raced) assertTrue(fullDominated, "at alpha 0 the rule is certain");
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Long> seeds() { return net.jqwik.api.Arbitraries.longs(); }

    /** The first {@code k} of the first {@code n} images right, and {@code rest} of the others. */
    static Correctness vector(int total, int n, int k, int rest) {
        boolean[] b = new boolean[total];
        for (int i = 0; i < k; i++) b[i] = true;
        for (int i = n; i < n + rest; i++) b[i] = true;
        return Correctness.of(b);
    }

    /**
     * Constructed case: the archive's front member m (80 %, 1.0 mJ); a candidate at the same energy
     * whose full score (82 %) dominates m, but whose slice is pessimistic (150/200 = 75 %, below m).
     * The bound (828 of 1,000) keeps it in the race: it is scored in full and enters with 82 %.
     * A candidate whose optimistic point m dominates is raced: recorded with its slice accuracy,
     * marked, and only its slice scored.
     */
    @Test
    void aCandidateThatWouldDominateAFrontMemberIsNeverRaced() {
        int total = 1000, n = 200;
        java.util.Map<Genome, Correctness> truth = new java.util.HashMap<>();
        CountingOracle oracle = new CountingOracle(SyntheticOracles.of(truth::get, null, total));
        Genome m = new Genome(0.5, new int[]{8, 8}), better = new Genome(0.4, new int[]{8, 8}), worse = new Genome(0.3, new int[]{8, 8});
        truth.put(better, vector(total, n, 150, 670));
        truth.put(worse, vector(total, n, 100, 500));
        CostOracle cost = new CostOracle() {
            @Override public double energyMilliJoules(Genome g) { return g.equals(worse) ? 1.1 : 1.0; }
            @Override public double sizeKiB(Genome g) { return 1; }
        };
        EmomcProblem problem = new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.05"), 2, 2, 12, Objective.ENERGY,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, oracle, cost).withRacing(new Racing(n, 1e-3));
        problem.preload(List.of(new Evaluation(m, 0.80, 1.0, 1, 0)));
        problem.beginGeneration();
        assertEquals(1, problem.archive().size());

        assertTrue(820 <= Racing.upperCount(150, n, total, 1e-3), "the constructed case lies inside the confidence event");
        Evaluation b = problem.score(better);
        assertFalse(b.raced());
        assertEquals(0.82, b.accuracy(), 1e-12);
        assertEquals(total, oracle.images, "the slice and the rest, each once");

        Evaluation w = problem.score(worse);
        assertTrue(w.raced());
        assertEquals(0.5, w.accuracy(), 1e-12, "a raced candidate carries its slice accuracy");
        assertEquals(n, w.correct().images());
        assertEquals(total + n, oracle.images, "only the slice of the raced candidate");
    }

    /** A racing search: raced candidates are marked in evaluations.csv, never in the front, and a resumed search is exact. */
    @Test
    void racingSearchMarksRacedNeverFrontsThemAndResumesExactly() throws Exception {
        Objective o = Objective.ENERGY;
        Racing racing = new Racing(50, 0.01);
        SearchConfig cfg8 = SyntheticOracles.config(o, 8).toBuilder().racing(racing).build();
        SearchRun.Result whole = new SearchRun(cfg8, SyntheticOracles.spreadProblem(o).withRacing(racing), tmp.resolve("whole"))
                .run(false, null);
        List<String[]> rows = SearchRun.readCsv(tmp.resolve("whole").resolve(SearchRun.EVALUATIONS));
        long raced = rows.stream().filter(r -> r[8].equals("1")).count();
        assertTrue(raced > 0, "the synthetic search races some candidates");
        assertTrue(rows.stream().filter(r -> r[0].equals("0")).noneMatch(r -> r[8].equals("1")), "generation 0 is scored in full");
        for (Evaluation e : whole.front()) assertFalse(e.raced(), e.genome() + " in the front was raced");
        assertTrue(Files.readString(tmp.resolve("whole").resolve(SearchRun.EVALUATIONS)).startsWith(
                "generation,genome,remaining,bits,accuracy,energy_mJ,size_kB,seconds,raced\n"));

        Path part = tmp.resolve("part");
        new SearchRun(cfg8.toBuilder().generations(3).build(), SyntheticOracles.spreadProblem(o).withRacing(racing), part).run(false, null);
        new SearchRun(cfg8, SyntheticOracles.spreadProblem(o).withRacing(racing), part).run(true, null);
        assertEquals(Files.readString(tmp.resolve("whole").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)));
        assertEquals(strip(Files.readString(tmp.resolve("whole").resolve(SearchRun.EVALUATIONS))),
                strip(Files.readString(part.resolve(SearchRun.EVALUATIONS))), "the same candidates, the same decisions");
    }

    /** evaluations.csv without the seconds column (times differ between runs). */
    private static String strip(String csv) {
        StringBuilder sb = new StringBuilder();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            f[7] = "";
            sb.append(String.join(",", f)).append('\n');
        }
        return sb.toString();
    }

    /** The replay on a stored search without racing agrees with the rule applied live: same raced count at the same settings. */
    @Test
    void replayOfAStoredSearchCountsWhatTheRuleWouldRace() throws Exception {
        Objective o = Objective.ENERGY;
        Path dir = tmp.resolve("plain");
        new SearchRun(SyntheticOracles.config(o, 6), SyntheticOracles.spreadProblem(o), dir).run(false, null);
        RacingReplay.Result r = RacingReplay.replay(dir, new Racing(50, 0.01));
        assertEquals(SearchRun.readCsv(dir.resolve(SearchRun.EVALUATIONS)).size(), r.candidates());
        assertEquals(200, r.scoringImages());
        assertTrue(r.raced() > 0);
        assertEquals((long) r.candidates() * 200, r.imagesFull());
        assertEquals((long) r.raced() * 50 + (long) (r.candidates() - r.raced()) * 200, r.imagesRaced());
        assertTrue(r.wronglyRaced() <= r.raced());
        RacingReplay.Result certain = RacingReplay.replay(dir, new Racing(50, 0));
        assertEquals(0, certain.wronglyRaced(), "alpha 0: a raced candidate's full point is always dominated");
        assertTrue(certain.raced() <= r.raced(), "the certain rule races no more than the statistical one");
    }
}
