package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
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

import tech.tablesaw.api.Table;

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
 * uses the same settings and directories as {@link Reproduce#run}, so a notebook and
 * {@code ./emomc reproduce} share one resumable run directory ({@code runs/<profile>/}), and a
 * step that is already finished there is loaded instead of recomputed. A finished run committed
 * under {@code results/<profile>/} is read when there is no finished local run.
 */
public final class Experiment {

    /** Seed of {@code ./emomc reproduce} (its --seed default). */
    public static final long DEFAULT_SEED = 1;

    private final Profile profile;
    private final Path home;
    private final Path runDir;
    private final Path figuresDir;
    private final long seed;
    private final Path dataDir;
    private Splits data;

    private Experiment(Profile profile, Path home, Path runDir, Path figuresDir, Path dataDir, long seed) {
        this.profile = profile;
        this.home = home;
        this.runDir = runDir;
        this.figuresDir = figuresDir;
        this.dataDir = dataDir;
        this.seed = seed;
    }

    /** The experiment of the profile named by {@code EMOMC_PROFILE} (default smoke), in this project. */
    public static Experiment fromEnvironment() { return of(Profile.fromEnvironment()); }

    /** The experiment of a profile in this project (found as the data is: EMOMC_HOME or walking up). */
    public static Experiment of(Profile profile) { return of(profile, projectHome(), DEFAULT_SEED); }

    /** The experiment of a profile under a given project directory. */
    public static Experiment of(Profile profile, Path home, long seed) {
        Path results = home.resolve("results").resolve(profile.name()), runs = home.resolve("runs").resolve(profile.name());
        // A finished local run (with its checkpoints) beats the committed results, which hold none.
        Path run = Files.isDirectory(results.resolve("report")) && !Files.isDirectory(runs.resolve("report")) ? results : runs;
        return new Experiment(profile, home, run, home.resolve("figures").resolve(profile.name()), null, seed);
    }

    /**
     * The experiment of a profile in a given run directory, with figures and data in given
     * directories (the CLI's --out, --figures, --data; a null data directory is found as usual).
     */
    public static Experiment at(Profile profile, Path runDir, Path figuresDir, Path dataDir, long seed) {
        return new Experiment(profile, projectHome(), runDir, figuresDir, dataDir, seed);
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

    /** Where the run's state lives: runs/&lt;profile&gt;, or results/&lt;profile&gt; when only a committed finished run exists. */
    public Path runDir() { return runDir; }

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

    public Path baselineDir() { return runDir.resolve("baseline"); }

    public Path baselineCheckpoint() { return baselineDir().resolve(Trainer.CHECKPOINT); }

    /**
     * Trains the baseline, or resumes / loads it when its checkpoint exists in the run directory.
     *
     * @return the epochs this call trained (empty when the baseline was already finished)
     */
    public List<Trainer.EpochResult> trainBaseline(Trainer.Listener listener) {
        Trainer trainer = new Trainer(Model.create(spec(), seed), baselineConfig());
        boolean resume = Files.exists(baselineCheckpoint());
        return trainer.fit(data().train(), data().val(), baselineDir(), resume, listener);
    }

    /** The baseline's per-epoch log (epoch, lr, losses, accuracies, ...) as CSV text. */
    public String baselineLog() throws IOException {
        return Files.readString(baselineDir().resolve(Trainer.LOG));
    }

    /** Stage 1 as the profile runs it (grid, steps, mode, fine-tuning settings of Reproduce). */
    public Stage1 stage1() { return stage1(profile.stage1Mode()); }

    /** Stage 1 with another mode (independent or chained), e.g. for the paper's Fig. 3 comparison. */
    public Stage1 stage1(Stage1.Mode mode) {
        return profile.stage1(mode, seed);
    }

    /** Where stage 1 of a mode lives: the profile's own mode in runs/&lt;p&gt;/stage1 (shared with Reproduce), others beside it. */
    public Path stage1Dir(Stage1.Mode mode) {
        return mode == profile.stage1Mode() ? runDir.resolve("stage1")
                : runDir.resolve("stage1-" + mode.name().toLowerCase(Locale.ROOT));
    }

    /**
     * The paper's Fig. 3 question at this profile's scale: stage 1 in both modes. The profile's own
     * mode is the run's stage 1 (run or resumed first when needed); the other mode runs beside it
     * on {@code otherGrid} (null: the profile's grid), which may be coarser, since independent
     * pruning costs steps x points epochs. Finished points are reused.
     *
     * @return per mode (lower case), its finished points
     */
    public Map<String, List<Stage1.Point>> stage1Modes(RemainingGrid otherGrid, Stage1.Listener listener) throws IOException {
        Map<String, List<Stage1.Point>> out = new LinkedHashMap<>();
        Stage1.Mode own = profile.stage1Mode();
        Stage1.Mode other = own == Stage1.Mode.CHAINED ? Stage1.Mode.INDEPENDENT : Stage1.Mode.CHAINED;
        out.put(own.name().toLowerCase(Locale.ROOT), runStage1(own, listener));
        Stage1 s = otherGrid == null ? stage1(other) : profile.stage1(other, otherGrid, seed);
        out.put(other.name().toLowerCase(Locale.ROOT), s.run(baseNetwork(listener), data().train(), data().val(), 256,
                stage1Dir(other), listener));
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
        return OneStageAblation.run(new OneStageAblation.Inputs(stage1Dir(profile.stage1Mode()), searchDir("energy-" + dataflow.name()),
                oneStageDir(dataflow),
                profile.searchConfig(Objective.ENERGY, dataflow.name(), Coding.DENSE.cliName()),
                new ReferenceCosts(spec(), dataflow, Coding.DENSE), s.train(), s.val(), s.test(), profile.batch(),
                profile.fineTuneLr(), seed), log);
    }

    /** Where the one-stage ablation of a dataflow's energy search runs: {@code ablation/one-stage-energy-<dataflow>/}. */
    public Path oneStageDir(Dataflow dataflow) { return runDir.resolve("ablation").resolve("one-stage-energy-" + dataflow.name()); }

    /** Runs (or resumes, or just reads) stage 1 of a mode; trains the baseline first when needed. */
    public List<Stage1.Point> runStage1(Stage1.Mode mode, Stage1.Listener listener) throws IOException {
        return stage1(mode).run(baseNetwork(listener), data().train(), data().val(), 256, stage1Dir(mode), listener);
    }

    /**
     * The uncompressed network stage 1 starts from: the one the run's stage 1 recorded (a
     * {@code reproduce --baseline} checkpoint, say) when it still exists, else the run's baseline,
     * trained first when needed.
     */
    public Path baseNetwork(Trainer.Listener listener) throws IOException {
        Path recorded = Stage1.baseOf(stage1Dir(profile.stage1Mode()));
        if (recorded != null && Files.isRegularFile(recorded)) return recorded;
        if (!Files.exists(baselineCheckpoint())) trainBaseline(listener);
        return baselineCheckpoint();
    }

    /** The whole pipeline (Reproduce.run) into this run directory; finished stages are reused. */
    public Reproduce.Report reproduce(Consumer<String> log) throws IOException {
        return Reproduce.run(new Reproduce.Options(profile, runDir, figuresDir, DataLocation.resolve(dataDir), seed), log);
    }

    /** True when the whole pipeline has finished in the run directory (its report is written). */
    public boolean finished() { return Files.exists(runDir.resolve("report").resolve("reproduce.json")); }

    /**
     * The pipeline's report, read from the run directory when the pipeline has finished there
     * (nothing is recomputed), else {@link #reproduce} first.
     */
    public Reproduce.Report report(Consumer<String> log) throws IOException {
        if (!finished()) return reproduce(log);
        Map<String, List<Summary.Member>> energy = new LinkedHashMap<>(), size = new LinkedHashMap<>();
        double baseTest = Double.NaN;
        for (Dataflow d : Dataflow.values()) {
            Path dir = searchDir("energy-" + d.name());
            energy.put(d.name(), Summary.readFront(dir));
            baseTest = Summary.readBaseline(dir).testAccuracy();
        }
        for (Coding c : Coding.PAPER) size.put(c.cliName(), Summary.readFront(searchDir("size-" + c.cliName())));
        Path rep = runDir.resolve("report");
        Table t2 = Table.read().csv(rep.resolve("table2-energy.csv").toFile()).setName("Table II: energy (" + profile.label() + ", test accuracy)");
        Table t3 = Table.read().csv(rep.resolve("table3-size.csv").toFile()).setName("Table III: size (" + profile.label() + ", test accuracy)");
        Map<String, Double> wall = new LinkedHashMap<>();
        new ObjectMapper().readTree(rep.resolve("reproduce.json").toFile()).path("wall_time_s")
                .fields().forEachRemaining(e -> wall.put(e.getKey(), e.getValue().asDouble()));
        log.accept("read the finished run in " + runDir);
        return new Reproduce.Report(baseTest, Stage1.readCsv(runDir.resolve("stage1")), energy, size, t2, t3, wall);
    }

    /** The directory of one stage-2 search (e.g. "energy-XY", "size-csr"). */
    public Path searchDir(String name) { return runDir.resolve("search").resolve(name); }

    /** figures/&lt;profile&gt;/ (created). */
    public Path figuresDir() throws IOException {
        Files.createDirectories(figuresDir);
        return figuresDir;
    }

    /** figures/&lt;profile&gt;/&lt;name&gt; without extension, for {@link org.emomc4j.report.Figures#save}. */
    public Path figure(String name) throws IOException { return figuresDir().resolve(name); }
}
