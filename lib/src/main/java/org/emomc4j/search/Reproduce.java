package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.Cifar10;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import org.emomc4j.metrics.Gains;
import org.emomc4j.util.AtomicFiles;
import org.emomc4j.util.Csv;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The whole EMOMC pipeline for one {@link Profile}: baseline training, stage 1 (pruning grid),
 * stage 2 for every dataflow (energy objective) and every coding scheme (size objective), the
 * fronts re-scored on the test split, and the paper's tables and figures. Every stage resumes:
 * running it again after an interruption continues where it stopped.
 */
public final class Reproduce {

    /**
     * Where things go.
     *
     * @param baseline a trained checkpoint of the profile's network to use instead of training one (null: train)
     */
    public record Options(Profile profile, Path out, Path dataDir, long seed, Path baseline, Set<ExtraStages.Stage> extras) {
        public Options {
            extras = extras == null ? Set.of() : Set.copyOf(extras);
        }

        /** The paper's pipeline only (no stage beyond it). */
        public Options(Profile profile, Path out, Path dataDir, long seed, Path baseline) {
            this(profile, out, dataDir, seed, baseline, Set.of());
        }

        public Options(Profile profile, Path out, Path dataDir, long seed) {
            this(profile, out, dataDir, seed, null);
        }
    }

    /**
     * What a reproduction produced (the figures are drawn from it by {@code report.Figures#saveReproduction}).
     *
     * @param hypervolume per search (energy-XY, ..., size-csr), its progress per generation
     */
    public record Report(Profile profile, double baselineTestAccuracy, List<Stage1.Point> stage1,
                         Map<String, List<Summary.Member>> energyFronts, Map<String, List<Summary.Member>> sizeFronts,
                         Map<String, List<SearchRun.Progress>> hypervolume, Table tableII, Table tableIII,
                         Map<String, Double> wallSeconds, Gains.Fronts energyGains, Gains.Fronts sizeGains,
                         ExtraStages.Result extras) {
        /** The same report with other wall times. */
        public Report withWallSeconds(Map<String, Double> w) {
            return new Report(profile, baselineTestAccuracy, stage1, energyFronts, sizeFronts, hypervolume, tableII, tableIII, w,
                    energyGains, sizeGains, extras);
        }

        /** The same report with the stages beyond the paper. */
        public Report withExtras(ExtraStages.Result x) { return withExtras(x, tableII, tableIII); }

        /** The same report with the stages beyond the paper and Tables II / III holding their columns. */
        public Report withExtras(ExtraStages.Result x, Table tableII, Table tableIII) {
            return new Report(profile, baselineTestAccuracy, stage1, energyFronts, sizeFronts, hypervolume, tableII, tableIII, wallSeconds,
                    energyGains, sizeGains, x);
        }

        /** Energy fronts on test accuracy, per dataflow. */
        public Map<String, List<Evaluation>> energyTestFronts() { return asTest(energyFronts); }

        /** Table II at any list of loss budgets (e.g. 0.003, 0.01, 0.02), with paired intervals. */
        public List<Gains.Row> energyRows(double... budgets) { return energyGains.rows(budgets); }

        /** Table III at any list of loss budgets, with both size-rate definitions. */
        public List<Gains.Row> sizeRows(double... budgets) { return sizeGains.rows(budgets); }

        /** Size fronts on test accuracy, per coding. */
        public Map<String, List<Evaluation>> sizeTestFronts() { return asTest(sizeFronts); }
    }

    private Reproduce() { }

    /** What makes a reproduction the same run: the profile and the seed (each stage's own key holds its inputs). */
    public static ResumeKey resumeKey(Profile p, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", p);
        m.put("seed", seed);
        return ResumeKey.of("reproduce", m);
    }

    /**
     * Runs the pipeline in the run directory {@code o.out()}, or continues it: every stage that
     * has finished there is reused, and a finished reproduction is only read back (nothing is
     * computed; the log says so). The run directory is locked meanwhile.
     */
    public static Report run(Options o, Consumer<String> log) throws IOException {
        Profile p = o.profile();
        RunLayout layout = new RunLayout(o.out());
        try (RunDirectory claim = RunDirectory.claim(o.out(), resumeKey(p, o.seed()), true)) {
            if (layout.finished()) {
                if (o.baseline() != null) {
                    String used = new ObjectMapper().readTree(layout.reproduceJson().toFile()).path("baseline_checkpoint").asText("");
                    if (!Path.of(used).equals(o.baseline().toAbsolutePath()))
                        throw new UserError("the reproduction in " + o.out() + " finished with baseline " + used + ", not --baseline "
                                + o.baseline() + ": use another --out");
                }
                log.accept("reproduce: " + p.label() + " in " + o.out().toAbsolutePath() + " has finished: nothing to compute; "
                        + "rebuilding Tables II and III in " + layout.reportDir() + " from its searches");
                Report r = read(layout, p, log);
                writeTables(layout, p, r.energyGains(), r.sizeGains());
                return extras(o, layout, r, log);
            }
            return extras(o, layout, runClaimed(o, layout, log), log);
        }
    }

    private static Report runClaimed(Options o, RunLayout layout, Consumer<String> log) throws IOException {
        Profile p = o.profile();
        log.accept(String.format(Locale.ROOT, "reproduce: %s -> %s", p.label(), o.out().toAbsolutePath()));
        for (String line : plan(layout, p)) log.accept(line);
        Splits s = p.sample(Cifar10.load(o.dataDir()).splits(), o.seed());
        ImageSet train = s.train(), val = s.val(), test = s.test();
        NetworkSpec spec = NetworkSpec.vgg("vgg16", p.width());

        // 1. Baseline.
        Path baseCk;
        if (o.baseline() != null) {
            NetworkSpec given = Model.load(o.baseline()).spec();
            if (!given.id().equals(spec.id()))
                throw new UserError("--baseline " + o.baseline() + " is a " + given.id() + ", but profile "
                        + p.name() + " needs a " + spec.id());
            baseCk = o.baseline();
            log.accept("baseline: using " + baseCk);
        } else {
            baseCk = train(p, spec, train, val, layout, o.seed(), log);
        }
        double baseTest = baselineTestAccuracy(layout, baseCk, test, log);

        // 2. Stage 1.
        Path s1 = layout.stage1Dir();
        Stage1 stage1 = p.stage1(p.stage1Mode(), o.seed());
        int[] ran = {0};
        Stage1.Listener shown = Stage1.progress(line -> log.accept("stage 1: " + line));
        List<Stage1.Point> points = stage1.run(baseCk, train, val, 256, s1, new Stage1.Listener() {
            @Override public void started(double[] rs, double[] epochsPerPoint) { shown.started(rs, epochsPerPoint); }

            @Override public void point(int i, int n, double r, int s, int k) { shown.point(i, n, r, s, k); }

            @Override public void epoch(Trainer.EpochResult e) { shown.epoch(e); }

            @Override public void finished(Stage1.Point pt) {
                ran[0]++;
                shown.finished(pt);
            }
        });
        if (ran[0] == 0) log.accept("stage 1: all " + points.size() + " grid points finished earlier; nothing to do");

        // 3. Stage 2: every dataflow (energy), every coding (size).
        RemainingGrid grid = Stage1.available(s1);
        // Candidates are scored in the profile's precision, through one cache shared by the seven searches;
        // fronts are re-scored on test in fp32.
        EvaluationCache valAcc = sharedCache(layout, p, val, train);
        MemoAccuracy testAcc = new MemoAccuracy(new CheckpointAccuracy(s1, test, 256, 2));
        Map<String, List<Summary.Member>> energy = new LinkedHashMap<>(), size = new LinkedHashMap<>();
        Map<String, List<SearchRun.Progress>> hv = new LinkedHashMap<>();
        for (Dataflow d : Dataflow.values()) {
            ReferenceCosts costs = new ReferenceCosts(spec, d, Coding.DENSE);
            energy.put(d.name(), search(layout, p, Objective.ENERGY, costs, grid, valAcc, testAcc, baseTest, hv, log));
            valAcc.save();
            logReuse(log);
        }
        for (Coding c : Coding.PAPER) {
            ReferenceCosts costs = new ReferenceCosts(spec, Dataflow.XY, c);
            size.put(c.cliName(), search(layout, p, Objective.SIZE, costs, grid, valAcc, testAcc, baseTest, hv, log));
            valAcc.save();
            logReuse(log);
        }
        log.accept(String.format(Locale.ROOT, "stage 2: shared evaluation cache %s: %d genomes, %d of %d requests answered from it "
                + "this session, %d images scored", layout.root().relativize(valAcc.file()), valAcc.size(), valAcc.hits(), valAcc.requests(),
                valAcc.imagesMeasured()));
        // The stored activations serve stage 2's candidates only: give their memory (up to the budget) back to what follows.
        org.emomc4j.nn.PrefixCache.reset(org.emomc4j.nn.PrefixCache.configuredBudget());

        // 4. Tables (figures are drawn from the report by the caller: report.Figures#saveReproduction).
        Gains.Fronts eg = gainFronts(layout, spec, Objective.ENERGY, baseTest), sg = gainFronts(layout, spec, Objective.SIZE, baseTest);
        Table[] tables = writeTables(layout, p, eg, sg);
        Table t2 = tables[0], t3 = tables[1];
        Map<String, Double> wall = wallTimes(layout, baseCk);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("profile", p);
        meta.put("baseline_test_accuracy", baseTest);
        meta.put("baseline_checkpoint", baseCk.toAbsolutePath().toString());
        meta.put("wall_time_s", wall);
        meta.put("wall_time_rule", WALL_TIME_RULE + (o.baseline() != null ? " " + GIVEN_BASELINE_RULE : ""));
        meta.put("versions", Summary.versions());
        AtomicFiles.writeString(layout.reproduceJson(),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(meta));
        return new Report(p, baseTest, points, energy, size, hv, t2, t3, wall, eg, sg, null);
    }

    /** The stages beyond the paper the options ask for, after the finished pipeline (each resumes or is read back). */
    private static Report extras(Options o, RunLayout layout, Report r, Consumer<String> log) throws IOException {
        if (o.extras().isEmpty()) return r;
        long t0 = System.nanoTime();
        Path base = Path.of(new ObjectMapper().readTree(layout.reproduceJson().toFile()).path("baseline_checkpoint").asText(""));
        if (!Files.isRegularFile(base))
            throw new UserError("the baseline network " + base + " of the run in " + o.out() + " is missing: the stages beyond the paper "
                    + "fine-tune from it (a committed results/ directory holds no checkpoints); run without them (--extras none)");
        Splits s = o.profile().sample(Cifar10.load(o.dataDir()).splits(), o.seed());
        ExtraStages.Result x = ExtraStages.run(new ExtraStages.Inputs(o.profile(), o.seed(), layout, s, base, r.baselineTestAccuracy(),
                r.energyFronts(), r.sizeFronts()), o.extras(), log);
        Table[] t = writeTables(layout, o.profile(), r.energyGains(), r.sizeGains());   // now with the extras' columns
        return r.withExtras(x, t[0], t[1]).withWallSeconds(addExtrasSeconds(layout, (System.nanoTime() - t0) / 1e9));
    }

    /** reproduce.json's account of its wall times. */
    static final String WALL_TIME_RULE = "seconds summed over every session of the run, from each stage's own records: the baseline's "
            + "train-log.csv (its epochs; one per baseline run when it has several), stage1/stage1.csv (its grid points), each search's summary.json (search and test re-scoring); "
            + "extras: each session's time in them added up (a session killed inside them is not counted)";
    static final String GIVEN_BASELINE_RULE = "The baseline was given with --baseline: its time is that of the train-log.csv beside its "
            + "checkpoint (0 when there is none), not trained in this run, plus those of the runs it was warm-started from "
            + "(init.json, followed while the checkpoint it names is unchanged), listed as baseline/<run directory> when more than one.";

    /**
     * Wall time of each stage so far, summed over every session (see {@link #WALL_TIME_RULE}):
     * baseline, stage1, stage2 (and each search, e.g. {@code stage2/energy-XY}), total.
     */
    public static Map<String, Double> wallTimes(RunLayout layout, Path baselineCheckpoint) throws IOException {
        Map<String, Double> wall = new LinkedHashMap<>();
        // The baseline may be the last of several runs (warm restarts, SWA; given or the profile's own): each run's log, oldest first.
        Map<String, Double> cycles = new LinkedHashMap<>();
        List<Path> runs = new ArrayList<>(Trainer.lineage(baselineCheckpoint.toAbsolutePath().getParent()));
        java.util.Collections.reverse(runs);
        for (Path run : runs) cycles.put("baseline/" + run.getFileName(), sumColumn(run.resolve(Trainer.LOG), "seconds"));
        wall.put("baseline", cycles.values().stream().mapToDouble(Double::doubleValue).sum());
        double s1 = 0;
        for (Stage1.Point pt : Stage1.readCsv(layout.stage1Dir())) s1 += pt.seconds();
        wall.put("stage1", s1);
        double s2 = 0;
        Map<String, Double> searches = new LinkedHashMap<>();
        List<Path> dirs = new ArrayList<>();
        for (Dataflow d : Dataflow.values()) dirs.add(layout.energySearch(d));
        for (Coding c : Coding.PAPER) dirs.add(layout.sizeSearch(c));
        for (Path dir : dirs) {
            if (!Files.isRegularFile(dir.resolve(Summary.FILE))) continue;
            var w = new ObjectMapper().readTree(dir.resolve(Summary.FILE).toFile()).path("wall_time_s");
            double sec = w.path("search").asDouble(0) + w.path("test_rescore").asDouble(0);
            searches.put("stage2/" + dir.getFileName(), sec);
            s2 += sec;
        }
        wall.put("stage2", s2);
        if (cycles.size() > 1) wall.putAll(cycles);
        wall.putAll(searches);
        wall.put("total", wall.get("baseline") + s1 + s2);
        return wall;
    }

    /** Adds a session's seconds in the extras to reproduce.json (wall_time_s.extras and total); returns the new wall times. */
    private static Map<String, Double> addExtrasSeconds(RunLayout layout, double seconds) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(layout.reproduceJson().toFile());
        var w = root.with("wall_time_s");
        double before = w.path("extras").asDouble(0);
        w.put("extras", before + seconds);
        w.put("total", w.path("total").asDouble(0) + seconds);
        AtomicFiles.writeString(layout.reproduceJson(), json.writeValueAsString(root));
        Map<String, Double> out = new LinkedHashMap<>();
        w.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
    }

    /** The sum of a CSV column (0 when the file or the column is missing). */
    static double sumColumn(Path csv, String column) throws IOException {
        if (!Files.isRegularFile(csv)) return 0;
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) return 0;
        int col = List.of(lines.get(0).split(",")).indexOf(column);
        if (col < 0) return 0;
        double s = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (col < f.length && !f[col].isBlank()) s += Double.parseDouble(f[col]);
        }
        return s;
    }

    /**
     * Epochs whose speed the plan takes: the latest ones, so that new code or another machine shows
     * within a few epochs, and their median, so that a few disturbed ones (a paused run, a build
     * beside it) do not.
     */
    static final int PLAN_EPOCHS = 10;

    /** The median of a CSV column's positive values in its last {@code last} rows (NaN when there are none). */
    static double medianColumn(Path csv, String column, int last) throws IOException {
        if (!Files.isRegularFile(csv)) return Double.NaN;
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) return Double.NaN;
        int col = List.of(lines.get(0).split(",")).indexOf(column);
        List<Double> v = new ArrayList<>();
        for (String line : lines.subList(Math.max(1, lines.size() - last), lines.size())) {
            String[] f = line.split(",");
            if (col >= 0 && col < f.length && !f[col].isBlank() && Double.parseDouble(f[col]) > 0) v.add(Double.parseDouble(f[col]));
        }
        return median(v);
    }

    /** The median of the values (the upper one of an even count; NaN when there are none). */
    static double median(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> v = new ArrayList<>(values);
        java.util.Collections.sort(v);
        return v.get(v.size() / 2);
    }

    /**
     * The baseline's test accuracy, measured once per checkpoint and test set: {@code
     * report/baseline-test.json} keeps it with the checkpoint's SHA-256 and the test set's
     * fingerprint, so a run resumed in every session does not spend a minute (width 1, fp32) on it
     * again. A record that does not match both, or cannot be read, is measured again.
     */
    static double baselineTestAccuracy(RunLayout layout, Path ck, ImageSet test, Consumer<String> log) throws IOException {
        Path f = layout.baselineTestJson();
        String sha = Hashes.sha256(ck);
        ObjectMapper json = new ObjectMapper();
        if (Files.exists(f)) {
            try {
                com.fasterxml.jackson.databind.JsonNode n = json.readTree(f.toFile());
                double a = n.path("accuracy").asDouble(Double.NaN);
                if (sha.equals(n.path("checkpoint_sha256").asText()) && test.fingerprint().equals(n.path("test_fingerprint").asText())
                        && n.path("images").asInt() == test.size() && a >= 0 && a <= 1) {
                    log.accept(String.format(Locale.ROOT, "baseline test accuracy %.2f %% (measured earlier, %s)", 100 * a,
                            layout.root().relativize(f)));
                    return a;
                }
                log.accept("baseline test accuracy: " + f + " is for another checkpoint or test set; measuring again");
            } catch (IOException e) {
                log.accept("baseline test accuracy: " + f + " is unreadable (" + e.getMessage() + "); measuring again");
            }
        }
        double a = Model.load(ck).accuracy(test, 256);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint_sha256", sha);
        m.put("test_fingerprint", test.fingerprint());
        m.put("images", test.size());
        m.put("accuracy", a);
        Files.createDirectories(f.getParent());
        AtomicFiles.writeString(f, json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        log.accept(String.format(Locale.ROOT, "baseline test accuracy %.2f %%", 100 * a));
        return a;
    }

    /**
     * The shared evaluation cache of a run's searches ({@link EvaluationCache}) in
     * {@code <run>/stage2-cache/}, keyed by the stage-1 networks, the scoring precision, the
     * validation images and int8's calibration images.
     */
    public static EvaluationCache sharedCache(RunLayout layout, Profile p, ImageSet val, ImageSet train) throws IOException {
        org.emomc4j.nn.Precision prec = p.precision();
        int calib = org.emomc4j.nn.Precision.CALIBRATION_IMAGES;
        String calibration = prec == org.emomc4j.nn.Precision.INT8 ? train.fingerprint() + " (" + calib + ")" : "none";
        String key = EvaluationCache.key(stage1Identity(layout.stage1Dir()), prec.id(), val.fingerprint(), val.size(), calibration);
        return new EvaluationCache(new CheckpointAccuracy(layout.stage1Dir(), val, 256,
                CheckpointAccuracy.keepAll(layout.stage1Dir()), prec, train, calib), key, layout.stage2CacheDir());
    }

    /**
     * The profile's planned cost ({@link Budget}) as log lines: the worst case (no cache hit, no
     * racing), and, when searches of the run have measured some, with their cache-hit and raced
     * fractions; times at the throughputs measured in the run (baseline epochs, full-scored
     * candidates) where there are any, else from a short probe of this machine ({@link Budget.Throughput#probed}).
     */
    public static List<String> plan(RunLayout layout, Profile p) throws IOException {
        Budget worst = p.budget(0, 0);
        Seen seen = new Seen(worst.scoringImages());
        for (Dataflow d : Dataflow.values()) seen.add(layout.energySearch(d));
        for (Coding c : Coding.PAPER) seen.add(layout.sizeSearch(c));
        // Training speed from the latest epochs of the latest baseline run that has a log (the runs after the first ran on newer code).
        List<Path> logs = layout.baselineLogs(p);
        Path trainLog = logs.isEmpty() ? layout.baselineLog() : logs.get(logs.size() - 1);
        Budget.Throughput t = Budget.Throughput.probed(p).measured(medianColumn(trainLog, "img_per_s", PLAN_EPOCHS), seen.scoreRate());
        List<String> out = new ArrayList<>();
        out.add("plan (" + p.name() + ", worst case: no cache hit, no candidate raced):");
        out.addAll(worst.describe(t));
        Budget expected = worst;
        if (seen.evaluations > 0) {
            out.add(String.format(Locale.ROOT, "plan at the fractions the run's searches measured so far (%d evaluations):", seen.evaluations));
            expected = p.budget(1 - (double) seen.unique.size() / seen.evaluations, (double) seen.raced / seen.evaluations);
            out.addAll(expected.describe(t));
        }
        int epochs = 0;
        for (Path log : logs) epochs += Csv.readRows(log).size();
        double s1 = 0;
        for (Stage1.Point pt : Stage1.readCsv(layout.stage1Dir())) s1 += pt.epochs();
        Budget.Done done = new Budget.Done(epochs, s1, seen.evaluations, seen.summaries);
        if (epochs + s1 + seen.evaluations > 0)
            out.add(String.format(Locale.ROOT, "done: %d baseline epochs, %s stage-1 epochs, %d evaluations, %d searches re-scored; "
                    + "ETA of what is left (at the plan's rates): %s", epochs, Stage1.epochsText(s1), seen.evaluations, seen.summaries,
                    eta(expected.secondsLeft(t, done))));
        return out;
    }

    /** What the run's searches measured so far: evaluations, distinct genomes, raced ones, full-scoring images/s. */
    private static final class Seen {
        final int images;
        final java.util.Set<String> unique = new java.util.HashSet<>();
        final List<Double> rates = new ArrayList<>();
        int evaluations, raced, summaries;

        Seen(int images) { this.images = images; }

        void add(Path searchDir) throws IOException {
            if (Files.isRegularFile(searchDir.resolve(Summary.FILE))) summaries++;
            Path csv = searchDir.resolve(SearchRun.EVALUATIONS);
            if (!Files.isRegularFile(csv)) return;
            for (String[] row : Csv.readRows(csv)) {
                evaluations++;
                unique.add(row[1]);
                boolean r = row.length > 8 && row[8].equals("1");
                if (r) raced++;
                double sec = Double.parseDouble(row[7]);
                // Cache hits take milliseconds; a measured full scoring of N images takes far longer.
                if (!r && sec >= 0.01) rates.add(images / sec);
            }
        }

        double scoreRate() { return median(rates); }
    }

    private static Table table2(RunLayout layout, Profile p, Gains.Fronts energy) throws IOException {
        return energy.table("Table II: energy (" + p.label() + ", test accuracy)", ExtraStages.beside(layout, Gains.Kind.ENERGY),
                Gains.TABLE_BUDGETS);
    }

    private static Table table3(RunLayout layout, Profile p, Gains.Fronts size) throws IOException {
        return size.table("Table III: size (" + p.label() + ", test accuracy)", ExtraStages.beside(layout, Gains.Kind.SIZE),
                Gains.TABLE_BUDGETS);
    }

    /**
     * Writes Tables II and III (ours, at {@link Gains#TABLE_BUDGETS}, with the peer's and stage 3's
     * columns from what the run directory holds, {@link ExtraStages#beside}) and the paper's rows
     * beside them into the report directory; returns {Table II, Table III}.
     */
    private static Table[] writeTables(RunLayout layout, Profile p, Gains.Fronts energy, Gains.Fronts size) throws IOException {
        Files.createDirectories(layout.reportDir());
        Table t2 = table2(layout, p, energy), t3 = table3(layout, p, size);
        Csv.write(layout.table2(), t2);
        Csv.write(layout.table3(), t3);
        Csv.write(layout.paperTable2(), org.emomc4j.metrics.PaperResults.tableII());
        Csv.write(layout.paperTable3(), org.emomc4j.metrics.PaperResults.tableIII());
        return new Table[]{t2, t3};
    }

    /** The cost models of an objective's searches: the 4 dataflows (energy, dense), or the 3 codings (size, X|Y). */
    public static List<ReferenceCosts> searchCosts(NetworkSpec spec, Objective objective) {
        List<ReferenceCosts> rows = new ArrayList<>();
        if (objective == Objective.ENERGY) for (Dataflow d : Dataflow.values()) rows.add(new ReferenceCosts(spec, d, Coding.DENSE));
        else for (Coding c : Coding.PAPER) rows.add(new ReferenceCosts(spec, Dataflow.XY, c));
        return rows;
    }

    /**
     * The fronts of the energy (per dataflow, named X|Y, ...) or size (per coding) searches of a run
     * with test accuracies, per-image test correctness where recorded, and each row's baseline:
     * the uncompressed network (r = 1, 32 bit) on the dataflow; for size the dense 32-bit network
     * (the paper's rule) and the coding's own uncompressed size (the same-coding ratio).
     */
    public static Gains.Fronts gainFronts(RunLayout layout, NetworkSpec spec, Objective objective, double baselineTestAccuracy)
            throws IOException {
        Map<String, List<Gains.Candidate>> fronts = new LinkedHashMap<>();
        Map<String, Gains.Baseline> baselines = new LinkedHashMap<>();
        boolean energy = objective == Objective.ENERGY;
        for (ReferenceCosts costs : searchCosts(spec, objective)) {
            Path dir = energy ? layout.energySearch(costs.dataflow()) : layout.sizeSearch(costs.coding());
            String label = energy ? costs.dataflow().label() : paperName(costs.coding());
            Map<String, org.emomc4j.metrics.Correctness> correct = Summary.readTestCorrectness(dir);
            List<Gains.Candidate> f = new ArrayList<>();
            for (Summary.Member m : Summary.readFront(dir))
                f.add(new Gains.Candidate(m.testAccuracy(), energy ? m.energyMilliJoules() : m.sizeKiB(),
                        correct.get(SearchRun.csvKey(m.genome()))));
            fronts.put(label, f);
            org.emomc4j.metrics.Correctness base = correct.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED);
            baselines.put(label, energy ? new Gains.Baseline(baselineTestAccuracy, costs.baselineEnergy(), Double.NaN, base)
                    : new Gains.Baseline(baselineTestAccuracy, costs.baselineSize(), costs.baselineSameCodingSize(), base));
        }
        return new Gains.Fronts(energy ? Gains.Kind.ENERGY : Gains.Kind.SIZE, fronts, baselines);
    }

    /** The paper's name of a coding: dense (its "normal"), CSR, COO. */
    public static String paperName(Coding c) {
        return c == Coding.DENSE ? "dense" : c.cliName().toUpperCase(Locale.ROOT);
    }

    /** The report of a finished reproduction, read from its run directory (nothing is computed or written). */
    public static Report read(RunLayout layout, Profile profile, Consumer<String> log) throws IOException {
        Map<String, List<Summary.Member>> energy = new LinkedHashMap<>(), size = new LinkedHashMap<>();
        Map<String, List<SearchRun.Progress>> hv = new LinkedHashMap<>();
        double baseTest = Double.NaN;
        for (Dataflow d : Dataflow.values()) {
            Path dir = layout.energySearch(d);
            energy.put(d.name(), Summary.readFront(dir));
            baseTest = Summary.readBaseline(dir).testAccuracy();
            hv.put(dir.getFileName().toString(), SearchRun.readProgress(dir));
        }
        for (Coding c : Coding.PAPER) {
            size.put(c.cliName(), Summary.readFront(layout.sizeSearch(c)));
            hv.put(layout.sizeSearch(c).getFileName().toString(), SearchRun.readProgress(layout.sizeSearch(c)));
        }
        NetworkSpec spec = NetworkSpec.vgg("vgg16", profile.width());
        Gains.Fronts eg = gainFronts(layout, spec, Objective.ENERGY, baseTest), sg = gainFronts(layout, spec, Objective.SIZE, baseTest);
        Table t2 = table2(layout, profile, eg), t3 = table3(layout, profile, sg);
        Map<String, Double> wall = new LinkedHashMap<>();
        new ObjectMapper().readTree(layout.reproduceJson().toFile()).path("wall_time_s")
                .fields().forEachRemaining(e -> wall.put(e.getKey(), e.getValue().asDouble()));
        log.accept("read the finished run in " + layout.root());
        return new Report(profile, baseTest, Stage1.readCsv(layout.stage1Dir()), energy, size, hv, t2, t3, wall, eg, sg, null);
    }

    /** Trains (or resumes training) the profile's baseline; returns its checkpoint. */
    /**
     * Trains (or resumes, or finds finished) every baseline run of the profile in turn
     * ({@link Profile#baselineConfigs}: each restart warm-started from the previous run's network)
     * and returns the baseline network ({@link RunLayout#baselineResult}).
     */
    static Path train(Profile p, NetworkSpec spec, ImageSet train, ImageSet val, RunLayout layout, long seed, Consumer<String> log) {
        List<TrainConfig> runs = p.baselineConfigs(seed);
        List<Double> seconds = new ArrayList<>();
        trainBaseline(p, spec, train, val, layout, seed, (i, c) -> new Trainer.Listener() {
            @Override
            public void epoch(Trainer.EpochResult r) {
                seconds.add(r.seconds());
                log.accept(baselineEpochLine(i, runs, r, median(seconds)));
            }
        }, log);
        return layout.baselineResult(p);
    }

    /**
     * A baseline epoch's progress line. The time left is {@code secondsPerEpoch} (the median of the epochs this call
     * trained: one epoch slowed by a pause or a job beside it no longer doubles the estimate) x the epochs left, of
     * this run and, when the baseline has several runs, of all of them (the runs after the first are as costly per
     * epoch; the first run's own ETA alone hid two thirds of the full baseline).
     */
    static String baselineEpochLine(int run, List<TrainConfig> runs, Trainer.EpochResult r, double secondsPerEpoch) {
        int left = runs.get(run).epochs() - r.epoch(), later = 0;
        for (int j = run + 1; j < runs.size(); j++) later += runs.get(j).epochs();
        String eta = "ETA " + eta(secondsPerEpoch * left)
                + (later == 0 ? "" : " (all " + runs.size() + " runs: " + eta(secondsPerEpoch * (left + later)) + ")");
        return String.format(Locale.ROOT, "%s epoch %d/%d: loss %.3f, val %.2f %%, %.0f img/s, %s", runName(run, runs.size()),
                r.epoch(), runs.get(run).epochs(), r.trainLoss(), 100 * r.valAccuracy(), r.imagesPerSecond(), eta);
    }

    /** What {@link org.emomc4j.nn.PrefixCache} saved in this process so far (nothing when no candidate was scored here). */
    private static void logReuse(Consumer<String> log) {
        org.emomc4j.nn.PrefixCache.Stats s = org.emomc4j.nn.PrefixCache.stats();
        if (s.chunks() > 0) log.accept("stage 2 this session: " + s.describe());
    }

    private static String runName(int i, int runs) { return runs == 1 ? "baseline" : "baseline run " + (i + 1) + "/" + runs; }

    /**
     * The baseline runs of {@link #train}, each with the listener {@code listeners} gives for (run
     * index, its configuration); returns the epochs this call trained, over all runs.
     */
    static List<Trainer.EpochResult> trainBaseline(Profile p, NetworkSpec spec, ImageSet train, ImageSet val, RunLayout layout, long seed,
                                                   java.util.function.BiFunction<Integer, TrainConfig, Trainer.Listener> listeners,
                                                   Consumer<String> log) {
        List<TrainConfig> runs = p.baselineConfigs(seed);
        List<Trainer.EpochResult> all = new ArrayList<>();
        Path from = null;
        for (int i = 0; i < runs.size(); i++) {
            TrainConfig c = runs.get(i);
            Path dir = layout.baselineDir(i);
            Trainer trainer = new Trainer(from == null ? Model.create(spec, seed) : Model.load(from), c);
            if (from != null) trainer.initializedFrom(from);
            boolean resume = Files.exists(dir.resolve(Trainer.CHECKPOINT)) || RunDirectory.storedKey(dir) != null;
            List<Trainer.EpochResult> ran = trainer.fit(train, val, dir, resume, listeners.apply(i, c));
            all.addAll(ran);
            if (ran.isEmpty()) log.accept(runName(i, runs.size()) + ": " + trainer.completedEpochs() + " epochs finished earlier; nothing to do");
            if (trainer.swaValidation() != null)
                log.accept(String.format(Locale.ROOT, "%s: SWA over %d epochs, val %.2f %%", runName(i, runs.size()), c.swaEpochs(),
                        100 * trainer.swaValidation().accuracy()));
            from = dir.resolve(c.swaEpochs() > 0 ? Trainer.SWA : Trainer.CHECKPOINT);
        }
        return all;
    }

    private static List<Summary.Member> search(RunLayout layout, Profile p, Objective objective, ReferenceCosts costs, RemainingGrid grid,
                                               AccuracyOracle valAcc, AccuracyOracle testAcc, double baseTest,
                                               Map<String, List<SearchRun.Progress>> hv, Consumer<String> log) throws IOException {
        String name = RunLayout.searchName(objective, costs.dataflow(), costs.coding());
        SearchConfig cfg = p.searchConfig(objective, costs.dataflow().name(), costs.coding().cliName())
                .withExtra(Map.of("stage1", stage1Identity(layout.stage1Dir())));
        Stage2.Outcome out = Stage2.run(new Stage2.Plan(name, cfg, grid, costs, valAcc, testAcc, () -> baseTest,
                layout.searchDir(name)), true, log);
        hv.put(name, out.result().progress());
        return out.front();
    }

    /** The identity of a stage-1 directory for a search's resume key: the SHA-256 of its resume key. */
    public static String stage1Identity(Path stage1Dir) {
        ResumeKey k = RunDirectory.storedKey(stage1Dir);
        return k == null ? stage1Dir.toAbsolutePath().toString()
                : "sha256 " + Hashes.sha256(k.toJson().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, List<Evaluation>> asTest(Map<String, List<Summary.Member>> m) {
        Map<String, List<Evaluation>> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            List<Evaluation> l = new ArrayList<>();
            for (Summary.Member x : e.getValue()) l.add(x.asTestEvaluation());
            out.put(e.getKey(), l);
        }
        return out;
    }

    /** h:mm:ss. */
    public static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
