package org.emomc4j.search;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.compress.prune.FilterPruning;
import org.emomc4j.data.ImageSet;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.ReferenceEnergyModel;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.metrics.Gains;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.Csv;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paper's peer method "Pruning Filters" (Li et al., ICLR 2017), computed by us: in every conv
 * layer the filters with the smallest L1 norms are removed (one pruned fraction for all conv
 * layers, a grid of fractions), structurally (the filter, its BatchNorm and the next layer's
 * input channels, {@link FilterPruning#apply}), then the smaller network is fine-tuned with the
 * removed filters held at zero. Weights stay 32-bit. Every grid point is scored on the same
 * validation and test images as the EMOMC fronts, and its costs come from the same models: energy
 * per dataflow of the plan the kept weights form ({@link FilterPruning#plan}), size in dense
 * coding of the smaller network (filters are removed, so no index is needed), and CSR / COO of
 * its kept weights. The peer rows of Tables II and III ({@link #energyRows}, {@link #sizeRows})
 * take, per accuracy-loss budget, the cheapest grid point within it.
 *
 * <p>Resumable per fine-tuning epoch; the directory's resume key holds the grid, the fine-tuning,
 * the base network's SHA-256 and the data.
 */
public final class PruningFilters {

    public static final String CSV = "pruning-filters.csv";
    /**
     * Per-image test correctness ({@link CorrectnessFile}) of every grid point (key {@code f0.50}
     * for half the filters removed) and of the base network ({@link CorrectnessFile#UNCOMPRESSED}),
     * for the paired losses of the peer columns of Tables II and III.
     */
    public static final String TEST_CORRECTNESS = "test-correctness.txt";
    static final String[] HEADER = {"pruned_filters", "val_accuracy", "test_accuracy", "weights_kept", "macs_kept",
            "energy_XY_mJ", "energy_ICOC_mJ", "energy_FXFY_mJ", "energy_XFX_mJ", "size_dense_KiB", "size_csr_KiB",
            "size_coo_KiB", "epochs", "seconds"};

    /**
     * One fine-tuned grid point.
     *
     * @param prunedFilters fraction of each conv layer's filters removed
     * @param weightsKept   fraction of all compressible weights left
     * @param macsKept      fraction of the MACs left
     * @param energy        per dataflow (enum name), mJ, 32-bit weights
     * @param size          per coding (CLI name), KiB: dense is the smaller network's dense size
     * @param testCorrect   per-image correctness on the test images (its accuracy is {@code testAccuracy}); null when
     *                      a run from before kept none
     */
    public record Point(double prunedFilters, double valAccuracy, double testAccuracy, double weightsKept, double macsKept,
                        Map<String, Double> energy, Map<String, Double> size, int epochs, double seconds, Correctness testCorrect) {
        /** The key of the point's per-image results and checkpoint: {@code f0.50}. */
        public String key() { return key(prunedFilters); }

        static String key(double f) { return String.format(Locale.ROOT, "f%.2f", f); }
    }

    /**
     * The grid and the fine-tuning.
     *
     * @param prunedFilters the grid of pruned fractions, each in [0, 1)
     * @param fineTune      fine-tuning settings; its epoch count is the epochs per grid point
     */
    public record Settings(double[] prunedFilters, TrainConfig fineTune) {
        public Settings {
            if (prunedFilters.length == 0) throw new UserError("the pruning-filters grid is empty");
            for (double p : prunedFilters)
                if (!(p >= 0 && p < 1)) throw new UserError("a pruned fraction of filters must be in [0, 1), got " + p);
            prunedFilters = prunedFilters.clone();
        }
    }

    private PruningFilters() { }

    /** What makes the peer run the same run: grid, fine-tuning, base network and data. */
    public static ResumeKey resumeKey(Settings s, Path base, ImageSet train, ImageSet val, ImageSet test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pruned_filters", Arrays.toString(s.prunedFilters()));
        m.put("epochs", s.fineTune().epochs());
        FineTuning.putRun(m, s.fineTune(), "base_sha256", base, train, val, test);
        return ResumeKey.of("pruning-filters", m);
    }

    /** Runs, resumes or reads the grid in {@code dir} (finished points are read back). */
    public static List<Point> run(Settings s, Path base, ImageSet train, ImageSet val, ImageSet test, Path dir,
                                  Consumer<String> log) throws IOException {
        if (!Files.isRegularFile(base)) throw new UserError("base checkpoint " + base + " does not exist");
        try (RunDirectory claim = RunDirectory.claim(dir, resumeKey(s, base, train, val, test), true)) {
            Map<Double, Point> done = new java.util.TreeMap<>();
            for (Point p : read(dir)) done.put(p.prunedFilters(), p);
            for (double f : s.prunedFilters()) {
                if (done.containsKey(f)) continue;
                long t0 = System.nanoTime();
                Model model = Model.load(base);
                boolean[][] kept = FilterPruning.keptFilters(model, 1 - f);
                FilterPruning.apply(model, kept);
                String label = Point.key(f);
                int epochs = s.fineTune().epochs();
                TrainConfig cfg = s.fineTune().withSeed(s.fineTune().seed() + Math.round(f * 10_000));
                FineTuning.run(model, cfg, train, dir.resolve(label + ".partial.ckpt"), null, null, List.of(), new FineTuning.Epochs() {
                    @Override
                    public Object[] after(int e) {
                        log.accept(String.format(Locale.ROOT, "pruning filters: %.0f %% of filters removed, fine-tuning epoch %d/%d",
                                100 * f, e, epochs));
                        return null;
                    }
                });
                double va = model.accuracy(val, 256);
                Correctness tc = CheckpointAccuracy.correctness(model, test, 256, Precision.FP32);
                double ta = tc.accuracy();
                model.save(dir.resolve(label + ".ckpt"));
                Point p = point(model.spec(), kept, f, va, ta, epochs, (System.nanoTime() - t0) / 1e9, tc);
                done.put(f, p);
                writeCorrectness(dir, base, test, done.values());
                write(dir, done.values());
                Files.deleteIfExists(dir.resolve(label + ".partial.ckpt"));
                log.accept(String.format(Locale.ROOT, "pruning filters: %.0f %% removed -> %.1f %% of the weights left, val %.2f %%, "
                        + "test %.2f %%", 100 * f, 100 * p.weightsKept(), 100 * va, 100 * ta));
            }
            List<Point> out = new ArrayList<>();
            for (double f : s.prunedFilters()) out.add(done.get(f));
            return out;
        }
    }

    /** The costs of a filter-pruned network (32-bit weights). */
    static Point point(NetworkSpec spec, boolean[][] kept, double f, double va, double ta, int epochs, double seconds, Correctness tc) {
        CompressionPlan plan = FilterPruning.plan(spec, kept, 32);
        ReferenceEnergyModel em = ReferenceEnergyModel.of(spec);
        Map<String, Double> energy = new LinkedHashMap<>(), size = new LinkedHashMap<>();
        for (Dataflow d : Dataflow.values()) energy.put(d.name(), em.energyMilliJoules(plan, d));
        size.put(Coding.DENSE.cliName(), structuralDenseKiB(spec, plan));
        SizeModel sm = SizeModel.of(spec);
        size.put(Coding.CSR.cliName(), sm.kibibytes(plan, Coding.CSR));
        size.put(Coding.COO.cliName(), sm.kibibytes(plan, Coding.COO));
        double w = 0, macs = 0;
        for (int l = 0; l < spec.size(); l++) {
            w += spec.layer(l).weightCount() * plan.remaining(l);
            macs += spec.layer(l).macs() * plan.remaining(l);
        }
        return new Point(f, va, ta, w / spec.weightCount(), macs / spec.macs(), energy, size, epochs, seconds, tc);
    }

    /** Dense coding of the network the removed filters leave: sum over layers of N_l r_l b_l bits, in KiB. */
    public static double structuralDenseKiB(NetworkSpec spec, CompressionPlan plan) {
        double bits = 0;
        for (int l = 0; l < spec.size(); l++) bits += spec.layer(l).weightCount() * plan.remaining(l) * plan.weightBits(l);
        return bits / 8192;
    }

    /**
     * The grid points' and the base network's per-image test correctness (the base network is scored
     * once, in fp32 like the points), written before the points' CSV so a point read back has its bits.
     */
    private static void writeCorrectness(Path dir, Path base, ImageSet test, Iterable<Point> points) throws IOException {
        Map<String, Correctness> old = CorrectnessFile.read(dir.resolve(TEST_CORRECTNESS)), all = new LinkedHashMap<>();
        Correctness b = old.get(CorrectnessFile.UNCOMPRESSED);
        if (b == null) {
            Model m = Model.load(base);
            b = CheckpointAccuracy.correctness(m, test, 256, Precision.FP32);
            m.releaseBuffers();
        }
        all.put(CorrectnessFile.UNCOMPRESSED, b);
        for (Point p : points) if (p.testCorrect() != null) all.put(p.key(), p.testCorrect());
        CorrectnessFile.write(dir.resolve(TEST_CORRECTNESS), all);
    }

    /** The base network's per-image test correctness recorded in a peer directory, or null. */
    public static Correctness baseCorrectness(Path dir) throws IOException {
        return CorrectnessFile.read(dir.resolve(TEST_CORRECTNESS)).get(CorrectnessFile.UNCOMPRESSED);
    }

    /** The finished grid points recorded in a peer directory (empty when none), with their per-image results when kept. */
    public static List<Point> read(Path dir) throws IOException {
        List<Point> out = new ArrayList<>();
        Map<String, Correctness> correct = CorrectnessFile.read(dir.resolve(TEST_CORRECTNESS));
        for (String[] r : Csv.readRows(dir.resolve(CSV))) {
            Map<String, Double> e = new LinkedHashMap<>(), z = new LinkedHashMap<>();
            int i = 5;
            for (Dataflow d : Dataflow.values()) e.put(d.name(), Double.parseDouble(r[i++]));
            for (Coding c : Coding.PAPER) z.put(c.cliName(), Double.parseDouble(r[i++]));
            double f = Double.parseDouble(r[0]), ta = Double.parseDouble(r[2]);
            Correctness c = correct.get(Point.key(f));
            if (c != null && c.accuracy() != ta)
                throw new UserError("the per-image correctness of " + Point.key(f) + " in " + dir.resolve(TEST_CORRECTNESS) + " gives test "
                        + "accuracy " + c.accuracy() + ", but " + dir.resolve(CSV) + " records " + ta
                        + ": the directory is inconsistent; delete it to run the peer method again");
            out.add(new Point(f, Double.parseDouble(r[1]), ta, Double.parseDouble(r[3]), Double.parseDouble(r[4]), e, z,
                    Integer.parseInt(r[i]), Double.parseDouble(r[i + 1]), c));
        }
        return out;
    }

    private static void write(Path dir, Iterable<Point> points) throws IOException {
        Csv.Builder csv = new Csv.Builder(HEADER);
        for (Point p : points) {
            List<Object> row = new ArrayList<>(List.of(p.prunedFilters(), p.valAccuracy(), p.testAccuracy(), p.weightsKept(), p.macsKept()));
            for (Dataflow d : Dataflow.values()) row.add(p.energy().get(d.name()));
            for (Coding c : Coding.PAPER) row.add(p.size().get(c.cliName()));
            row.add(p.epochs());
            row.add(String.format(Locale.ROOT, "%.2f", p.seconds()));
            csv.row(row.toArray());
        }
        csv.write(dir.resolve(CSV));
    }

    /**
     * The peer's columns of Table II (energy, per dataflow under its paper name) or III (size, per
     * coding): every grid point as a candidate, 32-bit weights, each layer's r the fraction of its
     * weights the kept filters and input channels leave ({@link FilterPruning#plan}); its losses
     * pair with the base network's per-image results recorded beside the points (null: the row's).
     */
    public static Gains.Beside beside(List<Point> points, Gains.Kind kind, Correctness base) {
        Map<String, List<Gains.Candidate>> fronts = new LinkedHashMap<>();
        if (kind == Gains.Kind.ENERGY) {
            for (Dataflow d : Dataflow.values())
                fronts.put(d.label(), points.stream().map(p -> candidate(p, p.energy().get(d.name()))).toList());
        } else {
            for (Coding c : Coding.PAPER)
                fronts.put(Reproduce.paperName(c), points.stream().map(p -> candidate(p, p.size().get(c.cliName()))).toList());
        }
        return new Gains.Beside(BESIDE, fronts, base, null);
    }

    /** The prefix of the peer's columns in Tables II and III. */
    public static final String BESIDE = "peer";

    private static Gains.Candidate candidate(Point p, double cost) {
        return new Gains.Candidate(p.testAccuracy(), cost, p.testCorrect(),
                String.format(Locale.ROOT, "%.0f%% of filters removed", 100 * p.prunedFilters()));
    }

    /**
     * The peer rows of Table II: per loss budget and dataflow, the grid point of least energy whose
     * test accuracy is within the budget of the baseline's, and its gain over the uncompressed
     * 32-bit network's energy on that dataflow.
     */
    public static Table energyRows(List<Point> points, double baselineTestAccuracy, NetworkSpec spec, double[] budgets) {
        Map<String, Double> base = new LinkedHashMap<>();
        ReferenceEnergyModel em = ReferenceEnergyModel.of(spec);
        for (Dataflow d : Dataflow.values()) base.put(d.name(), em.energyMilliJoules(CompressionPlan.uncompressed(spec), d));
        return rows("Pruning Filters (Li et al., ours): energy", "dataflow", points, baselineTestAccuracy, base, budgets, true);
    }

    /**
     * The peer rows of Table III: per loss budget and coding, the smallest grid point within the
     * budget, and its rate against the dense 32-bit network (the paper's rule for every coding).
     */
    public static Table sizeRows(List<Point> points, double baselineTestAccuracy, NetworkSpec spec, double[] budgets) {
        double dense32 = SizeModel.of(spec).kibibytes(CompressionPlan.uncompressed(spec), Coding.DENSE);
        Map<String, Double> base = new LinkedHashMap<>();
        for (Coding c : Coding.PAPER) base.put(c.cliName(), dense32);
        return rows("Pruning Filters (Li et al., ours): size", "coding", points, baselineTestAccuracy, base, budgets, false);
    }

    private static Table rows(String name, String rowLabel, List<Point> points, double baseAcc, Map<String, Double> base,
                              double[] budgets, boolean energy) {
        StringColumn method = StringColumn.create("method"), label = StringColumn.create(rowLabel);
        DoubleColumn budget = DoubleColumn.create("loss_budget"), pruned = DoubleColumn.create("pruned_filters"),
                acc = DoubleColumn.create("test_accuracy"), loss = DoubleColumn.create("loss"), b0 = DoubleColumn.create("baseline"),
                cost = DoubleColumn.create(energy ? "energy_mJ" : "size_KiB"), gain = DoubleColumn.create("gain");
        for (double b : budgets)
            for (var e : base.entrySet()) {
                Point best = null;
                for (Point p : points) {
                    double c = (energy ? p.energy() : p.size()).get(e.getKey());
                    if (p.testAccuracy() >= baseAcc - b - 1e-12
                            && (best == null || c < (energy ? best.energy() : best.size()).get(e.getKey()))) best = p;
                }
                method.append("Pruning Filters");
                budget.append(b);
                label.append(e.getKey());
                b0.append(e.getValue());
                if (best == null) {
                    pruned.appendMissing();
                    acc.appendMissing();
                    loss.appendMissing();
                    cost.appendMissing();
                    gain.appendMissing();
                } else {
                    double c = (energy ? best.energy() : best.size()).get(e.getKey());
                    pruned.append(best.prunedFilters());
                    acc.append(best.testAccuracy());
                    loss.append(baseAcc - best.testAccuracy());
                    cost.append(c);
                    gain.append(e.getValue() / c);
                }
            }
        return Table.create(name, method, budget, label, pruned, acc, loss, b0, cost, gain);
    }
}
