package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Gains;
import org.emomc4j.util.Csv;
import org.emomc4j.util.Hashes;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paper's design ablation: two-stage EMOMC against a one-stage search, at an equal training
 * budget. Two-stage pays its fine-tuning once, in stage 1 (one network per grid point), and its
 * search only quantizes and infers. The one-stage search prunes and quantizes every candidate
 * from the base network and fine-tunes it briefly with that plan in the forward pass; it may
 * train on as many images in all as stage 1 did, spread evenly over the candidates its budget
 * plans to measure (population + generations x offspring). Same genome grid, operators, seed,
 * validation images and cost model; both fronts are re-scored on the test split and compared by
 * hypervolume in the same fixed box, by their best gains and by wall time.
 *
 * <p>What "equal budget" leaves out, on purpose: stage 1 is shared by all seven searches of a
 * reproduction (four dataflows, three codings), whereas a one-stage search pays its training for
 * every objective again. The table compares one search against one search.
 */
public final class OneStageAblation {
    private OneStageAblation() { }

    /** The schemes' names in tables and charts. */
    public static final String SCHEME_TWO = "two-stage", SCHEME_ONE = "one-stage";

    /**
     * One scheme's side of the comparison.
     *
     * @param trainingImages  images trained on in all (stage 1, or every candidate's fine-tuning)
     * @param measured        candidates whose accuracy was measured
     * @param trainingSeconds wall time of stage 1 (two-stage) or 0 (one-stage trains inside its search)
     * @param searchSeconds   wall time of the search (without the test re-scoring)
     * @param testHypervolume hypervolume of the front re-scored on test (same box for both schemes)
     * @param front           the front, with validation and test accuracies
     */
    public record Scheme(String name, long trainingImages, int measured, double trainingSeconds, double searchSeconds,
                         double testHypervolume, List<Summary.Member> front) {
        public double totalSeconds() { return trainingSeconds + searchSeconds; }
    }

    /**
     * @param imagesPerCandidate the one-stage fine-tuning per candidate (images x epochs)
     * @param table              one row per scheme (for printing and CSV)
     */
    public record Result(Scheme twoStage, Scheme oneStage, long imagesPerCandidate, double baselineTestAccuracy, Table table) {
        /** Both fronts on test accuracy, keyed by scheme, for {@code report.Charts#fronts}. */
        public Map<String, List<Evaluation>> testFronts() {
            Map<String, List<Evaluation>> m = new LinkedHashMap<>();
            m.put(SCHEME_TWO, twoStage.front().stream().map(Summary.Member::asTestEvaluation).toList());
            m.put(SCHEME_ONE, oneStage.front().stream().map(Summary.Member::asTestEvaluation).toList());
            return m;
        }
    }

    /** What the comparison runs on. */
    public record Inputs(Path stage1, Path twoStage, Path out, SearchConfig config, ReferenceCosts costs,
                         ImageSet train, ImageSet val, ImageSet test, int batch, double fineTuneLr, long seed) {
        public Inputs {
            if (!Files.isRegularFile(twoStage.resolve(Summary.FILE)))
                throw new UserError("no finished two-stage search in " + twoStage + " (expected " + Summary.FILE
                        + "): run './emomc reproduce' (or './emomc search --stage1 ...') first");
            if (batch < 1) throw new UserError("batch must be >= 1, got " + batch);
        }
    }

    /** Images one epoch over a set trains on (the loader drops an incomplete last batch). */
    public static long imagesPerEpoch(int setSize, int batch) {
        return setSize >= batch ? (long) (setSize / batch) * batch : setSize;
    }

    /**
     * The one-stage fine-tuning per candidate that spends stage 1's budget: {slice images, epochs}.
     * One epoch over a class-balanced slice when the share fits in the training set (rounded down to
     * whole batches), else whole epochs over the training set.
     */
    public static int[] fineTuneShare(long stage1Images, int plannedEvaluations, int trainSize, int batch) {
        long share = Math.max(1, stage1Images / Math.max(1, plannedEvaluations));
        if (share <= trainSize) {
            int slice = (int) (share >= batch ? share / batch * batch : share);
            return new int[]{slice, 1};
        }
        return new int[]{trainSize, (int) Math.max(1, share / imagesPerEpoch(trainSize, batch))};
    }

    /**
     * A class-balanced slice whose training epoch covers {@code images}: the balanced sample keeps
     * whole classes (it may come out a few images short), and an epoch drops an incomplete last
     * batch, so for whole batches it asks for up to a batch more and the epoch trains exactly
     * {@code images} (batches of 10 or more).
     */
    static ImageSet slice(ImageSet train, int images, int batch, long seed) {
        int ask = images >= batch ? images + batch - 1 : images;
        return ask >= train.size() ? train : train.balancedSample(ask, seed);
    }

    /** Runs (or resumes, or just reads) the one-stage search and compares it with the finished two-stage one. */
    public static Result run(Inputs in, Consumer<String> log) throws IOException {
        List<Stage1.Point> points = Stage1.readCsv(in.stage1());
        if (points.isEmpty())
            throw new UserError("no finished stage-1 points in " + in.stage1() + ": run stage 1 first");
        Path base = Stage1.baseOf(in.stage1());
        if (base == null || !Files.isRegularFile(base))
            throw new UserError("the base network of " + in.stage1() + " (" + base + ") is missing: the one-stage search "
                    + "fine-tunes every candidate from it (a committed results/ directory holds no checkpoints; re-run into runs/)");
        long perEpoch = imagesPerEpoch(in.train().size(), in.batch());
        long s1Images = 0;
        double s1Seconds = 0;
        for (Stage1.Point p : points) {
            s1Images += Math.round(p.epochs() * perEpoch);
            s1Seconds += p.seconds();
        }
        int[] share = fineTuneShare(s1Images, in.config().plannedEvaluations(), in.train().size(), in.batch());
        ImageSet slice = slice(in.train(), share[0], in.batch(), in.seed());
        long perCandidate = imagesPerEpoch(slice.size(), in.batch()) * share[1];
        log.accept(String.format(Locale.ROOT, "one-stage: stage 1 trained on %,d images (%d epochs); %d planned candidates -> "
                + "%,d images each (%d epoch(s) over %,d)", s1Images, Math.round(points.stream().mapToDouble(Stage1.Point::epochs).sum()),
                in.config().plannedEvaluations(), perCandidate, share[1], slice.size()));

        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("scheme", SCHEME_ONE);
        extra.put("joint_base", base.toAbsolutePath().toString());
        extra.put("joint_base_sha256", Hashes.sha256(base));
        extra.put("stage1", Reproduce.stage1Identity(in.stage1()));
        extra.put("train_images", in.train().size() + " sha256 " + in.train().fingerprint());
        extra.put("finetune_images", slice.size());
        extra.put("finetune_epochs", share[1]);
        extra.put("finetune_lr", in.fineTuneLr());
        SearchConfig cfg = in.config().withExtra(extra);
        var fineTune = Stage1.fineTuning(share[1], in.batch(), in.fineTuneLr(), in.seed());
        Summary.Baseline baseline = Summary.readBaseline(in.twoStage());
        // Test re-scoring: the same fine-tuning (deterministic) measured on test, i.e. the network the search chose; the
        // memo keeps each front member's per-image results, so the re-scoring and test-correctness.txt fine-tune it once.
        Stage2.Outcome outcome = Stage2.run(new Stage2.Plan(SCHEME_ONE, cfg, Stage1.available(in.stage1()), in.costs(),
                new MemoAccuracy(new FineTuneAccuracy(base, slice, in.val(), fineTune, 256)),
                new MemoAccuracy(new FineTuneAccuracy(base, slice, in.test(), fineTune, 256)), baseline::testAccuracy, in.out()), true, log);
        SearchRun run = outcome.run();
        SearchRun.Result r = outcome.result();
        List<Summary.Member> oneFront = outcome.front();
        List<Summary.Member> twoFront = Summary.readFront(in.twoStage());
        int twoMeasured = Csv.readRows(in.twoStage().resolve(SearchRun.EVALUATIONS)).size();
        Scheme two = new Scheme(SCHEME_TWO, s1Images, twoMeasured, s1Seconds, Summary.readSearchSeconds(in.twoStage()),
                run.hypervolume(asTest(twoFront)), twoFront);
        Scheme one = new Scheme(SCHEME_ONE, perCandidate * r.evaluations().size(), r.evaluations().size(), 0,
                r.seconds(), run.hypervolume(asTest(oneFront)), oneFront);
        Map<String, Map<String, org.emomc4j.metrics.Correctness>> correct = new LinkedHashMap<>();
        correct.put(SCHEME_TWO, Summary.readTestCorrectness(in.twoStage()));
        correct.put(SCHEME_ONE, Summary.readTestCorrectness(in.out()));
        return new Result(two, one, perCandidate, baseline.testAccuracy(), table(cfg, baseline, correct, two, one));
    }

    private static List<Evaluation> asTest(List<Summary.Member> front) {
        return front.stream().map(Summary.Member::asTestEvaluation).toList();
    }

    /**
     * One row per scheme; the best gains at 0.3 % and 1 % test-accuracy loss with the upper end of
     * their paired 95 % loss intervals (in points; NaN when a search kept no per-image results), each
     * scheme's front paired with the uncompressed network's results its own search recorded.
     */
    private static Table table(SearchConfig cfg, Summary.Baseline baseline, Map<String, Map<String, org.emomc4j.metrics.Correctness>> correct,
                               Scheme... schemes) {
        boolean size = cfg.objective() == Objective.SIZE;
        double baseCost = size ? baseline.sizeKiB() : baseline.energyMilliJoules();
        StringColumn name = StringColumn.create("scheme");
        LongColumn images = LongColumn.create("training_images");
        IntColumn measured = IntColumn.create("candidates"), frontSize = IntColumn.create("front");
        DoubleColumn train = DoubleColumn.create("training_s"), search = DoubleColumn.create("search_s"),
                total = DoubleColumn.create("total_s"), hv = DoubleColumn.create("test_hypervolume"),
                g03 = DoubleColumn.create("gain@0.3%"), h03 = DoubleColumn.create("loss_hi@0.3%"),
                g1 = DoubleColumn.create("gain@1%"), h1 = DoubleColumn.create("loss_hi@1%");
        for (Scheme s : schemes) {
            name.append(s.name());
            images.append(s.trainingImages());
            measured.append(s.measured());
            frontSize.append(s.front().size());
            train.append(s.trainingSeconds());
            search.append(s.searchSeconds());
            total.append(s.totalSeconds());
            hv.append(s.testHypervolume());
            Map<String, org.emomc4j.metrics.Correctness> c = correct.getOrDefault(s.name(), Map.of());
            List<Gains.Candidate> f = s.front().stream().map(m -> new Gains.Candidate(m.testAccuracy(),
                    size ? m.sizeKiB() : m.energyMilliJoules(), c.get(SearchRun.csvKey(m.genome())))).toList();
            List<Gains.Row> rows = Gains.atBudgets(s.name(), f, new Gains.Baseline(baseline.testAccuracy(), baseCost, Double.NaN,
                    c.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED)), Gains.PAPER_LOSSES);
            g03.append(rows.get(0).gain());
            h03.append(rows.get(0).loss() == null ? Double.NaN : 100 * rows.get(0).loss().upper());
            g1.append(rows.get(1).gain());
            h1.append(rows.get(1).loss() == null ? Double.NaN : 100 * rows.get(1).loss().upper());
        }
        String what = cfg.objective().name().toLowerCase(Locale.ROOT) + " " + (size ? cfg.coding() : cfg.dataflow());
        return Table.create("two-stage vs one-stage at equal training budget (" + what + ", test accuracy)",
                name, images, measured, train, search, total, frontSize, hv, g03, h03, g1, h1);
    }

    /** Writes the table as CSV into the one-stage run directory and returns the file. */
    public static Path writeCsv(Result r, Path dir) throws IOException {
        Path f = dir.resolve(RunLayout.COMPARISON);
        Csv.write(f, r.table());
        return f;
    }
}
