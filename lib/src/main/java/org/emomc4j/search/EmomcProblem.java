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
 * {@link Racing} on, a candidate is scored on a slice first and in full only if it could still
 * enter the front of the archive frozen at the start of its generation ({@link #beginGeneration}).
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
    /** The non-dominated, fully scored, feasible candidates of the generations before the current one. */
    private volatile List<double[]> archive = List.of();
    private final java.util.Set<Genome> archived = ConcurrentHashMap.newKeySet();

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

    /**
     * Freezes the archive the next generation races against: the non-dominated points of every
     * feasible candidate scored in full so far (measured or preloaded). Called by {@link SearchRun}
     * before each generation, so decisions do not depend on the order of evaluations within one.
     */
    public void beginGeneration() {
        if (!racing.enabled()) return;
        List<double[]> pts = new java.util.ArrayList<>(archive);
        for (Evaluation e : cache.values()) {
            if (e.raced() || !Racing.feasible(objective, e.energyMilliJoules(), e.sizeKiB(), sizeLimit, energyLimit)
                    || !archived.add(e.genome())) continue;
            pts.add(Racing.point(objective, e.accuracy(), e.energyMilliJoules(), e.sizeKiB()));
        }
        archive = List.copyOf(Racing.nonDominated(pts));
    }

    /** The archive of the current generation (objective points: error, then the cost(s)). */
    public List<double[]> archive() { return archive; }

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
        Evaluation e = score(decode(solution));
        fill(solution, e);
    }

    /** Scores a genome (cached). */
    public Evaluation score(Genome g) {
        Evaluation hit = cache.get(g);
        if (hit != null) return hit;
        long t0 = System.nanoTime();
        double energy = cost.energyMilliJoules(g), size = cost.sizeKiB(g);
        Evaluation e = raced(g, energy, size, t0);
        if (e == null) {
            org.emomc4j.metrics.Correctness correct = accuracy.correctness(g);
            double acc = correct != null ? correct.accuracy() : accuracy.accuracy(g);
            e = new Evaluation(g, acc, energy, size, (System.nanoTime() - t0) / 1e9, correct);
        }
        Evaluation prev = cache.putIfAbsent(g, e);
        if (prev != null) return prev;
        listener.accept(e);
        return e;
    }

    /**
     * The candidate scored under {@link Racing}: raced (slice accuracy, marked) when the archive
     * dominates its optimistic point, else scored in full from the slice and the rest; null when
     * racing does not apply (off, generation 0's empty archive, an oracle without per-image results).
     */
    private Evaluation raced(Genome g, double energy, double size, long t0) {
        List<double[]> frozen = archive;
        int n = racing.sliceImages(), total = accuracy.imageCount();
        if (!racing.enabled() || frozen.isEmpty() || total <= n) return null;
        org.emomc4j.metrics.Correctness slice = accuracy.correctness(g, 0, n);
        if (slice == null) return null;
        double optimistic = Racing.optimisticAccuracy(slice.count(), n, total, racing.alpha());
        if (Racing.dominated(Racing.point(objective, optimistic, energy, size), frozen))
            return new Evaluation(g, slice.accuracy(), energy, size, (System.nanoTime() - t0) / 1e9, slice, true);
        org.emomc4j.metrics.Correctness full = slice.concat(accuracy.correctness(g, n, total));
        return new Evaluation(g, full.accuracy(), energy, size, (System.nanoTime() - t0) / 1e9, full);
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
        for (Evaluation e : evaluations) cache.putIfAbsent(e.genome(), e);
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
