package org.emomc4j.search;

import org.moeaframework.core.Solution;
import org.moeaframework.core.constraint.LessThanOrEqual;
import org.moeaframework.core.objective.Minimize;
import org.moeaframework.core.variable.RealVariable;
import org.moeaframework.problem.AbstractProblem;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Stage 2 of EMOMC as a MOEA Framework problem. Decision variables, as in the reference, are
 * real-valued: r in [min, max] of the stage-1 grid, and one value per layer in [lo - 0.5, hi + 0.5)
 * that rounds to an integer bit-width in [lo, hi] (so every width has equal mass). Objectives are
 * minimised: error = 1 - accuracy, then energy and/or size. The other cost is a constraint
 * (size <= limit in energy mode, energy <= limit in size mode), as in the reference.
 *
 * <p>Results are cached by decoded genome: duplicates and resumed runs cost nothing. With
 * {@link Racing} on, NSGA-II's offspring are scored on a slice first and in full only if they
 * could survive the generation's truncation ({@link #race}).
 *
 * <p>The method, formulas and choices: {@code docs/method.md#stage-2-search}.
 */
public final class EmomcProblem extends AbstractProblem {

    private final RemainingGrid grid;
    private final int minBits, maxBits;
    private final Objective objective;
    private final double sizeLimit, energyLimit;
    private final AccuracyOracle accuracy;
    private final CostOracle cost;
    private final Map<Genome, Evaluation> cache = new ConcurrentHashMap<>();
    private volatile Consumer<Evaluation> listener = e -> { };
    private Racing racing = Racing.OFF;
    /** This generation's offspring as {@link #race} decided them; {@link #evaluate} answers from it first. */
    private final Map<Genome, Evaluation> decided = new java.util.HashMap<>();

    /**
     * @param layers      compressible layers (14 for VGG-16)
     * @param sizeLimit   KiB limit in energy mode (+inf for none)
     * @param energyLimit mJ limit in size mode (+inf for none)
     */
    public EmomcProblem(RemainingGrid grid, int layers, int minBits, int maxBits, Objective objective,
                        double sizeLimit, double energyLimit, AccuracyOracle accuracy, CostOracle cost) {
        super(1 + layers, objective.objectiveNames().length, objective == Objective.BOTH ? 0 : 1);
        SearchConfig.checkBits(minBits, maxBits);
        this.grid = grid;
        this.minBits = minBits;
        this.maxBits = maxBits;
        this.objective = objective;
        this.sizeLimit = sizeLimit;
        this.energyLimit = energyLimit;
        this.accuracy = accuracy;
        this.cost = cost;
    }

    /**
     * The problem a configuration describes (objective, bit range, constraint limits) on a grid of
     * remaining fractions, for a network of {@code layers} compressible layers.
     */
    public static EmomcProblem of(SearchConfig config, RemainingGrid grid, int layers, AccuracyOracle accuracy, CostOracle cost) {
        EmomcProblem p = new EmomcProblem(grid, layers, config.minBits(), config.maxBits(), config.objective(), config.sizeLimit(),
                config.energyLimit(), accuracy, cost);
        p.racing = config.racing();
        return p;
    }

    /** This problem with candidates raced ({@link Racing}); {@link Racing#OFF} scores every candidate in full. */
    public EmomcProblem withRacing(Racing r) {
        racing = java.util.Objects.requireNonNull(r, "racing");
        return this;
    }

    public Racing racing() { return racing; }

    @Override
    public String getName() { return "EMOMC-stage2-" + objective.name().toLowerCase(); }

    @Override
    public Solution newSolution() {
        Solution s = new Solution(numberOfVariables, numberOfObjectives, numberOfConstraints);
        s.setVariable(0, new RealVariable("r", grid.min(), grid.max()));
        for (int l = 1; l < numberOfVariables; l++)
            s.setVariable(l, new RealVariable("q" + (l - 1), minBits - 0.5, maxBits + 0.5 - 1e-9));
        String[] names = objective.objectiveNames();
        for (int i = 0; i < names.length; i++) s.setObjective(i, Minimize.value(names[i]));
        if (objective == Objective.ENERGY) s.setConstraint(0, LessThanOrEqual.to("size_kB", sizeLimit));
        if (objective == Objective.SIZE) s.setConstraint(0, LessThanOrEqual.to("energy_mJ", energyLimit));
        return s;
    }

    /** The genome a solution stands for: r snapped down to the grid, bit-widths rounded. */
    public Genome decode(Solution s) {
        double r = grid.snapDown(RealVariable.getReal(s.getVariable(0)));
        int[] bits = new int[numberOfVariables - 1];
        for (int l = 0; l < bits.length; l++) {
            int b = (int) Math.floor(RealVariable.getReal(s.getVariable(l + 1)) + 0.5);
            bits[l] = Math.max(minBits, Math.min(maxBits, b));
        }
        return new Genome(r, bits);
    }

    /** A solution whose variables encode the genome exactly (for seeding and re-scoring). */
    public Solution encode(Genome g) {
        Solution s = newSolution();
        ((RealVariable) s.getVariable(0)).setValue(g.remaining());
        for (int l = 0; l < g.layers(); l++) ((RealVariable) s.getVariable(l + 1)).setValue(g.bits(l));
        return s;
    }

    @Override
    public void evaluate(Solution solution) {
        Genome g = decode(solution);
        Evaluation e = decided.get(g);
        fill(solution, e != null ? e : score(g));
    }

    /** Scores a genome on every image (cached; a genome raced earlier is completed from its slice). */
    public Evaluation score(Genome g) {
        Evaluation hit = cache.get(g);
        if (hit != null && !hit.raced()) return hit;
        if (hit != null) return complete(g, hit.correct(), 0);
        long t0 = System.nanoTime();
        double energy = cost.energyMilliJoules(g), size = cost.sizeKiB(g);
        org.emomc4j.metrics.Correctness correct = accuracy.correctness(g);
        double acc = correct != null ? correct.accuracy() : accuracy.accuracy(g);
        return record(new Evaluation(g, acc, energy, size, (System.nanoTime() - t0) / 1e9, correct));
    }

    /** Caches a measured evaluation (a full one replaces a raced one) and reports it once. */
    private Evaluation record(Evaluation e) {
        Evaluation prev = cache.get(e.genome());
        if (prev != null && (e.raced() || !prev.raced())) return prev;
        cache.put(e.genome(), e);
        listener.accept(e);
        return e;
    }

    /**
     * Decides a generation's offspring under {@link Racing} before NSGA-II evaluates them: in order,
     * each is scored on the slice (unless known in full) and, if {@link Racing#mustScore} names it
     * against the members exact so far, on the rest at once; then, in rounds against all exact
     * members, the pending ones it names are scored on the rest, until every pending one provably
     * cannot survive the truncation to {@code survivors}; those stay raced. {@link #evaluate} then answers from
     * these decisions. Offspring are taken in order and each genome is measured at most once, so
     * the decisions, and the rows of {@code evaluations.csv}, depend only on the population and the
     * offspring (a resumed run makes the same ones).
     *
     * @param population the current population (scored in full, objectives set)
     * @param offspring  this generation's offspring, not yet evaluated
     * @param survivors  how many members the truncation keeps (the population size)
     * @param dominance  the population's dominance relation (constraints first, then Pareto)
     */
    public void race(Iterable<Solution> population, List<Solution> offspring, int survivors,
                     org.moeaframework.core.comparator.DominanceComparator dominance) {
        decided.clear();
        if (!racing.enabled() || accuracy.imageCount() <= racing.sliceImages()) return;
        int n = racing.sliceImages();
        List<Solution> exact = new java.util.ArrayList<>();
        for (Solution s : population) exact.add(s);
        Map<Genome, Integer> copies = new java.util.LinkedHashMap<>();
        for (Solution child : offspring) copies.merge(decode(child), 1, Integer::sum);
        Map<Genome, org.emomc4j.metrics.Correctness> pending = new java.util.LinkedHashMap<>();
        Map<Genome, Double> sliceSeconds = new java.util.HashMap<>();
        for (Genome g : copies.keySet()) {
            Evaluation known = cache.get(g);
            if (known != null && !known.raced()) {
                decide(g, known, copies, exact);
                continue;
            }
            org.emomc4j.metrics.Correctness slice = known != null ? known.correct() : null;
            if (known == null) {
                long t0 = System.nanoTime();
                slice = accuracy.correctness(g, 0, n);
                sliceSeconds.put(g, (System.nanoTime() - t0) / 1e9);
            }
            if (slice == null) decide(g, score(g), copies, exact);   // an oracle without per-image results
            // Decided at once against what is exact so far, so a promoted candidate's rest is scored right
            // after its slice (its prepared network reused); the rounds below re-check the raced ones.
            else if (!Racing.mustScore(exact, List.of(optimistic(g, slice)), survivors, dominance).isEmpty())
                decide(g, complete(g, slice, sliceSeconds.getOrDefault(g, 0.0)), copies, exact);
            else pending.put(g, slice);
        }
        while (!pending.isEmpty()) {
            List<Genome> open = List.copyOf(pending.keySet());
            List<Solution> optimistic = new java.util.ArrayList<>();
            for (Genome g : open) optimistic.add(optimistic(g, pending.get(g)));
            List<Integer> promote = Racing.mustScore(exact, optimistic, survivors, dominance);
            if (promote.isEmpty()) break;
            for (int i : promote) {
                Genome g = open.get(i);
                decide(g, complete(g, pending.remove(g), sliceSeconds.getOrDefault(g, 0.0)), copies, exact);
            }
        }
        for (Map.Entry<Genome, org.emomc4j.metrics.Correctness> p : pending.entrySet()) {
            Genome g = p.getKey();
            decided.put(g, record(new Evaluation(g, p.getValue().accuracy(), cost.energyMilliJoules(g), cost.sizeKiB(g),
                    sliceSeconds.getOrDefault(g, 0.0), p.getValue(), true)));
        }
    }

    /** A pending genome at its optimistic point (slice bound on accuracy, exact costs). */
    private Solution optimistic(Genome g, org.emomc4j.metrics.Correctness slice) {
        Solution s = encode(g);
        fill(s, new Evaluation(g, Racing.optimisticAccuracy(slice.count(), slice.images(), accuracy.imageCount(), racing.alpha()),
                cost.energyMilliJoules(g), cost.sizeKiB(g), 0));
        return s;
    }

    /** A genome decided in full: it joins the exact members once per copy among the offspring. */
    private void decide(Genome g, Evaluation e, Map<Genome, Integer> copies, List<Solution> exact) {
        decided.put(g, e);
        for (int c = 0; c < copies.get(g); c++) {
            Solution s = encode(g);
            fill(s, e);
            exact.add(s);
        }
    }

    /** A genome scored on the slice completed with the rest of the images (the slice is not scored again). */
    private Evaluation complete(Genome g, org.emomc4j.metrics.Correctness slice, double sliceSeconds) {
        long t0 = System.nanoTime();
        org.emomc4j.metrics.Correctness full = slice.concat(accuracy.correctness(g, slice.images(), accuracy.imageCount()));
        return record(new Evaluation(g, full.accuracy(), cost.energyMilliJoules(g), cost.sizeKiB(g),
                sliceSeconds + (System.nanoTime() - t0) / 1e9, full));
    }

    /** Writes an evaluation's objectives and constraint into a solution. */
    public void fill(Solution s, Evaluation e) {
        s.setObjectiveValue(0, 1.0 - e.accuracy());
        switch (objective) {
            case ENERGY -> {
                s.setObjectiveValue(1, e.energyMilliJoules());
                s.setConstraintValue(0, e.sizeKiB());
            }
            case SIZE -> {
                s.setObjectiveValue(1, e.sizeKiB());
                s.setConstraintValue(0, e.energyMilliJoules());
            }
            case BOTH -> {
                s.setObjectiveValue(1, e.energyMilliJoules());
                s.setObjectiveValue(2, e.sizeKiB());
            }
        }
        s.setAttribute("genome", e.genome().key());
    }

    /** Pre-loads results (resume): they are not re-measured and not reported to the listener. */
    public void preload(Iterable<Evaluation> evaluations) {
        for (Evaluation e : evaluations) {
            Evaluation prev = cache.get(e.genome());
            if (prev == null || prev.raced() && !e.raced()) cache.put(e.genome(), e);
        }
    }

    /** Called once per newly measured genome (from the evaluating thread). */
    public void setListener(Consumer<Evaluation> listener) { this.listener = listener; }

    /** The evaluation of a genome measured (or preloaded) so far, or null. */
    public Evaluation cached(Genome g) { return cache.get(g); }

    public Objective objective() { return objective; }

    public RemainingGrid grid() { return grid; }

    public int minBits() { return minBits; }

    public int maxBits() { return maxBits; }

    public CostOracle cost() { return cost; }

    public AccuracyOracle accuracyOracle() { return accuracy; }

    public int cachedCount() { return cache.size(); }
}
