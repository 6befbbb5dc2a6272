package org.emomc4j.search;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.metrics.Correctness;
import org.junit.jupiter.api.Test;
import org.moeaframework.core.Solution;
import org.moeaframework.core.attribute.CrowdingDistance;
import org.moeaframework.core.attribute.Rank;
import org.moeaframework.core.comparator.DominanceComparator;
import org.moeaframework.core.population.NondominatedSortingPopulation;
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

    /** A two-objective member (error, energy) for NSGA-II's truncation, with an id to follow it. */
    private static Solution member(int id, double error, double energy) {
        Solution s = new Solution(0, 2);
        s.setObjectiveValue(0, error);
        s.setObjectiveValue(1, energy);
        s.setAttribute("id", id);
        return s;
    }

    /** The ids, ranks and crowding distances NSGA-II's truncation keeps of a union, in its order. */
    private static List<String> survivors(List<Solution> union, int keep) {
        NondominatedSortingPopulation p = new NondominatedSortingPopulation();
        for (Solution s : union) p.add(s.copy());
        p.truncate(keep);
        List<String> out = new ArrayList<>();
        for (Solution s : p) out.add(s.getAttribute("id") + "/" + Rank.getAttribute(s) + "/" + CrowdingDistance.getAttribute(s));
        return out;
    }

    /**
     * The law of the rule, over random populations on a coarse grid (ties and duplicates happen):
     * with every raced candidate's true error no lower than its optimistic error (the confidence
     * event), NSGA-II's truncation of the union keeps exactly the members, ranks and crowding
     * distances it keeps when the raced candidates carry any error between the two (their slice
     * accuracy is one such), and never a raced candidate.
     */
    @Property(tries = 300)
    void racedCandidatesNeverChangeWhatTheTruncationKeeps(@ForAll("seeds") long seed) {
        Random rnd = new Random(seed);
        int pop = 4 + rnd.nextInt(12), offspring = 1 + rnd.nextInt(pop);
        List<Solution> exact = new ArrayList<>();
        for (int i = 0; i < pop; i++) exact.add(member(i, rnd.nextInt(20) / 20.0, rnd.nextInt(20) / 20.0));
        List<Solution> optimistic = new ArrayList<>(), truth = new ArrayList<>(), lower = new ArrayList<>();
        for (int i = 0; i < offspring; i++) {
            double opt = rnd.nextInt(20) / 20.0, energy = rnd.nextInt(20) / 20.0;
            double err = opt + rnd.nextInt(5) / 20.0, between = opt + rnd.nextDouble() * (err - opt);
            optimistic.add(member(pop + i, opt, energy));
            truth.add(member(pop + i, err, energy));
            lower.add(member(pop + i, between, energy));
        }
        DominanceComparator dominance = new NondominatedSortingPopulation().getComparator();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < offspring; i++) pending.add(i);
        while (true) {   // the rounds EmomcProblem.race makes: promoted candidates join the exact members with their truth
            List<Solution> opt = new ArrayList<>();
            for (int i : pending) opt.add(optimistic.get(i));
            List<Integer> promote = Racing.mustScore(exact, opt, pop, dominance);
            if (promote.isEmpty()) break;
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < pending.size(); j++) {
                if (promote.contains(j)) exact.add(truth.get(pending.get(j)));
                else next.add(pending.get(j));
            }
            pending = next;
        }
        List<Solution> withTruth = new ArrayList<>(exact), withLower = new ArrayList<>(exact);
        for (int i : pending) {
            withTruth.add(truth.get(i));
            withLower.add(lower.get(i));
        }
        List<String> kept = survivors(withTruth, pop);
        assertEquals(kept, survivors(withLower, pop));
        for (int i : pending)
            assertTrue(kept.stream().noneMatch(k -> k.startsWith((pop + i) + "/")), "raced candidate " + (pop + i) + " survived");
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
     * Constructed case: a population of two front members, m (80 %, 1.0 mJ) and c (70 %, 0.5 mJ),
     * NSGA-II keeping two. An offspring at m's energy whose full score (82 %) dominates m, but
     * whose slice is pessimistic (150/200 = 75 %, below m): the bound (828 of 1,000) keeps it in the
     * race, it is scored in full and survives in m's place. An offspring whose optimistic point m
     * dominates is raced: recorded with its slice accuracy, marked, only its slice scored, and it
     * does not survive.
     */
    @Test
    void aCandidateThatWouldDominateAFrontMemberIsNeverRaced() {
        int total = 1000, n = 200;
        java.util.Map<Genome, Correctness> truth = new java.util.HashMap<>();
        CountingOracle oracle = new CountingOracle(SyntheticOracles.of(truth::get, null, total));
        Genome m = new Genome(0.5, new int[]{8, 8}), c = new Genome(0.6, new int[]{8, 8}),
                better = new Genome(0.4, new int[]{8, 8}), worse = new Genome(0.3, new int[]{8, 8});
        truth.put(better, vector(total, n, 150, 670));
        truth.put(worse, vector(total, n, 100, 500));
        CostOracle cost = new CostOracle() {
            @Override public double energyMilliJoules(Genome g) { return g.equals(worse) ? 1.1 : g.equals(c) ? 0.5 : 1.0; }
            @Override public double sizeKiB(Genome g) { return 1; }
        };
        EmomcProblem problem = new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.05"), 2, 2, 12, Objective.ENERGY,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, oracle, cost).withRacing(new Racing(n, 1e-3));
        problem.preload(List.of(new Evaluation(m, 0.80, 1.0, 1, 0), new Evaluation(c, 0.70, 0.5, 1, 0)));
        NondominatedSortingPopulation population = new NondominatedSortingPopulation();
        for (Genome g : List.of(m, c)) population.add(problem.encode(g));
        for (Solution s : population) problem.evaluate(s);
        List<Solution> offspring = List.of(problem.encode(better), problem.encode(worse));

        assertTrue(820 <= Racing.upperCount(150, n, total, 1e-3), "the constructed case lies inside the confidence event");
        problem.race(population, offspring, 2, population.getComparator());
        for (Solution s : offspring) problem.evaluate(s);
        Evaluation b = problem.cached(better), w = problem.cached(worse);
        assertFalse(b.raced());
        assertEquals(0.82, b.accuracy(), 1e-12);
        assertTrue(w.raced());
        assertEquals(0.5, w.accuracy(), 1e-12, "a raced candidate carries its slice accuracy");
        assertEquals(n, w.correct().images());
        assertEquals(total + n, oracle.images, "the better one's slice and rest, each once, and the raced one's slice");
        assertEquals(0.5, offspring.get(1).getObjectiveValue(0), 1e-12, "the raced one enters the truncation with its slice error");

        population.addAll(offspring);
        population.truncate(2);
        List<Genome> kept = new ArrayList<>();
        for (Solution s : population) kept.add(problem.decode(s));
        assertEquals(java.util.Set.of(better, c), new java.util.HashSet<>(kept));
    }

    /**
     * Racing keeps NSGA-II's search: at alpha = 0 (the certain bound) a racing search measures the
     * same genomes as the search without racing, races some, and ends with the same front and
     * population; at alpha = 0.05 it does too unless a raced candidate's bound failed.
     */
    @Test
    void aRacingSearchIsTheSearchWithoutRacing() throws Exception {
        Objective o = Objective.ENERGY;
        SearchConfig plain = SyntheticOracles.config(o, 15);
        new SearchRun(plain, SyntheticOracles.spreadProblem(o), tmp.resolve("plain")).run(false, null);
        for (Racing racing : List.of(new Racing(150, 0), new Racing(100, 0.05))) {
            Path dir = tmp.resolve("racing-" + racing.sliceImages());
            new SearchRun(plain.toBuilder().racing(racing).build(), SyntheticOracles.spreadProblem(o).withRacing(racing), dir)
                    .run(false, null);
            RacingReplay.Result r = RacingReplay.replay(tmp.resolve("plain"), racing, RemainingGrid.parse("0.20:0.80:0.01"),
                    SyntheticOracles.cost(), SyntheticOracles.LAYERS);
            java.util.Set<String> racedGenomes = new java.util.HashSet<>(), all = new java.util.HashSet<>(), plainGenomes = new java.util.HashSet<>();
            for (String[] row : SearchRun.readCsv(dir.resolve(SearchRun.EVALUATIONS))) {
                all.add(row[1]);
                if (row[8].equals("1")) racedGenomes.add(row[1]);
                else racedGenomes.remove(row[1]);
            }
            for (String[] row : SearchRun.readCsv(tmp.resolve("plain").resolve(SearchRun.EVALUATIONS))) plainGenomes.add(row[1]);
            assertEquals(racedGenomes.size(), r.raced(), "the replay races what the live search races");
            if (racing.alpha() == 0) {
                assertEquals(0, r.boundFailed());
                assertFalse(racedGenomes.isEmpty(), "the certain rule races some candidates here");
            }
            if (r.boundFailed() == 0) {
                assertEquals(plainGenomes, all, racing + ": the same genomes are met");
                assertEquals(Files.readString(tmp.resolve("plain").resolve(SearchRun.FRONT)), Files.readString(dir.resolve(SearchRun.FRONT)));
                assertEquals(population(tmp.resolve("plain")), population(dir), "the same final population, ranks and crowding distances");
                assertTrue(r.sameFront());
                assertEquals(-1, r.divergedAt());
                assertTrue(r.saved() > 0 && r.imagesRaced() < r.imagesFull(), "racing saved images: " + r);
            }
        }
    }

    /** The population stored in a search's state.json (after its checksum line). */
    private static com.fasterxml.jackson.databind.JsonNode population(Path dir) throws Exception {
        String body = Files.readString(dir.resolve(SearchState.FILE));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body.substring(body.indexOf('\n') + 1)).path("population");
    }

    /** Racing is defined on NSGA-II's survival: another algorithm with racing on is refused, naming the fix. */
    @Test
    void racingIsRefusedForAnotherAlgorithm() {
        var e = assertThrows(org.emomc4j.util.UserError.class, () -> SearchConfig.builder(Objective.ENERGY).algorithm("SPEA2")
                .racing(new Racing(512, 1e-3)).build());
        assertTrue(e.getMessage().contains("--racing off"), e.getMessage());
        assertFalse(SearchConfig.builder(Objective.ENERGY).algorithm("SPEA2").build().racing().enabled());
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

}
