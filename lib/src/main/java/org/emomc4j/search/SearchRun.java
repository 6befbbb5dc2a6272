package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.util.AtomicFiles;
import org.emomc4j.util.Csv;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;
import org.moeaframework.core.attribute.CrowdingDistance;
import org.moeaframework.core.attribute.Fitness;
import org.moeaframework.core.attribute.Rank;
import org.moeaframework.core.indicator.Hypervolume;
import org.moeaframework.core.population.NondominatedPopulation;
import org.moeaframework.core.variable.RealVariable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Runs stage 2 in a run directory, one generation at a time, and after every generation writes
 * atomically: {@code evaluations.csv} (every measured candidate), {@code front.csv} (the current
 * front), {@code progress.csv} (hypervolume per generation, fixed reference point) and
 * {@code state.json} (the algorithm's population, {@link SearchState}), and, when the accuracy
 * oracle keeps them, {@code correctness.txt}: every measured candidate's and the uncompressed
 * network's per-image correctness on the scoring images ({@link CorrectnessFile}). A run killed at any moment and resumed ends with
 * the same front as an uninterrupted one: the random generator is re-seeded from (seed,
 * generation) before every generation, so no generator state needs saving, and measured
 * accuracies come back from {@code evaluations.csv} instead of being measured again.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#stage-2-search}.
 */
public final class SearchRun {

    public static final String EVALUATIONS = "evaluations.csv", FRONT = "front.csv", PROGRESS = "progress.csv",
            STATE = SearchState.FILE, CORRECTNESS = "correctness.txt";

    /** One generation's progress, for progress bars and the progress CSV. */
    public record Progress(int generation, int generations, int evaluations, int measured, double hypervolume,
                           int frontSize, double elapsedSeconds) { }

    /**
     * The end of a run.
     *
     * @param generationsRun generations this call ran (0 when it resumed a finished search)
     * @param measured       genomes this call measured (cache misses of the accuracy oracle)
     */
    public record Result(List<Evaluation> front, List<Progress> progress, List<Evaluation> evaluations, double seconds,
                         int generationsRun, int measured) { }

    private final SearchConfig config;
    private final EmomcProblem problem;
    private final Path dir;
    private final double[] hvMin, hvMax;
    private java.util.Optional<Correctness> uncompressed;

    public SearchRun(SearchConfig config, EmomcProblem problem, Path dir) {
        this.config = config;
        this.problem = problem;
        this.dir = dir;
        if (problem.objective() != config.objective())
            throw new IllegalArgumentException("problem objective " + problem.objective() + " differs from config " + config.objective());
        // Fixed hypervolume box: error in [0, 1]; costs in [0, cost of the least compressed genome].
        int n = problem.getNumberOfVariables() - 1;
        int[] maxBits = new int[n];
        java.util.Arrays.fill(maxBits, problem.maxBits());
        Genome heaviest = new Genome(problem.grid().max(), maxBits);
        double e = problem.cost().energyMilliJoules(heaviest), s = problem.cost().sizeKiB(heaviest);
        hvMin = new double[problem.getNumberOfObjectives()];
        hvMax = switch (config.objective()) {
            case ENERGY -> new double[]{1, e};
            case SIZE -> new double[]{1, s};
            case BOTH -> new double[]{1, e, s};
        };
    }

    /** The fixed hypervolume reference box (upper corner), recorded in summary.json. */
    public double[] hypervolumeReference() { return hvMax.clone(); }

    /**
     * Runs (or resumes) the search.
     *
     * @param resume continue from {@value SearchState#FILE} if present; otherwise the directory must not hold a search
     */
    public Result run(boolean resume, Consumer<Progress> onGeneration) throws IOException {
        if (Files.exists(dir.resolve(SearchState.LEGACY_FILE)) && !Files.exists(dir.resolve(SearchState.FILE)))
            throw new UserError("run directory " + dir + " holds " + SearchState.LEGACY_FILE + ", a search state of an older emomc4j "
                    + "written with Java serialization; it is not read (a file from elsewhere could run code): start the search "
                    + "again in another directory");
        try (RunDirectory claim = RunDirectory.claim(dir, config.resumeKey(), resume)) {
            return runClaimed(resume, onGeneration);
        }
    }

    private Result runClaimed(boolean resume, Consumer<Progress> onGeneration) throws IOException {
        long t0 = System.nanoTime();
        boolean racing = config.racing().enabled();
        Path stateFile = dir.resolve(SearchState.FILE);
        List<String> evalRows = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        List<Progress> progress = new ArrayList<>();
        int[] generation = {0};
        problem.setListener(ev -> {
            synchronized (evalRows) {
                evaluations.add(ev);
                evalRows.add(evaluationRow(generation[0], ev, racing));
            }
        });
        try {
            StageTwoAlgorithm algorithm = SearchAlgorithms.create(config, problem);
            int done = -1, preloaded = 0;
            double priorSeconds = 0;
            if (resume && Files.exists(stateFile)) {
                SearchState st = SearchState.read(stateFile);
                config.resumeKey().requireSameAs(st.key(), stateFile);
                done = st.generation();
                priorSeconds = st.seconds();
                java.util.Map<String, Correctness> stored = CorrectnessFile.read(dir.resolve(CORRECTNESS));
                for (String[] row : readCsv(dir.resolve(EVALUATIONS))) {
                    if (Integer.parseInt(row[0]) > done) continue; // written after the last saved state
                    Evaluation ev = parseEvaluation(row, stored.get(row[1]), config.racing().sliceImages());
                    evaluations.add(ev);
                    evalRows.add(evaluationRow(Integer.parseInt(row[0]), ev, racing));
                }
                problem.preload(evaluations);
                preloaded = evaluations.size();
                algorithm.restore(rebuild(st, stateFile), st.evaluations());
                for (Progress p : readProgress(dir)) {
                    if (p.generation() <= done)
                        progress.add(new Progress(p.generation(), config.generations(), p.evaluations(), p.measured(),
                                p.hypervolume(), p.frontSize(), p.elapsedSeconds()));
                }
            }
            for (int g = done + 1; g <= config.generations(); g++) {
                generation[0] = g;
                PRNG.setRandom(new Random(mix(config.seed(), g)));
                algorithm.step(); // g == 0: the initial population
                if (algorithm.getNumberOfEvaluations() != config.evaluationsAfter(g))
                    throw new IllegalStateException(config.algorithm() + " made " + algorithm.getNumberOfEvaluations()
                            + " evaluations by generation " + g + ", not the budget's " + config.evaluationsAfter(g));
                NondominatedPopulation front = algorithm.getResult();
                double elapsed = priorSeconds + (System.nanoTime() - t0) / 1e9;
                Progress p = new Progress(g, config.generations(), algorithm.getNumberOfEvaluations(), problem.cachedCount(),
                        hypervolume(front), front.size(), elapsed);
                progress.add(p);
                List<String> rowsNow;
                synchronized (evalRows) { rowsNow = new ArrayList<>(evalRows); }
                AtomicFiles.writeString(dir.resolve(EVALUATIONS), evaluationHeader(racing) + String.join("\n", rowsNow) + (rowsNow.isEmpty() ? "" : "\n"));
                List<Evaluation> evaluatedNow;
                synchronized (evalRows) { evaluatedNow = new ArrayList<>(evaluations); }
                writeCorrectness(evaluatedNow);
                problem.accuracyOracle().flush();
                AtomicFiles.writeString(dir.resolve(FRONT), frontCsv(frontEvaluations(front)));
                AtomicFiles.writeString(dir.resolve(PROGRESS), progressCsv(progress));
                // The state last: a run killed before it resumes from the previous generation and ignores newer rows.
                snapshot(algorithm, g, elapsed).write(stateFile);
                if (onGeneration != null) onGeneration.accept(p);
            }
            List<Evaluation> front = frontEvaluations(algorithm.getResult());
            return new Result(front, progress, evaluations, priorSeconds + (System.nanoTime() - t0) / 1e9,
                    Math.max(0, config.generations() - done), evaluations.size() - preloaded);
        } finally {
            problem.setListener(e -> { });
        }
    }

    /** correctness.txt: the uncompressed network's and every measured candidate's (when the oracle keeps them). */
    private void writeCorrectness(List<Evaluation> evaluations) throws IOException {
        java.util.Map<String, Correctness> out = new java.util.LinkedHashMap<>();
        for (Evaluation e : evaluations) if (e.correct() != null) out.put(csvKey(e.genome()), e.correct());
        if (out.isEmpty()) return;
        if (uncompressed == null) uncompressed = java.util.Optional.ofNullable(problem.accuracyOracle().uncompressedCorrectness());
        Correctness base = uncompressed.orElse(null);
        java.util.Map<String, Correctness> all = new java.util.LinkedHashMap<>();
        if (base != null) all.put(CorrectnessFile.UNCOMPRESSED, base);
        all.putAll(out);
        CorrectnessFile.write(dir.resolve(CORRECTNESS), all);
    }

    /** A genome's key as the run's CSV files spell it (';' for ',' so a spreadsheet keeps it in one cell). */
    public static String csvKey(Genome g) { return g.key().replace(',', ';'); }

    private SearchState snapshot(StageTwoAlgorithm algorithm, int generation, double seconds) {
        List<SearchState.Member> members = new ArrayList<>();
        for (Solution s : algorithm.population()) {
            double[] vars = new double[s.getNumberOfVariables()];
            for (int i = 0; i < vars.length; i++) vars[i] = RealVariable.getReal(s.getVariable(i));
            members.add(new SearchState.Member(vars, s.getObjectiveValues(), s.getConstraintValues(),
                    Rank.hasAttribute(s) ? Rank.getAttribute(s) : null,
                    CrowdingDistance.hasAttribute(s) ? CrowdingDistance.getAttribute(s) : null,
                    Fitness.hasAttribute(s) ? Fitness.getAttribute(s) : null));
        }
        return new SearchState(config.resumeKey(), config.algorithm(), generation, algorithm.getNumberOfEvaluations(), seconds,
                config.seed(), members);
    }

    /**
     * The stored population rebuilt through the problem: every member must be a genome this
     * problem can encode, measured in evaluations.csv, with exactly the objectives measured there.
     */
    private List<Solution> rebuild(SearchState st, Path file) {
        if (!st.algorithm().equals(config.algorithm()))
            throw SearchState.bad(file, "is a " + st.algorithm() + " search, not " + config.algorithm());
        if (st.seed() != config.seed()) throw SearchState.bad(file, "has seed " + st.seed() + ", the run " + config.seed());
        if (st.evaluations() != config.evaluationsAfter(st.generation()))
            throw SearchState.bad(file, "claims " + st.evaluations() + " evaluations after generation " + st.generation()
                    + "; the budget gives " + config.evaluationsAfter(st.generation()));
        if (st.population().size() != config.populationSize())
            throw SearchState.bad(file, "holds " + st.population().size() + " members; the population is " + config.populationSize());
        List<Solution> out = new ArrayList<>();
        for (int i = 0; i < st.population().size(); i++) {
            SearchState.Member m = st.population().get(i);
            String where = "population[" + i + "]";
            Solution s = problem.newSolution();
            if (m.variables().length != s.getNumberOfVariables() || m.objectives().length != s.getNumberOfObjectives()
                    || m.constraints().length != s.getNumberOfConstraints())
                throw SearchState.bad(file, where + " has " + m.variables().length + " variables, " + m.objectives().length
                        + " objectives and " + m.constraints().length + " constraints; the problem has " + s.getNumberOfVariables()
                        + ", " + s.getNumberOfObjectives() + " and " + s.getNumberOfConstraints());
            for (int v = 0; v < m.variables().length; v++) {
                RealVariable x = (RealVariable) s.getVariable(v);
                double value = m.variables()[v];
                if (!(value >= x.getLowerBound() && value <= x.getUpperBound()))
                    throw SearchState.bad(file, where + " variable " + v + " = " + value + " lies outside ["
                            + x.getLowerBound() + ", " + x.getUpperBound() + "]");
                x.setValue(value);
            }
            Genome g = problem.decode(s);
            Evaluation e = problem.cached(g);
            if (e == null) throw SearchState.bad(file, where + " (" + g.key() + ") was never measured in " + EVALUATIONS);
            problem.fill(s, e);
            if (!java.util.Arrays.equals(s.getObjectiveValues(), m.objectives())
                    || !java.util.Arrays.equals(s.getConstraintValues(), m.constraints()))
                throw SearchState.bad(file, where + " (" + g.key() + ") has objectives other than those measured in " + EVALUATIONS);
            if (m.rank() != null) Rank.setAttribute(s, m.rank());
            if (m.crowding() != null) CrowdingDistance.setAttribute(s, m.crowding());
            if (m.fitness() != null) {
                if (Double.isNaN(m.fitness())) throw SearchState.bad(file, where + " has fitness NaN");
                Fitness.setAttribute(s, m.fitness());
            }
            out.add(s);
        }
        return out;
    }

    /** Creates the named algorithm with the reference operators and budget (see {@link SearchAlgorithms}). */
    public static StageTwoAlgorithm create(SearchConfig config, EmomcProblem problem) {
        return SearchAlgorithms.create(config, problem);
    }

    /** Hypervolume of a front in the fixed box (0 when the front is empty). */
    public double hypervolume(NondominatedPopulation front) {
        NondominatedPopulation feasible = new NondominatedPopulation();
        for (Solution s : front) if (s.isFeasible() && !raced(s)) feasible.add(s);
        if (feasible.isEmpty()) return 0;
        return new Hypervolume(problem, hvMin, hvMax).evaluate(feasible);
    }

    /**
     * Hypervolume, in this run's fixed box, of scored genomes (e.g. a front re-scored on the test
     * split): the same indicator as progress.csv, so fronts of runs on the same problem compare.
     */
    public double hypervolume(List<Evaluation> scored) {
        NondominatedPopulation front = new NondominatedPopulation();
        for (Evaluation e : scored) {
            Solution s = problem.encode(e.genome());
            problem.fill(s, e);
            front.add(s);
        }
        return hypervolume(front);
    }

    /** Whether a solution's genome was raced (scored on a slice only: never a front member, see {@link Racing}). */
    private boolean raced(Solution s) {
        Evaluation e = problem.cached(problem.decode(s));
        return e != null && e.raced();
    }

    /** The feasible, fully scored members of a front as evaluations, sorted by error then cost. */
    public List<Evaluation> frontEvaluations(NondominatedPopulation front) {
        List<Evaluation> out = new ArrayList<>();
        java.util.Set<Genome> seen = new java.util.HashSet<>();
        for (Solution s : front) {
            if (!s.isFeasible()) continue;
            Genome g = problem.decode(s);
            Evaluation e = problem.score(g);
            if (!e.raced() && seen.add(g)) out.add(e);
        }
        out.sort(Comparator.comparingDouble((Evaluation e) -> -e.accuracy()).thenComparingDouble(Evaluation::energyMilliJoules)
                .thenComparingDouble(Evaluation::sizeKiB));
        return out;
    }

    // ---- CSV (through util.Csv; the genome's own commas are written as ';' so the files stay readable in a spreadsheet) ----

    /** The header; a racing search adds the column {@code raced} (1: scored on the slice only), others keep the older form. */
    static String evaluationHeader(boolean racing) {
        List<Object> h = new ArrayList<>(List.of("generation", "genome", "remaining", "bits", "accuracy", "energy_mJ", "size_kB", "seconds"));
        if (racing) h.add("raced");
        return Csv.line(h.toArray()) + "\n";
    }

    static String evaluationRow(int generation, Evaluation e, boolean racing) {
        // Full round-trip precision: a resumed run must see exactly the numbers the first run saw.
        List<Object> r = new ArrayList<>(List.of(generation, e.genome().key().replace(',', ';'),
                String.format(Locale.ROOT, "%.4f", e.genome().remaining()), bitsText(e.genome()), e.accuracy(), e.energyMilliJoules(),
                e.sizeKiB(), String.format(Locale.ROOT, "%.3f", e.seconds())));
        if (racing) r.add(e.raced() ? 1 : 0);
        return Csv.line(r.toArray());
    }

    /**
     * One row of evaluations.csv with the genome's correctness from correctness.txt, which holds a
     * genome's last (fullest) measurement: a raced row takes its first {@code slice} images.
     */
    static Evaluation parseEvaluation(String[] row, Correctness correct, int slice) {
        boolean raced = row.length > 8 && row[8].equals("1");
        if (raced && correct != null && slice > 0 && correct.images() > slice) correct = correct.prefix(slice);
        Evaluation e = new Evaluation(Genome.parse(row[1].replace(';', ',')), Double.parseDouble(row[4]), Double.parseDouble(row[5]),
                Double.parseDouble(row[6]), Double.parseDouble(row[7]), correct, raced);
        if (correct != null && correct.accuracy() != e.accuracy())
            throw new UserError("the per-image correctness of " + row[1] + " in " + CORRECTNESS + " gives accuracy " + correct.accuracy()
                    + ", but " + EVALUATIONS + " records " + e.accuracy() + ": the run directory is inconsistent");
        return e;
    }

    private static String bitsText(Genome g) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.layers(); i++) sb.append(i == 0 ? "" : " ").append(g.bits(i));
        return sb.toString();
    }

    /** The front as CSV: remaining, bits, accuracy, energy, size. */
    public static String frontCsv(List<Evaluation> front) {
        Csv.Builder csv = new Csv.Builder("genome", "remaining", "bits", "accuracy", "energy_mJ", "size_kB");
        for (Evaluation e : front)
            csv.row(e.genome().key().replace(',', ';'), String.format(Locale.ROOT, "%.4f", e.genome().remaining()), bitsText(e.genome()),
                    String.format(Locale.ROOT, "%.6f", e.accuracy()), String.format(Locale.ROOT, "%.9g", e.energyMilliJoules()),
                    String.format(Locale.ROOT, "%.9g", e.sizeKiB()));
        return csv.text();
    }

    static String progressCsv(List<Progress> progress) {
        Csv.Builder csv = new Csv.Builder("generation", "evaluations", "measured", "hypervolume", "front_size", "elapsed_s");
        for (Progress p : progress)
            csv.row(p.generation(), p.evaluations(), p.measured(), p.hypervolume(), p.frontSize(),
                    String.format(Locale.ROOT, "%.3f", p.elapsedSeconds()));
        return csv.text();
    }

    /** The progress recorded in a search directory's progress.csv (generations as recorded; empty when there is none). */
    public static List<Progress> readProgress(Path searchDir) throws IOException {
        List<String[]> rows = Csv.readRows(searchDir.resolve(PROGRESS));
        List<Progress> out = new ArrayList<>();
        int last = rows.isEmpty() ? 0 : Integer.parseInt(rows.get(rows.size() - 1)[0]);
        for (String[] row : rows)
            out.add(new Progress(Integer.parseInt(row[0]), last, Integer.parseInt(row[1]), Integer.parseInt(row[2]),
                    Double.parseDouble(row[3]), Integer.parseInt(row[4]), Double.parseDouble(row[5])));
        return out;
    }

    /** The rows of a CSV file this class wrote, without its header (see {@link Csv#readRows}). */
    public static List<String[]> readCsv(Path file) throws IOException {
        return Csv.readRows(file);
    }

    static long mix(long seed, int generation) {
        long h = seed * 0x9E3779B97F4A7C15L + (generation + 1) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h * 0x94D049BB133111EBL;
    }

}
