package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.Cifar10;
import org.emomc4j.data.DataLocation;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;

import org.emomc4j.util.Csv;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One {@link Profile}'s EMOMC experiment, step by step, as the notebooks walk it: the data the
 * profile uses, the baseline network, stage 1 and the whole {@link Reproduce} pipeline. Every step
 * uses the same settings and the same {@link RunLayout} as {@link Reproduce#run}, so a notebook and
 * {@code ./emomc reproduce} share one resumable run directory ({@code runs/<profile>/}, or
 * {@code $EMOMC_RUNS/<profile>/}), and a step that is already finished there is loaded instead of
 * recomputed.
 *
 * <p>Committed results under {@code results/<profile>/} are read, never written: when the run
 * directory holds nothing yet, the read-only steps ({@link #report}, {@link #baselineLog},
 * {@link #searchDir}, ...) read the committed run; as soon as any work has been done in the run
 * directory (even unfinished), that local run is read instead, and every step that computes works
 * in the run directory.
 */
public final class Experiment {

    /** Seed of {@code ./emomc reproduce} (its --seed default). */
    public static final long DEFAULT_SEED = 1;

    private final Profile profile;
    private final Path home;
    private final RunLayout run;
    private final RunLayout committed;
    private final Path figuresDir;
    private final long seed;
    private final Path dataDir;
    private Splits data;

    private Experiment(Profile profile, Path home, RunLayout run, RunLayout committed, Path figuresDir, Path dataDir, long seed) {
        this.profile = profile;
        this.home = home;
        this.run = run;
        this.committed = committed;
        this.figuresDir = figuresDir;
        this.dataDir = dataDir;
        this.seed = seed;
    }

    /** The experiment of the profile named by {@code EMOMC_PROFILE} (default smoke), in this project. */
    /**
     * The experiment of a profile named in a notebook's knobs cell ({@code smoke}, {@code quick},
     * {@code paper}); null or blank: {@code EMOMC_PROFILE}, as {@link #fromEnvironment()}.
     */
    public static Experiment fromEnvironment(String profile) {
        return profile == null || profile.isBlank() ? fromEnvironment() : of(Profile.parse(profile));
    }

    public static Experiment fromEnvironment() { return of(Profile.fromEnvironment()); }

    /** The experiment of a profile in this project (found as the data is: EMOMC_HOME or walking up). */
    public static Experiment of(Profile profile) { return of(profile, projectHome(), DEFAULT_SEED); }

    /** The experiment of a profile under a given project directory (runs in $EMOMC_RUNS or {@code <home>/runs}). */
    public static Experiment of(Profile profile, Path home, long seed) {
        return of(profile, home, RunLayout.runsRoot(home), null, seed);
    }

    /**
     * The experiment of a profile under a given project directory, with its run directory under
     * {@code runsRoot} and the data in {@code dataDir} (null: found as usual).
     */
    public static Experiment of(Profile profile, Path home, Path runsRoot, Path dataDir, long seed) {
        return new Experiment(profile, home, RunLayout.of(runsRoot, profile), RunLayout.committed(home, profile),
                home.resolve("figures").resolve(profile.name()), dataDir, seed);
    }

    /**
     * The experiment of a profile in a given run directory, with figures and data in given
     * directories (the CLI's --out, --figures, --data; a null data directory is found as usual).
     * Committed results are not consulted.
     */
    public static Experiment at(Profile profile, Path runDir, Path figuresDir, Path dataDir, long seed) {
        return new Experiment(profile, projectHome(), new RunLayout(runDir), null, figuresDir, dataDir, seed);
    }

    /** The project directory: EMOMC_HOME, else the nearest parent of the working directory holding datasets/. */
    public static Path projectHome() {
        String env = System.getenv("EMOMC_HOME");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("datasets")) && Files.isDirectory(p.resolve("lib"))) return p;
        }
        return cwd;
    }

    public Profile profile() { return profile; }

    public Path home() { return home; }

    /** The run directory: where every step that computes works (runs/&lt;profile&gt; by default; never results/). */
    public Path runDir() { return run.root(); }

    /** The run directory's layout. */
    public RunLayout layout() { return run; }

    /**
     * The run the read-only steps read: the local run once any work has been done there (even
     * unfinished), else the committed results when they hold a finished run, else the local run.
     */
    public RunLayout source() {
        if (committed != null && !run.started() && committed.finished()) return committed;
        return run;
    }

    public long seed() { return seed; }

    /** The network the profile compresses (VGG-16 at the profile's width). */
    public NetworkSpec spec() { return NetworkSpec.vgg("vgg16", profile.width()); }

    /** The data the profile uses: class-balanced samples of the train / val / test splits, as Reproduce draws them. */
    public synchronized Splits data() {
        if (data == null) {
            data = profile.sample(Cifar10.load(DataLocation.resolve(dataDir)).splits(), seed);
        }
        return data;
    }

    /** "profile smoke, VGG-16 width 0.125, 2000 train images, CIFAR-10 &lt;split&gt; (n images)", for figure titles. */
    public String label(String split) {
        ImageSet set = data().get(split);
        return profile.label() + ", CIFAR-10 " + split + " (" + set.size() + " images)";
    }

    /** The baseline's training settings (those of Reproduce). */
    public TrainConfig baselineConfig() {
        return profile.baselineConfig(seed);
    }

    /** The baseline's directory in the run directory. */
    public Path baselineDir() { return run.baselineDir(); }

    /** The baseline network in the run directory (committed results hold none): {@link RunLayout#baselineResult}. */
    public Path baselineCheckpoint() { return run.baselineResult(profile); }

    /** Claims the run directory for a step that computes (re-entrant; refused while another process works there). */
    private RunDirectory claim() {
        return RunDirectory.claim(run.root(), Reproduce.resumeKey(profile, seed), true);
    }

    /**
     * Trains the baseline in the run directory, or resumes / loads it when it was started there.
     *
     * @return the epochs this call trained (empty when the baseline was already finished)
     */
    public List<Trainer.EpochResult> trainBaseline(Trainer.Listener listener) {
        try (RunDirectory c = claim()) {
            return Reproduce.trainBaseline(profile, spec(), data().train(), data().val(), run, seed, (i, cfg) -> listener, line -> { });
        }
    }

    /**
     * The baseline checkpoint, trained first when it is missing, but only when that is cheap
     * (the smoke profile) or {@code train} says so: a notebook never starts a long training silently.
     * Otherwise a {@link UserError} gives the time it would take (from the committed run's log when
     * there is one) and the command that does the same. While training, {@code log} gets one line
     * per epoch with the time left.
     */
    public Path baseline(boolean train, Consumer<String> log) throws IOException {
        Path ckpt = baselineCheckpoint();
        if (Files.exists(ckpt)) {
            log.accept("baseline: " + ckpt);
            return ckpt;
        }
        Path teaching = teachingCheckpoint();
        if (!train && teaching != null && Files.exists(teaching)) {
            checkTeachingCheckpoint(teaching);
            log.accept("baseline: the committed teaching checkpoint " + teaching + " (" + spec().id() + ", models/README.md); "
                    + "set TRAIN_BASELINE = true to train your own in " + baselineDir());
            return teaching;
        }
        String cli = "./emomc reproduce --profile " + profile.name() + "   (trains the baseline first; interrupt and resume at will)";
        String eta = committedBaselineSeconds().map(s -> " (the committed run took " + Reproduce.eta(s) + " h:min:s" + ")").orElse("");
        if (!train && profile != Profile.SMOKE)
            throw new UserError("the " + profile.name() + " baseline is not trained in " + baselineDir() + ": " + profile.baselineEpochsInAll()
                    + " epochs" + eta + ". Set the knob TRAIN_BASELINE = true to train it here, or run " + cli);
        log.accept("training the " + profile.name() + " baseline: " + profile.baselineEpochsInAll() + " epochs" + eta + "; same as " + cli);
        // Progress over all of the baseline's runs (a profile with restarts trains several in a row): epoch n of the
        // total, and the time left from this call's pace (a resumed run's earlier epochs are not in it).
        List<TrainConfig> runs = profile.baselineConfigs(seed);
        int total = profile.baselineEpochsInAll();
        long t0 = System.nanoTime();
        int[] trained = {0};
        try (RunDirectory c = claim()) {
            Reproduce.trainBaseline(profile, spec(), data().train(), data().val(), run, seed, (i, cfg) -> {
                int before = runs.subList(0, i).stream().mapToInt(TrainConfig::epochs).sum();
                return new Trainer.Listener() {
                    @Override public void epoch(Trainer.EpochResult r) {
                        int done = before + r.epoch();
                        double perEpoch = (System.nanoTime() - t0) / 1e9 / ++trained[0];
                        log.accept(String.format(Locale.ROOT, "epoch %d/%d: val acc %.2f %%, %.0f img/s, %s left", done, total,
                                100 * r.valAccuracy(), r.imagesPerSecond(), Reproduce.eta(perEpoch * Math.max(0, total - done))));
                    }
                };
            }, line -> { });
        }
        return ckpt;
    }

    /**
     * The committed, trained network of this profile that notebooks use when the run directory has
     * no baseline: {@code models/<profile>-baseline.ckpt} (the repository holds the quick one, VGG-16
     * width 1/4; see models/README.md), or null when the project directory is unknown. It may not exist.
     */
    public Path teachingCheckpoint() {
        return home == null ? null : home.resolve("models").resolve(profile.name() + "-baseline.ckpt");
    }

    /** The file named in {@code models/<name>.sha256} (sha256sum format) holding a teaching checkpoint's SHA-256. */
    public static Path checksumFile(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".sha256");
    }

    /**
     * A teaching checkpoint is a file a user receives with the repository: its bytes must have the
     * SHA-256 written beside it, and it must hold this profile's network. The checkpoint format's own
     * checks (magic, version, lengths, CRC-32) run when it is loaded ({@link org.emomc4j.nn.Checkpoint#read}).
     */
    private void checkTeachingCheckpoint(Path file) throws IOException {
        Path sum = checksumFile(file);
        String fix = "restore it (git checkout -- models/) or set the knob TRAIN_BASELINE = true to train a baseline";
        if (!Files.exists(sum)) throw new UserError("the teaching checkpoint " + file + " has no checksum file " + sum + ": " + fix);
        String want = Files.readString(sum).trim().split("\\s+")[0];
        String got = org.emomc4j.util.Hashes.sha256(file);
        if (!got.equalsIgnoreCase(want))
            throw new UserError("the teaching checkpoint " + file + " has SHA-256 " + got + ", not the " + want + " of " + sum
                    + " (changed or damaged): " + fix);
        String held = org.emomc4j.nn.Checkpoint.read(file).model().spec().id();
        if (!held.equals(spec().id()))
            throw new UserError("the teaching checkpoint " + file + " holds " + held + ", but profile " + profile.name() + " trains "
                    + spec().id() + ": " + fix);
    }

    /** Seconds the baseline of the committed (or finished) run took, from its training log. */
    private java.util.Optional<Double> committedBaselineSeconds() {
        try {
            Path log = source().baselineLog();
            if (!Files.exists(log) && committed != null) log = committed.baselineLog();   // unfinished committed runs log too
            if (!Files.exists(log)) return java.util.Optional.empty();
            List<String> lines = Files.readAllLines(log);
            if (lines.size() < 2) return java.util.Optional.empty();
            int col = List.of(lines.get(0).split(",")).indexOf("seconds");
            if (col < 0) return java.util.Optional.empty();
            double s = 0;
            for (String line : lines.subList(1, lines.size())) s += Double.parseDouble(line.split(",")[col]);
            return java.util.Optional.of(s);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();   // an estimate only: no log, no estimate
        }
    }

    /**
     * Stage 1 in both modes as a finished run recorded it ({@code stage1-modes.csv}, written by
     * {@code ./emomc ablation stage1}), read from {@link #source()}, else from the committed results;
     * empty when neither holds one. Reading never trains: {@link #stage1Modes} computes.
     */
    public Map<String, List<Stage1.Point>> recordedStage1Modes() throws IOException {
        Path csv = source().stage1ModesCsv();
        if (!Files.exists(csv) && committed != null) csv = committed.stage1ModesCsv();
        Map<String, List<Stage1.Point>> m = new LinkedHashMap<>();
        if (!Files.exists(csv)) return m;
        for (String[] row : org.emomc4j.util.Csv.readRows(csv))
            m.computeIfAbsent(row[0], k -> new java.util.ArrayList<>()).add(new Stage1.Point(Double.parseDouble(row[1]),
                    Double.parseDouble(row[2]), Double.parseDouble(row[3]), Double.parseDouble(row[4])));
        return m;
    }

    /**
     * The baseline's per-epoch log (epoch, lr, losses, accuracies, ...) as CSV text, from {@link #source()}.
     * A baseline of several runs ({@link Profile#restarts}) gives the logs of the runs that have one, in order,
     * with epochs counted on from run to run and a last column {@code run} (1, 2, ...).
     */
    public String baselineLog() throws IOException {
        RunLayout from = source();
        List<Path> logs = from.baselineLogs(profile);
        if (profile.restarts().isEmpty() || logs.isEmpty()) return Files.readString(from.baselineLog());   // a missing file's error names it
        List<String> texts = new java.util.ArrayList<>();
        for (Path log : logs) texts.add(Files.readString(log));
        return joinLogs(texts);
    }

    /** Training logs of consecutive runs as one: epochs numbered on across runs, a last column {@code run}. */
    static String joinLogs(List<String> logs) {
        StringBuilder out = new StringBuilder();
        int offset = 0;
        for (int r = 0; r < logs.size(); r++) {
            List<String> lines = logs.get(r).lines().filter(l -> !l.isBlank()).toList();
            if (r == 0) out.append(lines.get(0)).append(",run\n");
            int last = 0;
            for (String line : lines.subList(1, lines.size())) {
                int comma = line.indexOf(',');
                last = Integer.parseInt(line.substring(0, comma));
                out.append(offset + last).append(line.substring(comma)).append(',').append(r + 1).append('\n');
            }
            offset += last;
        }
        return out.toString();
    }

    /** Every baseline run's settings, in order ({@link Profile#baselineConfigs}); one for most profiles. */
    public List<TrainConfig> baselineConfigs() { return profile.baselineConfigs(seed); }

    /** Stage 1 as the profile runs it (grid, steps, mode, fine-tuning settings of Reproduce). */
    public Stage1 stage1() { return stage1(profile.stage1Mode()); }

    /** Stage 1 with another mode (independent or chained), for the stage-1 modes comparison. */
    public Stage1 stage1(Stage1.Mode mode) {
        return profile.stage1(mode, seed);
    }

    /**
     * Where stage 1 of a mode is read from ({@link #source()}): the profile's own mode in
     * {@code stage1/} (shared with Reproduce), the other beside it.
     */
    public Path stage1Dir(Stage1.Mode mode) { return source().stage1Dir(mode, profile.stage1Mode()); }

    /**
     * Stage 1 in both modes (independent vs chained; not the paper's Fig. 3, see {@link PruningSteps}). The profile's own
     * mode is the run's stage 1 (run or resumed first when needed); the other mode runs beside it
     * on {@code otherGrid} (null: the profile's grid), which may be coarser, since independent
     * pruning costs steps x points epochs. Finished points are reused.
     *
     * @return per mode (lower case), its finished points
     */
    public Map<String, List<Stage1.Point>> stage1Modes(RemainingGrid otherGrid, Stage1.Listener listener) throws IOException {
        try (RunDirectory c = claim()) {
            return stage1ModesClaimed(otherGrid, listener);
        }
    }

    private Map<String, List<Stage1.Point>> stage1ModesClaimed(RemainingGrid otherGrid, Stage1.Listener listener) throws IOException {
        Map<String, List<Stage1.Point>> out = new LinkedHashMap<>();
        Stage1.Mode own = profile.stage1Mode();
        Stage1.Mode other = own == Stage1.Mode.CHAINED ? Stage1.Mode.INDEPENDENT : Stage1.Mode.CHAINED;
        out.put(own.name().toLowerCase(Locale.ROOT), runStage1(own, listener));
        Stage1 s = otherGrid == null ? stage1(other) : profile.stage1(other, otherGrid, seed);
        out.put(other.name().toLowerCase(Locale.ROOT), s.run(baseNetwork(listener), data().train(), data().val(), 256,
                run.stage1Dir(other, own), listener));
        return out;
    }

    /**
     * A stage-2 energy search of this profile (its budget and grid, the run's stage-1 checkpoints,
     * validation accuracy) with another algorithm by name ({@link SearchAlgorithms}) and seed, in
     * its own resumable directory under the run's ablation directory: the algorithm ablation.
     * Needs the run's stage 1 (notebook 03 or {@code ./emomc reproduce}).
     */
    public SearchRun.Result algorithmSearch(Dataflow dataflow, String algorithm, long searchSeed,
                                            Consumer<SearchRun.Progress> progress) throws IOException {
        Path stage1 = stage1Dir(profile.stage1Mode());
        RemainingGrid grid = Stage1.available(stage1);   // a UserError naming the directory when stage 1 is missing
        SearchConfig own = profile.searchConfig(Objective.ENERGY, dataflow.name(), Coding.DENSE.cliName());
        // Racing is defined on NSGA-II's survival only: another algorithm scores every candidate in full.
        boolean nsga = SearchAlgorithms.canonical(algorithm).equals("NSGAII");
        SearchConfig cfg = own.toBuilder().algorithm(algorithm).seed(searchSeed).racing(nsga ? own.racing() : Racing.OFF).build();
        var accuracy = new MemoAccuracy(new CheckpointAccuracy(stage1, data().val(), 256, CheckpointAccuracy.keepAll(stage1)));
        var problem = EmomcProblem.of(cfg, grid, spec().size(), accuracy, new ReferenceCosts(spec(), dataflow, Coding.DENSE));
        Path dir = run.algorithmDir(dataflow, algorithm);
        if (searchSeed != seed) dir = dir.resolveSibling(dir.getFileName() + "-seed" + searchSeed);
        try (RunDirectory c = claim()) {
            return new SearchRun(cfg, problem, dir).run(true, progress);
        }
    }

    /** The grid ablation's comparison, one row per search and grid ({@link #gridAblation}). */
    public static final String GRID_COMPARISON = "grid-comparison.csv";

    /** The grid ablation's directory for a grid step (e.g. {@code ablation/grid-0.01}). */
    public Path gridAblationDir(double step) {
        return run.ablationDir().resolve("grid-" + String.format(Locale.ROOT, "%.4f", step).replaceAll("0+$", ""));
    }

    /**
     * Issue 12's stage-1 grid question: does the profile's grid give the same fronts as a finer one
     * (the paper's step 0.01)? Runs stage 1 over the finer grid, between the profile grid's ends,
     * in the profile's mode and fine-tuning (chained: one whole epoch per point after the first), and
     * the profile's seven searches on it (same configurations, seed, validation images, scoring
     * precision; fronts re-scored on test), in {@link #gridAblationDir}, resumable; then compares
     * each search's front with the run's own ({@link #source()}; the pipeline runs first when it has
     * not finished) in {@value #GRID_COMPARISON}: grid points, front size, final hypervolume on
     * validation (the same fixed box: both grids end at the same largest r) and, at each loss budget
     * of Tables II and III, the cheapest front member within it on test against the run's baseline.
     *
     * @return the comparison's file
     */
    public Path gridAblation(double step, Consumer<String> log) throws IOException {
        if (!finished()) reproduce(log);
        RunLayout own = source();
        double baseTest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(own.reproduceJson().toFile())
                .path("baseline_test_accuracy").asDouble(Double.NaN);
        RemainingGrid coarse = RemainingGrid.parse(profile.grid());
        RemainingGrid fine = RemainingGrid.parse(String.format(Locale.ROOT, "%s:%s:%s", coarse.min(), coarse.max(), step));
        if (java.util.Arrays.equals(fine.values(), coarse.values()))
            throw new UserError("--step " + step + " gives the profile's own grid (" + profile.grid() + "): compare another step, "
                    + "finer or coarser (e.g. --step 0.05 under the full profile, whose stage 1 runs the paper's 0.01 grid)");
        Path dir = gridAblationDir(step), s1 = dir.resolve("stage1");
        Splits s = data();
        // The finer stage 1 starts from the network the run's own stage 1 started from, or the comparison means nothing.
        Path base = Stage1.baseOf(own.stage1Dir());
        org.emomc4j.util.ResumeKey ownKey = RunDirectory.storedKey(own.stage1Dir());
        String want = ownKey == null ? null : ownKey.entries().get("base_sha256");
        if (base == null || !Files.isRegularFile(base) || want == null || !want.equals(org.emomc4j.util.Hashes.sha256(base)))
            throw new UserError("the grid ablation starts from the base network of the run's stage 1 in " + own.stage1Dir() + " ("
                    + base + "), which is not on this machine as that stage 1 recorded it: run the pipeline here first "
                    + "(./emomc reproduce --profile " + profile.name() + ")");
        try (RunDirectory c = claim()) {
            profile.stage1(profile.stage1Mode(), fine, seed).run(base, s.train(), s.val(), 256, s1, true, Stage1.progress(log));
            RemainingGrid grid = Stage1.available(s1);
            AccuracyOracle val = new MemoAccuracy(new CheckpointAccuracy(s1, s.val(), 256, CheckpointAccuracy.keepAll(s1),
                    profile.precision(), s.train(), org.emomc4j.nn.Precision.CALIBRATION_IMAGES));
            MemoAccuracy test = new MemoAccuracy(new CheckpointAccuracy(s1, s.test(), 256, 2));
            Csv.Builder csv = new Csv.Builder(gridComparisonHeader());
            for (Objective o : List.of(Objective.ENERGY, Objective.SIZE)) {
                for (ReferenceCosts costs : Reproduce.searchCosts(spec(), o)) {
                    String name = RunLayout.searchName(o, costs.dataflow(), costs.coding());
                    SearchConfig cfg = profile.searchConfig(o, costs.dataflow().name(), costs.coding().cliName())
                            .withExtra(Map.of("stage1", Reproduce.stage1Identity(s1)));
                    Path searchDir = dir.resolve("search").resolve(name);
                    Stage2.run(new Stage2.Plan(name, cfg, grid, costs, val, test, () -> baseTest, searchDir), true, log);
                    gridRow(csv, name, o, costs, coarse, own.searchDir(name), baseTest);
                    gridRow(csv, name, o, costs, grid, searchDir, baseTest);
                }
            }
            Path out = dir.resolve(GRID_COMPARISON);
            csv.write(out);
            return out;
        }
    }

    private static String[] gridComparisonHeader() {
        List<String> h = new java.util.ArrayList<>(List.of("search", "grid_points", "front_size", "hypervolume_val"));
        for (double b : org.emomc4j.metrics.Gains.TABLE_BUDGETS) {
            String pct = String.format(Locale.ROOT, "%.1f", 100 * b).replaceAll("\\.0$", "");
            h.add("cost_at_" + pct + "pct");
            h.add("gain_at_" + pct + "pct");
        }
        return h.toArray(String[]::new);
    }

    /** One search's row: its front (summary.json) judged on test against the baseline, at each loss budget. */
    private static void gridRow(Csv.Builder csv, String name, Objective o, ReferenceCosts costs, RemainingGrid grid, Path searchDir,
                                double baseTest) throws IOException {
        List<Summary.Member> front = Summary.readFront(searchDir);
        double hv = new com.fasterxml.jackson.databind.ObjectMapper().readTree(searchDir.resolve(Summary.FILE).toFile())
                .path("final_hypervolume").asDouble(Double.NaN);
        boolean energy = o == Objective.ENERGY;
        java.util.function.ToDoubleFunction<Summary.Member> cost = energy ? Summary.Member::energyMilliJoules : Summary.Member::sizeKiB;
        double base = energy ? costs.baselineEnergy() : costs.baselineSize();
        List<Object> row = new java.util.ArrayList<>(List.of(name, grid.values().length, front.size(), hv));
        for (double b : org.emomc4j.metrics.Gains.TABLE_BUDGETS) {
            double[] best = org.emomc4j.metrics.Gains.best(front, Summary.Member::testAccuracy, cost, baseTest, base, b);
            row.add(Double.isNaN(best[0]) ? "" : best[0]);
            row.add(Double.isNaN(best[1]) ? "" : best[1]);
        }
        csv.row(row.toArray());
    }

    /**
     * The one-stage ablation (see {@link OneStageAblation}) against this run's two-stage energy
     * search for a dataflow, at an equal training budget; the pipeline runs first if it has not
     * finished. The one-stage run lives in {@link #oneStageDir} and resumes.
     */
    public OneStageAblation.Result oneStageAblation(Dataflow dataflow, Consumer<String> log) throws IOException {
        if (!finished()) reproduce(log);
        Splits s = data();
        RunLayout src = source();
        return OneStageAblation.run(new OneStageAblation.Inputs(src.stage1Dir(), src.energySearch(dataflow), oneStageDir(dataflow),
                profile.searchConfig(Objective.ENERGY, dataflow.name(), Coding.DENSE.cliName()),
                new ReferenceCosts(spec(), dataflow, Coding.DENSE), s.train(), s.val(), s.test(), profile.batch(),
                profile.fineTuneLr(), seed), log);
    }

    /**
     * The paper's Fig. 3 at this profile's scale ({@link PruningSteps}: multi-step against
     * single-step pruning to {@link Profile.Extras#fig3Remaining}, {@link Profile.Extras#fig3Steps}
     * epochs per arm) from the run's base network (trained first when needed); resumes in the run
     * directory's {@code fig3/} and writes the figure's data into its report.
     */
    public List<PruningSteps.Epoch> fig3(Consumer<String> log) throws IOException {
        try (RunDirectory c = claim()) {
            Profile.Extras x = profile.extras();
            List<PruningSteps.Epoch> rows = PruningSteps.run(x.fig3Remaining(), ExtraStages.fig3FineTune(profile, seed),
                    baseNetwork("Fig. 3", log), data().train(), data().val(), run.fig3Dir(), log);
            PruningSteps.write(run.fig3Csv(), rows);
            return rows;
        }
    }

    /**
     * The peer method "Pruning Filters" at this profile's scale ({@link PruningFilters}, the
     * profile's grid and fine-tuning) from the run's base network; resumes in the run directory's
     * {@code peer-pruning-filters/} and writes its Table II / III rows into the report.
     *
     * @return {energy rows, size rows}
     */
    public tech.tablesaw.api.Table[] peer(Consumer<String> log) throws IOException {
        try (RunDirectory c = claim()) {
            Profile.Extras x = profile.extras();
            Path base = baseNetwork("The peer method", log);
            List<PruningFilters.Point> pts = PruningFilters.run(new PruningFilters.Settings(x.peerPruned(),
                    ExtraStages.fineTune(profile, x.peerEpochs(), seed)), base, data().train(), data().val(), data().test(), run.peerDir(), log);
            double baseTest = Model.load(base).accuracy(data().test(), 256);
            tech.tablesaw.api.Table e = PruningFilters.energyRows(pts, baseTest, spec(), ExtraStages.LOSS_BUDGETS),
                    z = PruningFilters.sizeRows(pts, baseTest, spec(), ExtraStages.LOSS_BUDGETS);
            org.emomc4j.util.Csv.write(run.peerEnergyCsv(), e);
            org.emomc4j.util.Csv.write(run.peerSizeCsv(), z);
            return new tech.tablesaw.api.Table[]{e, z};
        }
    }

    /** Where the one-stage ablation of a dataflow's energy search runs (in the run directory). */
    public Path oneStageDir(Dataflow dataflow) { return run.oneStageDir(dataflow); }

    /** Runs (or resumes, or just reads) stage 1 of a mode in the run directory; trains the baseline first when needed. */
    public List<Stage1.Point> runStage1(Stage1.Mode mode, Stage1.Listener listener) throws IOException {
        try (RunDirectory c = claim()) {
            return stage1(mode).run(baseNetwork(listener), data().train(), data().val(), 256,
                    run.stage1Dir(mode, profile.stage1Mode()), listener);
        }
    }

    /**
     * The uncompressed network stage 1 starts from: the one the run's stage 1 recorded (a
     * {@code reproduce --baseline} checkpoint, say) when it still exists, else the run's baseline,
     * trained first when needed.
     */
    public Path baseNetwork(Trainer.Listener listener) throws IOException {
        Path recorded = Stage1.baseOf(run.stage1Dir());
        if (recorded != null && Files.isRegularFile(recorded)) return recorded;
        if (!Files.exists(baselineCheckpoint())) trainBaseline(listener);
        return baselineCheckpoint();
    }

    /**
     * {@link #baseNetwork(Trainer.Listener)} for a step that starts from the base network: when the
     * run has none yet it says so, then trains it with a line per epoch and the time left
     * ({@link #baseline(boolean, Consumer)}), never silently.
     */
    private Path baseNetwork(String step, Consumer<String> log) throws IOException {
        Path recorded = Stage1.baseOf(run.stage1Dir());
        if (recorded != null && Files.isRegularFile(recorded)) return recorded;
        if (!Files.exists(baselineCheckpoint()))
            log.accept(step + " starts from the " + profile.name() + " baseline network, which is not trained in " + baselineDir()
                    + " yet: it is trained first");
        return baseline(true, log);
    }

    /** The whole pipeline (Reproduce.run) into this run directory; finished stages are reused. */
    public Reproduce.Report reproduce(Consumer<String> log) throws IOException {
        return Reproduce.run(new Reproduce.Options(profile, run.root(), DataLocation.resolve(dataDir), seed), log);
    }

    /** True when the whole pipeline has finished in the run that is read ({@link #source()}). */
    public boolean finished() { return source().finished(); }

    /**
     * {@link #report(Consumer)}, but under quick and paper a pipeline that has not finished (here or in
     * the committed results) runs only when {@code compute} says so; otherwise a {@link UserError}
     * names the knob and the command. While it runs, {@code log} gets the stages' lines with the time left.
     */
    public Reproduce.Report report(boolean compute, Consumer<String> log) throws IOException {
        if (!compute && profile != Profile.SMOKE && !finished()) {
            // The full run spans sessions: say where its partial log is committed rather than suggest running it here.
            String inProgress = profile == Profile.FULL ? " (the full run is in progress over several sessions: its log so far is "
                    + "committed in results/full-in-progress/)" : "";
            throw new UserError("the " + profile.name() + " pipeline has not finished in " + runDir()
                    + " and no finished run is committed" + inProgress + ": set the knob RUN_PIPELINE = true to run it here (hours "
                    + "under quick, about a day under full; its log prints the time left of every stage), or run ./emomc reproduce "
                    + "--profile " + profile.name());
        }
        return report(log);
    }

    /**
     * The pipeline's report, read when the pipeline has finished in {@link #source()} (nothing is
     * recomputed, nothing written), else {@link #reproduce} first, in the run directory.
     */
    public Reproduce.Report report(Consumer<String> log) throws IOException {
        RunLayout src = source();
        if (!src.finished()) return reproduce(log);
        return Reproduce.read(src, profile, log);
    }

    /** The directory of one stage-2 search (e.g. "energy-XY", "size-csr") in {@link #source()}. */
    public Path searchDir(String name) { return source().searchDir(name); }

    /** figures/&lt;profile&gt;/ (created). */
    public Path figuresDir() throws IOException {
        Files.createDirectories(figuresDir);
        return figuresDir;
    }

    /** figures/&lt;profile&gt;/&lt;name&gt; without extension, for {@code report.Figures#save}. */
    public Path figure(String name) throws IOException { return figuresDir().resolve(name); }
}
