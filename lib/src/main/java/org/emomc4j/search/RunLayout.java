package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The run directory of one EMOMC reproduction, and the only place its directory and file names
 * are spelled: the baseline network, stage 1 (the pruning grid; the other mode beside it for the
 * independent-vs-chained question), one stage-2 search per dataflow and coding scheme, the report
 * (Tables II and III), the stages beyond the paper (Fig. 3, the peer method, stage 3) and the
 * ablations. {@code ./emomc reproduce}, the ablations and the notebooks all find
 * their files through it.
 *
 * <p>Where runs live: {@code runs/<profile>} in the project by default, or
 * {@code $EMOMC_RUNS/<profile>} when the {@value #RUNS_ENV} environment variable is set (so long
 * runs can live outside the work tree), or any directory given with {@code --out}. The
 * committed results under {@code results/<profile>} have the same layout but are only ever read.
 */
public final class RunLayout {

    /** Environment variable naming the directory that holds one run directory per profile. */
    public static final String RUNS_ENV = "EMOMC_RUNS";

    static final String BASELINE = "baseline", STAGE1 = "stage1", SEARCH = "search", REPORT = "report", ABLATION = "ablation";
    public static final String TABLE2 = "table2-energy.csv", TABLE3 = "table3-size.csv", REPRODUCE = "reproduce.json",
            PAPER_TABLE2 = "table2-energy-paper.csv", PAPER_TABLE3 = "table3-size-paper.csv", TABLES_MD = "tables.md",
            STAGE1_MODES = "stage1-modes.csv", COMPARISON = "comparison.csv";
    static final String FIG3 = "fig3", PEER = "peer-pruning-filters", STAGE3 = "stage3";
    public static final String PEER_ENERGY = "peer-energy.csv", PEER_SIZE = "peer-size.csv", STAGE3_CSV = "stage3.csv",
            STAGE3_GAINS = "stage3-gains.csv";

    private final Path root;

    public RunLayout(Path root) { this.root = root; }

    /** The directory holding one run directory per profile: $EMOMC_RUNS, else {@code <home>/runs}. */
    public static Path runsRoot(Path home) {
        String env = System.getenv(RUNS_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : home.resolve("runs");
    }

    /** A profile's run directory under a runs root. */
    public static RunLayout of(Path runsRoot, Profile profile) { return new RunLayout(runsRoot.resolve(profile.name())); }

    /** The committed, read-only results of a profile: {@code <home>/results/<profile>}. */
    public static RunLayout committed(Path home, Profile profile) {
        return new RunLayout(home.resolve("results").resolve(profile.name()));
    }

    public Path root() { return root; }

    public Path baselineDir() { return root.resolve(BASELINE); }

    public Path baselineCheckpoint() { return baselineDir().resolve(Trainer.CHECKPOINT); }

    public Path baselineLog() { return baselineDir().resolve(Trainer.LOG); }

    /**
     * The directory of baseline run {@code i} ({@link Profile#baselineConfigs}): {@code baseline}
     * for the first, {@code baseline-2}, {@code baseline-3}, ... for the warm restarts after it.
     */
    public Path baselineDir(int i) { return i == 0 ? baselineDir() : root.resolve(BASELINE + "-" + (i + 1)); }

    /** The training logs of a profile's baseline runs that have one, in run order (the runs start one after another). */
    public java.util.List<Path> baselineLogs(Profile p) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        for (int i = 0; i <= p.restarts().size(); i++) {
            Path log = baselineDir(i).resolve(Trainer.LOG);
            if (!Files.isRegularFile(log)) break;
            out.add(log);
        }
        return out;
    }

    /** The baseline network of a profile's run: the last baseline run's SWA result when it averages, else its checkpoint. */
    public Path baselineResult(Profile p) {
        int last = p.restarts().size();
        boolean swa = last > 0 && p.restarts().get(last - 1).swaEpochs() > 0;
        return baselineDir(last).resolve(swa ? Trainer.SWA : Trainer.CHECKPOINT);
    }

    /** Stage 1 in the profile's own mode. */
    public Path stage1Dir() { return root.resolve(STAGE1); }

    /** Stage 1 of a mode: the profile's own mode in {@code stage1/}, the other beside it in {@code stage1-<mode>/}. */
    public Path stage1Dir(Stage1.Mode mode, Stage1.Mode profileMode) {
        return mode == profileMode ? stage1Dir() : root.resolve(STAGE1 + "-" + mode.name().toLowerCase(Locale.ROOT));
    }

    /** The paper's Fig. 3 run: multi-step against single-step pruning ({@link PruningSteps}). */
    public Path fig3Dir() { return root.resolve(FIG3); }

    /** The Fig. 3 figure's data (both arms' accuracy per epoch), in the report. */
    public Path fig3Csv() { return reportDir().resolve(PruningSteps.CSV); }

    /** The peer method "Pruning Filters" ({@link PruningFilters}): its grid of fine-tuned networks. */
    public Path peerDir() { return root.resolve(PEER); }

    /** The peer rows of Table II (energy) and III (size), in the report. */
    public Path peerEnergyCsv() { return reportDir().resolve(PEER_ENERGY); }

    public Path peerSizeCsv() { return reportDir().resolve(PEER_SIZE); }

    /** Stage 3 ({@link Stage3}) of one plan: {@code stage3/<label>}. */
    public Path stage3Dir(String planLabel) { return root.resolve(STAGE3).resolve(planLabel); }

    /** Stage 3's plans with the accuracy they recovered, and the gains after stage 3, in the report. */
    public Path stage3Csv() { return reportDir().resolve(STAGE3_CSV); }

    public Path stage3GainsCsv() { return reportDir().resolve(STAGE3_GAINS); }

    /** The stage-1 modes table: both stage-1 modes' accuracy per r (independent vs chained). */
    public Path stage1ModesCsv() { return root.resolve(STAGE1_MODES); }

    /** A stage-2 search by name (e.g. "energy-XY", "size-csr"). */
    public Path searchDir(String name) { return root.resolve(SEARCH).resolve(name); }

    /** The name of the search of an objective: energy-&lt;dataflow&gt; or size-&lt;coding&gt;. */
    public static String searchName(Objective objective, Dataflow dataflow, Coding coding) {
        return switch (objective) {
            case ENERGY -> "energy-" + dataflow.name();
            case SIZE -> "size-" + coding.cliName();
            case BOTH -> "both-" + dataflow.name() + "-" + coding.cliName();
        };
    }

    public Path energySearch(Dataflow d) { return searchDir(searchName(Objective.ENERGY, d, Coding.DENSE)); }

    public Path sizeSearch(Coding c) { return searchDir(searchName(Objective.SIZE, Dataflow.XY, c)); }

    /** Where the shared evaluation cache of the run's searches lives ({@link EvaluationCache}). */
    public Path stage2CacheDir() { return root.resolve("stage2-cache"); }

    public Path reportDir() { return root.resolve(REPORT); }

    public Path table2() { return reportDir().resolve(TABLE2); }

    public Path table3() { return reportDir().resolve(TABLE3); }

    /** The paper's own Table II / III rows, written beside ours. */
    public Path paperTable2() { return reportDir().resolve(PAPER_TABLE2); }

    public Path paperTable3() { return reportDir().resolve(PAPER_TABLE3); }

    /** Tables II and III with the paper's rows and notes, as Markdown. */
    public Path tablesMarkdown() { return reportDir().resolve(TABLES_MD); }

    public Path reproduceJson() { return reportDir().resolve(REPRODUCE); }

    /** The baseline's test accuracy with the identities it was measured on ({@link Reproduce}). */
    public Path baselineTestJson() { return reportDir().resolve("baseline-test.json"); }

    public Path ablationDir() { return root.resolve(ABLATION); }

    /** The one-stage ablation against the energy search of a dataflow. */
    public Path oneStageDir(Dataflow d) { return ablationDir().resolve("one-stage-" + searchName(Objective.ENERGY, d, Coding.DENSE)); }

    /** The energy search of a dataflow run with another algorithm (notebook 09). */
    public Path algorithmDir(Dataflow d, String algorithm) {
        return ablationDir().resolve(searchName(Objective.ENERGY, d, Coding.DENSE) + "-" + SearchAlgorithms.canonical(algorithm));
    }

    public Path comparisonCsv(Dataflow d) { return oneStageDir(d).resolve(COMPARISON); }

    /** True when the whole pipeline has finished here (its report is written). */
    public boolean finished() { return Files.isRegularFile(reproduceJson()); }

    /** Notebook 10's DL4J model and its search (kept beside the pipeline, not part of it). */
    public Path importedModelDir(String name) { return root.resolve("dl4j-" + name); }

    /** True when the pipeline has begun here: a baseline, stage 1, a search or a report exists. */
    public boolean started() {
        return Stream.of(baselineDir(), stage1Dir(), root.resolve(SEARCH), reportDir()).anyMatch(Files::exists);
    }

    @Override
    public String toString() { return root.toString(); }
}
