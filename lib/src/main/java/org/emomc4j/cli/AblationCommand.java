package org.emomc4j.cli;

import org.emomc4j.hw.Dataflow;
import org.emomc4j.report.Charts;
import org.emomc4j.report.Figures;
import org.emomc4j.report.Tables;
import org.emomc4j.search.Experiment;
import org.emomc4j.search.OneStageAblation;
import org.emomc4j.search.Profile;
import org.emomc4j.search.PruningSteps;
import org.emomc4j.search.RemainingGrid;
import org.emomc4j.search.Reproduce;
import org.emomc4j.search.Stage1;
import org.emomc4j.search.RunLayout;
import org.emomc4j.util.Csv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code emomc ablation}: the paper's design questions, on a profile's reproduction run. */
@Command(name = "ablation", mixinStandardHelpOptions = true,
        description = {"Ablations on the run of './emomc reproduce --profile P' (same --out): both resume.",
                "  one-stage   two-stage EMOMC against a one-stage search at an equal training budget",
                "  stage1      stage-1 modes: independent vs chained pruning, accuracy against r",
                "  fig3        the paper's Fig. 3: multi-step vs single-step pruning, accuracy per epoch",
                "  peer        the peer method Pruning Filters (Li et al.): rows for Tables II and III",
                "  grid        stage 1 over a finer grid (the paper's 0.01) and the seven searches on it, fronts compared"},
        subcommands = {AblationCommand.OneStage.class, AblationCommand.Stage1Modes.class, AblationCommand.Fig3.class,
                AblationCommand.Peer.class, AblationCommand.Grid.class})
public final class AblationCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an ablation: one-stage, stage1, fig3, peer or grid");
    }

    /** Options shared by the ablations: which reproduction run they work on. */
    static final class RunOptions {
        @Option(names = "--profile", defaultValue = "smoke", description = "smoke, quick or paper (default: ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--out", paramLabel = "DIR", description = "The reproduction's run directory (default: $EMOMC_RUNS/<profile>, else runs/<profile>).")
        Path out;

        @Option(names = "--figures", paramLabel = "DIR", description = "Where figures go (default: figures/<profile>).")
        Path figures;

        @Option(names = "--data", paramLabel = "DIR", description = "CIFAR-10 directory (default: $EMOMC_DATA, else datasets/cifar-10-batches-bin).")
        Path data;

        @Option(names = "--seed", defaultValue = "1", description = "The reproduction's seed (default: ${DEFAULT-VALUE}).")
        long seed;

        Experiment experiment() {
            Profile p = Profile.parse(profile);
            Path home = ReproduceCommand.home();
            return Experiment.at(p, out != null ? out : RunLayout.of(RunLayout.runsRoot(home), p).root(),
                    figures != null ? figures : home.resolve("figures").resolve(p.name()), data, seed);
        }
    }

    @Command(name = "one-stage", mixinStandardHelpOptions = true,
            description = {"Two-stage vs one-stage search at an equal training budget.",
                    "The one-stage search prunes and quantizes every candidate from the baseline and fine-tunes it; in all it",
                    "trains on as many images as stage 1 did. Compared with the run's two-stage energy search; writes",
                    "<out>/ablation/one-stage-energy-<dataflow>/comparison.csv and the figure one-stage-vs-two-stage-<dataflow>."})
    static final class OneStage implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--dataflow", defaultValue = "XY", description = "XY, ICOC, FXFY or XFX (default: ${DEFAULT-VALUE}).")
        String dataflow;

        @Override
        public Integer call() throws Exception {
            Dataflow d = Dataflow.parse(dataflow);
            Experiment exp = run.experiment();
            OneStageAblation.Result r = exp.oneStageAblation(d, System.out::println);
            Path csv = OneStageAblation.writeCsv(r, exp.oneStageDir(d));
            Path fig = exp.figure("one-stage-vs-two-stage-" + d.name());
            Figures.save(Charts.fronts("Two- vs one-stage, test accuracy vs energy " + d.label(), exp.profile().label(),
                    Charts.Cost.ENERGY, r.testFronts(), r.baselineTestAccuracy(), org.emomc4j.metrics.Gains.TABLE_BUDGETS), fig);
            System.out.println();
            System.out.println(Tables.rounded(r.table(), 3).printAll());
            System.out.printf(Locale.ROOT, "baseline test accuracy %.2f %%; one-stage fine-tuning: %,d images per candidate%n",
                    100 * r.baselineTestAccuracy(), r.imagesPerCandidate());
            System.out.println("table: " + csv.toAbsolutePath() + "\nfigure: " + fig.toAbsolutePath() + ".png");
            return 0;
        }
    }

    @Command(name = "stage1", mixinStandardHelpOptions = true,
            description = {"Stage-1 modes: independent vs chained pruning, accuracy against r (not the paper's Fig. 3: see 'fig3').",
                    "Runs the mode the profile does not use (smoke and quick chain, paper prunes independently) beside the run's",
                    "stage 1, then writes <out>/stage1-modes.csv and the figure stage1-modes."})
    static final class Stage1Modes implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--grid", paramLabel = "GRID",
                description = "Grid of the other mode, e.g. 0.20:0.80:0.20 (default: the profile's; independent costs steps x points epochs).")
        String grid;

        @Override
        public Integer call() throws Exception {
            RemainingGrid g = grid == null ? null : RemainingGrid.parse(grid);
            Experiment exp = run.experiment();
            Map<String, List<Stage1.Point>> modes = exp.stage1Modes(g, Stage1.progress(line -> System.out.println("stage 1: " + line)));
            Map<String, double[][]> curves = new LinkedHashMap<>();
            Csv.Builder csv = new Csv.Builder("mode", "remaining", "val_accuracy", "epochs", "seconds");
            System.out.printf(Locale.ROOT, "%n%-12s %6s %9s %7s %9s%n", "mode", "r", "val %", "epochs", "time");
            for (var e : modes.entrySet()) {
                curves.put(e.getKey() + " (" + Math.round(e.getValue().stream().mapToDouble(Stage1.Point::epochs).sum()) + " epochs)",
                        Stage1.curve(e.getValue()));
                for (Stage1.Point p : e.getValue()) {
                    csv.row(e.getKey(), String.format(Locale.ROOT, "%.4f", p.remaining()), p.valAccuracy(), p.epochsText(),
                            String.format(Locale.ROOT, "%.2f", p.seconds()));
                    System.out.printf(Locale.ROOT, "%-12s %6.2f %9.2f %7s %9s%n", e.getKey(), p.remaining(), 100 * p.valAccuracy(),
                            p.epochsText(), Reproduce.eta(p.seconds()));
                }
            }
            Path file = exp.layout().stage1ModesCsv();
            csv.write(file);
            Path fig = exp.figure("stage1-modes");
            Figures.save(Charts.accuracyVsRemaining("Stage-1 modes: independent vs chained", exp.label("val"), curves), fig);
            System.out.println("table: " + file.toAbsolutePath() + "\nfigure: " + fig.toAbsolutePath() + ".png");
            return 0;
        }
    }

    @Command(name = "fig3", mixinStandardHelpOptions = true,
            description = {"The paper's Fig. 3: multi-step (gradual) vs single-step pruning to 95 %% of the weights removed,",
                    "validation accuracy after every fine-tuning epoch, from the run's baseline (trained first when needed).",
                    "Epochs per arm: smoke 2, quick 6 (about 12 epochs in all, some 15 minutes on 2 cores), paper 32.",
                    "Writes <out>/fig3/, <out>/report/fig3-pruning-steps.csv and the figure fig3-pruning-steps (+ .csv)."})
    static final class Fig3 implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Override
        public Integer call() throws Exception {
            Experiment exp = run.experiment();
            List<PruningSteps.Epoch> rows = exp.fig3(System.out::println);
            Path fig = exp.figure("fig3-pruning-steps");
            Figures.save(Figures.fig3(rows, exp.label("val")), fig);
            PruningSteps.write(Path.of(fig + ".csv"), rows);
            System.out.printf(Locale.ROOT, "%n%-12s %6s %9s %8s%n", "arm", "epoch", "r", "val %");
            for (PruningSteps.Epoch e : rows)
                System.out.printf(Locale.ROOT, "%-12s %6d %9.4f %8.2f%n", e.arm(), e.epoch(), e.remaining(), 100 * e.valAccuracy());
            System.out.println("table: " + exp.layout().fig3Csv().toAbsolutePath() + "\nfigure: " + fig.toAbsolutePath() + ".png");
            return 0;
        }
    }

    @Command(name = "grid", mixinStandardHelpOptions = true,
            description = {"Issue 12's stage-1 grid question: stage 1 over another grid (--step: the paper's 0.01 against quick's 0.05,",
                    "or a coarser one, e.g. 0.05 against the full profile's 0.01) between the profile",
                    "grid's ends, as the profile runs it (chained: one epoch per point after the first), and the seven searches on it;",
                    "then each search's front against the run's own: grid points, front size, hypervolume on validation, and the",
                    "cheapest member within 0.3, 1 and 2 %% test-accuracy loss (<out>/ablation/grid-<step>/grid-comparison.csv).",
                    "Quick at 0.01: 64 chained epochs and seven searches, about 1.6 hours on 2 cores (results/quick/grid-0.01); resumes."})
    static final class Grid implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Option(names = "--step", defaultValue = "0.01", description = "The other grid's step (default: ${DEFAULT-VALUE}).")
        double step;

        @Override
        public Integer call() throws Exception {
            Experiment exp = run.experiment();
            Path out = exp.gridAblation(step, System.out::println);
            System.out.println();
            for (String line : java.nio.file.Files.readAllLines(out)) System.out.println(line.replace(",", "  "));
            System.out.println("table: " + out.toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "peer", mixinStandardHelpOptions = true,
            description = {"The peer method Pruning Filters (Li et al. 2017), computed here: L1-norm filter pruning per conv layer",
                    "(the filter, its BatchNorm and the next layer's input channels removed), then fine-tuning, over a grid of",
                    "pruned fractions (smoke 0.25, 0.5 x 1 epoch; quick 0.1, 0.25, 0.4 x 2 epochs, some 8 minutes). Its energy gains",
                    "(uncompressed 32-bit / plan, per dataflow) and size gains (dense 32-bit / size) at 0.3, 1 and 2 %% test-accuracy",
                    "loss: <out>/report/peer-energy.csv and peer-size.csv."})
    static final class Peer implements Callable<Integer> {
        @Mixin
        RunOptions run = new RunOptions();

        @Override
        public Integer call() throws Exception {
            Experiment exp = run.experiment();
            tech.tablesaw.api.Table[] t = exp.peer(System.out::println);
            System.out.println();
            System.out.println(Tables.rounded(t[0], 4).printAll());
            System.out.println();
            System.out.println(Tables.rounded(t[1], 4).printAll());
            System.out.println("tables: " + exp.layout().peerEnergyCsv().toAbsolutePath() + ", " + exp.layout().peerSizeCsv().toAbsolutePath());
            return 0;
        }
    }
}
