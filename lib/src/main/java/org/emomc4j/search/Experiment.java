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

import org.emomc4j.util.RunDirectory;

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

    /** The baseline's checkpoint in the run directory (committed results hold none). */
    public Path baselineCheckpoint() { return run.baselineCheckpoint(); }

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
            Trainer trainer = new Trainer(Model.create(spec(), seed), baselineConfig());
            boolean resume = Files.exists(baselineCheckpoint()) || RunDirectory.storedKey(baselineDir()) != null;
            return trainer.fit(data().train(), data().val(), baselineDir(), resume, listener);
        }
    }

    /** The baseline's per-epoch log (epoch, lr, losses, accuracies, ...) as CSV text, from {@link #source()}. */
    public String baselineLog() throws IOException {
        return Files.readString(source().baselineLog());
    }

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
                    baseNetwork(null), data().train(), data().val(), run.fig3Dir(), log);
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
            Path base = baseNetwork(null);
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

    /** The whole pipeline (Reproduce.run) into this run directory; finished stages are reused. */
    public Reproduce.Report reproduce(Consumer<String> log) throws IOException {
        return Reproduce.run(new Reproduce.Options(profile, run.root(), DataLocation.resolve(dataDir), seed), log);
    }

    /** True when the whole pipeline has finished in the run that is read ({@link #source()}). */
    public boolean finished() { return source().finished(); }

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
