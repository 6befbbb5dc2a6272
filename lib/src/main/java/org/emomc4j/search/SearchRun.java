package org.emomc4j.search;

import org.emomc4j.util.AtomicFiles;
import org.moeaframework.algorithm.Algorithm;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;
import org.moeaframework.core.TypedProperties;
import org.moeaframework.core.indicator.Hypervolume;
import org.moeaframework.core.population.NondominatedPopulation;
import org.moeaframework.core.spi.AlgorithmFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Runs stage 2 in a run directory, one generation at a time, and after every generation writes
 * atomically: {@code evaluations.csv} (every measured candidate), {@code front.csv} (the current
 * front), {@code progress.csv} (hypervolume per generation, fixed reference point) and
 * {@code state.bin} (the algorithm's state). A run killed at any moment and resumed ends with
 * the same front as an uninterrupted one: the random generator is re-seeded from (seed,
 * generation) before every generation, so no generator state needs saving, and measured
 * accuracies come back from {@code evaluations.csv} instead of being measured again.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#stage-2-search}.
 */
public final class SearchRun {

    public static final String EVALUATIONS = "evaluations.csv", FRONT = "front.csv", PROGRESS = "progress.csv",
            STATE = "state.bin";
    private static final int STATE_MAGIC = 0x454D5331; // "EMS1"

    /** Algorithms accepted by name besides the reference NSGAII. */
    public static final List<String> ALGORITHMS = List.of("NSGAII", "NSGAIII", "SPEA2", "MOEAD", "SMSEMOA", "IBEA", "GDE3", "eMOEA");

    /** One generation's progress, for progress bars and the progress CSV. */
    public record Progress(int generation, int generations, int evaluations, int measured, double hypervolume,
                           int frontSize, double elapsedSeconds) { }

    /** The end of a run. */
    public record Result(List<Evaluation> front, List<Progress> progress, List<Evaluation> evaluations, double seconds) { }

    private final SearchConfig config;
    private final EmomcProblem problem;
    private final Path dir;
    private final double[] hvMin, hvMax;

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
     * @param resume continue from {@code state.bin} if present; otherwise the directory must not hold a run
     */
    public Result run(boolean resume, Consumer<Progress> onGeneration) throws IOException {
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Path stateFile = dir.resolve(STATE);
        if (!resume && Files.exists(stateFile))
            throw new IllegalArgumentException("run directory " + dir + " already holds a search; use --resume to continue it or choose another --out");
        List<String> evalRows = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        List<Progress> progress = new ArrayList<>();
        int[] generation = {0};
        problem.setListener(ev -> {
            synchronized (evalRows) {
                evaluations.add(ev);
                evalRows.add(evaluationRow(generation[0], ev));
            }
        });
        ExecutorService pool = config.threads() > 1 && problem.threadSafe()
                ? Executors.newFixedThreadPool(config.threads()) : null;
        try {
            Algorithm algorithm = create(config, problem, pool);
            int done = -1;
            double priorSeconds = 0;
            if (resume && Files.exists(stateFile)) {
                State st = readState(stateFile);
                if (!st.key.equals(config.resumeKey()))
                    throw new IllegalArgumentException("run directory " + dir + " was written with another configuration:\n  "
                            + st.key + "\nnow:\n  " + config.resumeKey() + "\nuse the same options, or another --out");
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(st.algorithm))) {
                    algorithm.loadState(in);
                } catch (ClassNotFoundException e) {
                    throw new IOException("cannot restore " + stateFile + ": " + e, e);
                }
                done = st.generation;
                priorSeconds = st.seconds;
                for (String[] row : readCsv(dir.resolve(EVALUATIONS))) {
                    if (Integer.parseInt(row[0]) > done) continue; // written after the last saved state
                    Evaluation ev = parseEvaluation(row);
                    evaluations.add(ev);
                    evalRows.add(String.join(",", row));
                }
                problem.preload(evaluations);
                for (String[] row : readCsv(dir.resolve(PROGRESS))) {
                    if (Integer.parseInt(row[0]) > done) continue;
                    progress.add(new Progress(Integer.parseInt(row[0]), config.generations(), Integer.parseInt(row[1]),
                            Integer.parseInt(row[2]), Double.parseDouble(row[3]), Integer.parseInt(row[4]), Double.parseDouble(row[5])));
                }
            }
            for (int g = done + 1; g <= config.generations(); g++) {
                generation[0] = g;
                PRNG.setRandom(new Random(mix(config.seed(), g)));
                algorithm.step(); // g == 0: the initial population
                NondominatedPopulation front = algorithm.getResult();
                double elapsed = priorSeconds + (System.nanoTime() - t0) / 1e9;
                Progress p = new Progress(g, config.generations(), algorithm.getNumberOfEvaluations(), problem.cachedCount(),
                        hypervolume(front), front.size(), elapsed);
                progress.add(p);
                List<String> rowsNow;
                synchronized (evalRows) { rowsNow = new ArrayList<>(evalRows); }
                AtomicFiles.writeString(dir.resolve(EVALUATIONS), evaluationHeader() + String.join("\n", rowsNow) + (rowsNow.isEmpty() ? "" : "\n"));
                AtomicFiles.writeString(dir.resolve(FRONT), frontCsv(frontEvaluations(front)));
                AtomicFiles.writeString(dir.resolve(PROGRESS), progressCsv(progress));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    algorithm.saveState(out);
                }
                writeState(stateFile, new State(config.resumeKey(), g, elapsed, bytes.toByteArray()));
                if (onGeneration != null) onGeneration.accept(p);
            }
            List<Evaluation> front = frontEvaluations(algorithm.getResult());
            return new Result(front, progress, evaluations, priorSeconds + (System.nanoTime() - t0) / 1e9);
        } finally {
            if (pool != null) pool.shutdownNow();
            problem.setListener(e -> { });
        }
    }

    /** Creates the named algorithm with the reference operators and budget. */
    public static Algorithm create(SearchConfig config, EmomcProblem problem, ExecutorService pool) {
        String name = config.algorithm();
        if (name.equalsIgnoreCase("NSGAII") || name.equalsIgnoreCase("NSGA-II"))
            return new EmomcNSGAII(problem, config.populationSize(), config.offspringSize(), pool);
        TypedProperties props = new TypedProperties();
        props.setInt("populationSize", config.populationSize());
        // Same budget per generation as NSGA-II: without it SPEA2 and others breed 100 offspring a step.
        props.setInt("offspringSize", config.offspringSize());
        props.setString("operator", "sbx+pm");
        props.setDouble("sbx.rate", 0.9);
        props.setDouble("sbx.distributionIndex", 15);
        props.setDouble("pm.rate", 1.0 / problem.getNumberOfVariables());
        props.setDouble("pm.distributionIndex", 20);
        props.setInt("neighborhoodSize", Math.max(2, Math.min(20, config.populationSize() / 2))); // MOEA/D
        try {
            return AlgorithmFactory.getInstance().getAlgorithm(name, props, problem);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown or unusable algorithm '" + name + "': use one of " + ALGORITHMS
                    + " (any MOEA Framework algorithm name works) — " + e.getMessage());
        }
    }

    /** Fails with a clear message when no algorithm of that name exists (checked before any data is loaded). */
    public static void checkAlgorithm(SearchConfig config) {
        CostOracle zero = new CostOracle() {
            @Override public double energyMilliJoules(Genome g) { return 0; }
            @Override public double sizeKiB(Genome g) { return 0; }
        };
        EmomcProblem dummy = new EmomcProblem(RemainingGrid.parse("0.5"), 2, config.minBits(), config.maxBits(),
                config.objective(), Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, g -> 0, zero);
        create(config, dummy, null);
    }

    /** Hypervolume of a front in the fixed box (0 when the front is empty). */
    public double hypervolume(NondominatedPopulation front) {
        NondominatedPopulation feasible = new NondominatedPopulation();
        for (Solution s : front) if (s.isFeasible()) feasible.add(s);
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

    /** The feasible members of a front as evaluations, sorted by error then cost. */
    public List<Evaluation> frontEvaluations(NondominatedPopulation front) {
        List<Evaluation> out = new ArrayList<>();
        java.util.Set<Genome> seen = new java.util.HashSet<>();
        for (Solution s : front) {
            if (!s.isFeasible()) continue;
            Genome g = problem.decode(s);
            if (seen.add(g)) out.add(problem.score(g));
        }
        out.sort(Comparator.comparingDouble((Evaluation e) -> -e.accuracy()).thenComparingDouble(Evaluation::energyMilliJoules)
                .thenComparingDouble(Evaluation::sizeKiB));
        return out;
    }

    // ---- CSV ----

    static String evaluationHeader() { return "generation,genome,remaining,bits,accuracy,energy_mJ,size_kB,seconds\n"; }

    static String evaluationRow(int generation, Evaluation e) {
        // Full round-trip precision: a resumed run must see exactly the numbers the first run saw.
        return String.format(Locale.ROOT, "%d,%s,%.4f,%s,%s,%s,%s,%.3f", generation, e.genome().key().replace(',', ';'),
                e.genome().remaining(), bitsText(e.genome()), e.accuracy(), e.energyMilliJoules(), e.sizeKiB(), e.seconds());
    }

    static Evaluation parseEvaluation(String[] row) {
        return new Evaluation(Genome.parse(row[1].replace(';', ',')), Double.parseDouble(row[4]), Double.parseDouble(row[5]),
                Double.parseDouble(row[6]), Double.parseDouble(row[7]));
    }

    private static String bitsText(Genome g) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < g.layers(); i++) sb.append(i == 0 ? "" : " ").append(g.bits(i));
        return sb.toString();
    }

    /** The front as CSV: remaining, bits, accuracy, energy, size. */
    public static String frontCsv(List<Evaluation> front) {
        StringBuilder sb = new StringBuilder("genome,remaining,bits,accuracy,energy_mJ,size_kB\n");
        for (Evaluation e : front)
            sb.append(String.format(Locale.ROOT, "%s,%.4f,%s,%.6f,%.9g,%.9g%n", e.genome().key().replace(',', ';'),
                    e.genome().remaining(), bitsText(e.genome()), e.accuracy(), e.energyMilliJoules(), e.sizeKiB()));
        return sb.toString();
    }

    static String progressCsv(List<Progress> progress) {
        StringBuilder sb = new StringBuilder("generation,evaluations,measured,hypervolume,front_size,elapsed_s\n");
        for (Progress p : progress)
            sb.append(String.format(Locale.ROOT, "%d,%d,%d,%s,%d,%.3f%n", p.generation(), p.evaluations(), p.measured(),
                    p.hypervolume(), p.frontSize(), p.elapsedSeconds()));
        return sb.toString();
    }

    /** Reads a CSV written by this class (no quoting needed: fields hold no commas), without its header. */
    public static List<String[]> readCsv(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String[]> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) if (!lines.get(i).isBlank()) out.add(lines.get(i).split(",", -1));
        return out;
    }

    // ---- state file: magic, key, generation, seconds, algorithm bytes, CRC32 ----

    private record State(String key, int generation, double seconds, byte[] algorithm) { }

    private static void writeState(Path file, State s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_MAGIC);
            out.writeUTF(s.key);
            out.writeInt(s.generation);
            out.writeDouble(s.seconds);
            out.writeInt(s.algorithm.length);
            out.write(s.algorithm);
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(body);
        new DataOutputStream(all).writeLong(crc.getValue());
        AtomicFiles.write(file, all.toByteArray());
    }

    private static State readState(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 12) throw new IllegalArgumentException("search state " + file + " is truncated; delete it to start over");
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = new DataInputStream(new ByteArrayInputStream(all, all.length - 8, 8)).readLong();
        if (stored != crc.getValue())
            throw new IllegalArgumentException("search state " + file + " is corrupt (checksum mismatch); delete it to start over");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            if (in.readInt() != STATE_MAGIC) throw new IllegalArgumentException(file + " is not an emomc search state");
            String key = in.readUTF();
            int gen = in.readInt();
            double secs = in.readDouble();
            byte[] alg = new byte[in.readInt()];
            in.readFully(alg);
            return new State(key, gen, secs, alg);
        }
    }

    static long mix(long seed, int generation) {
        long h = seed * 0x9E3779B97F4A7C15L + (generation + 1) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h * 0x94D049BB133111EBL;
    }

}
