package org.emomc4j.search;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.metrics.Gains;
import org.emomc4j.metrics.Knee;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * What {@code ./emomc reproduce} runs after the paper's pipeline, each optional: the paper's
 * Fig. 3 ({@link PruningSteps}), the peer method "Pruning Filters" ({@link PruningFilters}) for
 * the peer rows of Tables II and III, and stage 3, beyond the paper ({@link Stage3}): QAT of the
 * knee plan of every front and of the plans that set its 0.3 %, 1 % and 2 % rows. Sized per
 * profile ({@link Profile#extras}); every part resumes in its own directory of the
 * {@link RunLayout} and writes its tables into the report.
 */
public final class ExtraStages {

    /** The stages that can be chosen. */
    public enum Stage {
        FIG3, PEER, STAGE3;

        public static Set<Stage> parse(String list) {
            Set<Stage> out = EnumSet.noneOf(Stage.class);
            if (list == null || list.isBlank() || list.trim().equalsIgnoreCase("none")) return out;
            for (String s : list.split(",")) {
                try {
                    out.add(valueOf(s.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new UserError("unknown stage '" + s.trim() + "': use fig3, peer, stage3 (comma-separated), all or none");
                }
            }
            return out;
        }

        public static Set<Stage> parseOrAll(String list) {
            return list != null && list.trim().equalsIgnoreCase("all") ? EnumSet.allOf(Stage.class) : parse(list);
        }
    }

    /** Accuracy-loss budgets of the rows: 0.3 % (the paper's), 1 % and 2 %. */
    public static final double[] LOSS_BUDGETS = Gains.TABLE_BUDGETS;

    /** One plan stage 3 fine-tuned, with the front and the role it was chosen for. */
    public record Stage3Row(String front, String role, double cost, Stage3.Result result) { }

    /**
     * What the extras produced (a part not run is null / empty).
     *
     * @param stage3Gains per front and budget: the best gain among the front's stage-3 plans before and after stage 3
     */
    public record Result(List<PruningSteps.Epoch> fig3, List<PruningFilters.Point> peer, Table peerEnergy, Table peerSize,
                         List<Stage3Row> stage3, Table stage3Gains) { }

    /** What the extras work on: the finished pipeline's inputs and fronts. */
    public record Inputs(Profile profile, long seed, RunLayout layout, Splits data, Path baseline, double baselineTestAccuracy,
                         Map<String, List<Summary.Member>> energyFronts, Map<String, List<Summary.Member>> sizeFronts) { }

    private ExtraStages() { }

    /** Runs (or resumes, or reads) the chosen stages and writes their tables into the report directory. */
    public static Result run(Inputs in, Set<Stage> stages, Consumer<String> log) throws IOException {
        Profile p = in.profile();
        Profile.Extras x = p.extras();
        RunLayout layout = in.layout();
        NetworkSpec spec = NetworkSpec.vgg("vgg16", p.width());
        ImageSet train = in.data().train(), val = in.data().val(), test = in.data().test();
        if (!stages.isEmpty()) {
            int plans = stages.contains(Stage.STAGE3) ? 4 * (Dataflow.values().length + Coding.PAPER.length) : 0;
            log.accept(String.format(Locale.ROOT, "beyond the paper: %s; planned at most %.0f epochs over %,d training images "
                    + "(stage 3: at most %d plans; finished parts are read back)", stages,
                    p.extrasEpochs(stages.contains(Stage.FIG3), stages.contains(Stage.PEER), plans, train.size()), train.size(), plans));
        }
        List<PruningSteps.Epoch> fig3 = null;
        if (stages.contains(Stage.FIG3)) {
            fig3 = PruningSteps.run(x.fig3Remaining(), fig3FineTune(p, in.seed()), in.baseline(), train, val,
                    layout.fig3Dir(), log);
            PruningSteps.write(layout.fig3Csv(), fig3);
        }
        List<PruningFilters.Point> peer = null;
        Table pe = null, ps = null;
        if (stages.contains(Stage.PEER)) {
            peer = PruningFilters.run(new PruningFilters.Settings(x.peerPruned(), fineTune(p, x.peerEpochs(), in.seed())),
                    in.baseline(), train, val, test, layout.peerDir(), log);
            pe = PruningFilters.energyRows(peer, in.baselineTestAccuracy(), spec, LOSS_BUDGETS);
            ps = PruningFilters.sizeRows(peer, in.baselineTestAccuracy(), spec, LOSS_BUDGETS);
            Csv.write(layout.peerEnergyCsv(), pe);
            Csv.write(layout.peerSizeCsv(), ps);
        }
        List<Stage3Row> s3 = new ArrayList<>();
        Table s3g = null;
        if (stages.contains(Stage.STAGE3)) {
            ImageSet slice = x.stage3Images() > 0 && x.stage3Images() < train.size() ? train.balancedSample(x.stage3Images(), in.seed()) : train;
            TrainConfig ft = fineTune(p, x.stage3Epochs(), in.seed());
            Map<String, List<Summary.Member>> fronts = new LinkedHashMap<>();
            Map<String, ToDoubleFunction<Summary.Member>> costs = new LinkedHashMap<>();
            Map<String, Double> base = new LinkedHashMap<>();
            for (Dataflow d : Dataflow.values()) {
                String n = RunLayout.searchName(Objective.ENERGY, d, Coding.DENSE);
                fronts.put(n, in.energyFronts().get(d.name()));
                costs.put(n, Summary.Member::energyMilliJoules);
                base.put(n, new ReferenceCosts(spec, d, Coding.DENSE).baselineEnergy());
            }
            double dense32 = SizeModel.of(spec).kibibytes(CompressionPlan.uncompressed(spec), Coding.DENSE);
            for (Coding c : Coding.PAPER) {
                String n = RunLayout.searchName(Objective.SIZE, Dataflow.XY, c);
                fronts.put(n, in.sizeFronts().get(c.cliName()));
                costs.put(n, Summary.Member::sizeKiB);
                base.put(n, dense32);
            }
            s3 = stage3(fronts, costs, in.baselineTestAccuracy(), layout, slice, val, test, ft, log);
            s3g = stage3Gains(s3, base, in.baselineTestAccuracy());
            writeStage3(layout.stage3Csv(), s3);
            Csv.write(layout.stage3GainsCsv(), s3g);
        }
        return new Result(fig3, peer, pe, ps, s3, s3g);
    }

    /** The prefix of stage 3's columns in Tables II and III. */
    public static final String STAGE3_BESIDE = "stage3";

    /**
     * The columns of the peer method and of stage 3 beside EMOMC's in Table II (energy) or III
     * (size), from what the run directory holds (the peer's grid points and the report's stage-3
     * plans, each with its per-image test results when they were kept); a part the run directory
     * does not hold gives empty columns that say it was not run.
     */
    public static List<Gains.Beside> beside(RunLayout layout, Gains.Kind kind) throws IOException {
        List<Gains.Beside> out = new ArrayList<>();
        List<PruningFilters.Point> peer = PruningFilters.read(layout.peerDir());
        out.add(peer.isEmpty() ? Gains.Beside.notRun(PruningFilters.BESIDE, "not run in this run directory (./emomc reproduce --extras peer)")
                : PruningFilters.beside(peer, kind, PruningFilters.baseCorrectness(layout.peerDir())));
        List<String[]> s3 = Csv.readRows(layout.stage3Csv());
        if (!Files.exists(layout.stage3Csv())) {
            out.add(Gains.Beside.notRun(STAGE3_BESIDE, "not run in this run directory (./emomc reproduce --extras stage3)"));
            return out;
        }
        Map<String, String> labels = rowLabels(kind);
        Map<String, List<Gains.Candidate>> fronts = new LinkedHashMap<>();
        for (String label : labels.values()) fronts.put(label, new ArrayList<>());
        for (String[] r : s3) {
            // front, role, plan, cost, epochs, val_before, val_after, test_before, test_after, test_recovered (writeStage3)
            String label = labels.get(r[0]);
            if (label == null) continue;   // a front of the other table
            Correctness c = CorrectnessFile.read(layout.stage3Dir(r[2]).resolve(Stage3.TEST_CORRECTNESS)).get(Stage3.AFTER);
            fronts.get(label).add(new Gains.Candidate(Double.parseDouble(r[8]), Double.parseDouble(r[3]), c, r[2] + " (" + r[1] + ")"));
        }
        out.add(new Gains.Beside(STAGE3_BESIDE, fronts, null, null));
        return out;
    }

    /** Search name (energy-XY, size-csr, ...) to the row label of Table II or III (X|Y, CSR, ...). */
    private static Map<String, String> rowLabels(Gains.Kind kind) {
        Map<String, String> m = new LinkedHashMap<>();
        if (kind == Gains.Kind.ENERGY) for (Dataflow d : Dataflow.values()) m.put(RunLayout.searchName(Objective.ENERGY, d, Coding.DENSE), d.label());
        else for (Coding c : Coding.PAPER) m.put(RunLayout.searchName(Objective.SIZE, Dataflow.XY, c), Reproduce.paperName(c));
        return m;
    }

    /** The fine-tuning of the extras: stage 1's (cosine from the profile's fine-tuning rate) over {@code epochs}. */
    static TrainConfig fineTune(Profile p, int epochs, long seed) {
        return p.fineTuning(epochs, seed);
    }

    /** Fig. 3's fine-tuning: the profile's fine-tuning rate, constant, over its K epochs per arm. */
    static TrainConfig fig3FineTune(Profile p, long seed) {
        return PruningSteps.fineTuning(p.extras().fig3Steps(), p.batch(), p.fineTuneLr(), seed).withPrecision(p.trainPrecision());
    }

    /**
     * The plans stage 3 fine-tunes on one front: its knee (on test accuracy) and, per budget, the
     * cheapest member whose test accuracy is within the budget of the baseline's. A plan chosen
     * twice is listed once per role.
     *
     * @return role ("knee", "0.3%", ...) to the chosen member
     */
    public static Map<String, Summary.Member> choose(List<Summary.Member> front, ToDoubleFunction<Summary.Member> cost,
                                                     double baselineAccuracy) {
        Map<String, Summary.Member> out = new LinkedHashMap<>();
        int k = Knee.index(front, Summary.Member::testAccuracy, cost);
        if (k >= 0) out.put("knee", front.get(k));
        for (double b : LOSS_BUDGETS) {
            int best = Gains.cheapestWithin(front, Summary.Member::testAccuracy, cost, baselineAccuracy, b);
            if (best >= 0) out.put(budgetLabel(b), front.get(best));
        }
        return out;
    }

    static String budgetLabel(double b) {
        return String.format(Locale.ROOT, "%s%%", new java.math.BigDecimal(100 * b).round(new java.math.MathContext(3))
                .stripTrailingZeros().toPlainString());
    }

    private static List<Stage3Row> stage3(Map<String, List<Summary.Member>> fronts, Map<String, ToDoubleFunction<Summary.Member>> costs,
                                          double baseAcc, RunLayout layout, ImageSet train, ImageSet val, ImageSet test, TrainConfig ft,
                                          Consumer<String> log) throws IOException {
        List<Stage3Row> rows = new ArrayList<>();
        for (var f : fronts.entrySet()) {
            if (f.getValue() == null) continue;
            for (var e : choose(f.getValue(), costs.get(f.getKey()), baseAcc).entrySet()) {
                Genome g = e.getValue().genome();
                CompressionPlan plan = CompressionPlan.of(g.remaining(), g.bits());
                // The same genome on several fronts is fine-tuned once: its directory is named after the plan.
                Stage3.Result r = Stage3.run(Stage1.checkpoint(layout.stage1Dir(), g.remaining()), plan, ft, train, val, test,
                        layout.stage3Dir(Stage3.label(plan)), log);
                rows.add(new Stage3Row(f.getKey(), e.getKey(), costs.get(f.getKey()).applyAsDouble(e.getValue()), r));
            }
        }
        return rows;
    }

    /**
     * Per front and budget: among the front's stage-3 plans, the best gain (baseline cost / cost)
     * within the budget before stage 3 (the stage-2 accuracy) and after it.
     */
    static Table stage3Gains(List<Stage3Row> rows, Map<String, Double> baseline, double baseAcc) {
        tech.tablesaw.api.StringColumn front = tech.tablesaw.api.StringColumn.create("front");
        tech.tablesaw.api.DoubleColumn budget = tech.tablesaw.api.DoubleColumn.create("loss_budget"),
                before = tech.tablesaw.api.DoubleColumn.create("gain_before_stage3"),
                after = tech.tablesaw.api.DoubleColumn.create("gain_after_stage3");
        for (var b : baseline.entrySet()) {
            List<Stage3Row> mine = rows.stream().filter(r -> r.front().equals(b.getKey())).toList();
            for (double loss : LOSS_BUDGETS) {
                front.append(b.getKey());
                budget.append(loss);
                before.append(Gains.best(mine, r -> r.result().testBefore(), Stage3Row::cost, baseAcc, b.getValue(), loss)[1]);
                after.append(Gains.best(mine, r -> r.result().testAfter(), Stage3Row::cost, baseAcc, b.getValue(), loss)[1]);
            }
        }
        return Table.create("Stage 3 (beyond the paper): gains before and after QAT", front, budget, before, after);
    }

    static void writeStage3(Path file, List<Stage3Row> rows) throws IOException {
        Csv.Builder csv = new Csv.Builder("front", "role", "plan", "cost", "epochs", "val_before", "val_after", "test_before", "test_after",
                "test_recovered");
        for (Stage3Row r : rows) {
            Stage3.Result s = r.result();
            csv.row(r.front(), r.role(), Stage3.label(s.plan()), r.cost(), s.epochs(), s.valBefore(), s.valAfter(), s.testBefore(),
                    s.testAfter(), s.testRecovered());
        }
        csv.write(file);
    }
}
