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
import org.emomc4j.report.Charts;
import org.emomc4j.report.Figures;
import org.emomc4j.report.Tables;
import org.emomc4j.util.AtomicFiles;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    public record Options(Profile profile, Path out, Path figures, Path dataDir, long seed, Path baseline) {
        public Options(Profile profile, Path out, Path figures, Path dataDir, long seed) {
            this(profile, out, figures, dataDir, seed, null);
        }
    }

    /** What a reproduction produced. */
    public record Report(double baselineTestAccuracy, List<Stage1.Point> stage1, Map<String, List<Summary.Member>> energyFronts,
                         Map<String, List<Summary.Member>> sizeFronts, Table tableII, Table tableIII,
                         Map<String, Double> wallSeconds) { }

    private Reproduce() { }

    public static Report run(Options o, Consumer<String> log) throws IOException {
        Profile p = o.profile();
        Map<String, Double> wall = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        log.accept(String.format(Locale.ROOT, "reproduce: %s -> %s", p.label(), o.out().toAbsolutePath()));
        Splits s = p.sample(Cifar10.load(o.dataDir()).splits(), o.seed());
        ImageSet train = s.train(), val = s.val(), test = s.test();
        NetworkSpec spec = NetworkSpec.vgg("vgg16", p.width());
        Files.createDirectories(o.out());

        // 1. Baseline.
        Path baseDir = o.out().resolve("baseline");
        TrainConfig base = p.baselineConfig(o.seed());
        long t = System.nanoTime();
        Path baseCk;
        if (o.baseline() != null) {
            NetworkSpec given = Model.load(o.baseline()).spec();
            if (!given.id().equals(spec.id()))
                throw new IllegalArgumentException("--baseline " + o.baseline() + " is a " + given.id() + ", but profile "
                        + p.name() + " needs a " + spec.id());
            baseCk = o.baseline();
            log.accept("baseline: using " + baseCk);
        } else {
            baseCk = train(p, spec, base, train, val, baseDir, o.seed(), log);
        }
        wall.put("baseline", (System.nanoTime() - t) / 1e9);
        double baseTest = Model.load(baseCk).accuracy(test, 256);
        log.accept(String.format(Locale.ROOT, "baseline test accuracy %.2f %%", 100 * baseTest));

        // 2. Stage 1.
        Path s1 = o.out().resolve("stage1");
        t = System.nanoTime();
        Stage1 stage1 = p.stage1(p.stage1Mode(), o.seed());
        List<Stage1.Point> points = stage1.run(baseCk, train, val, 256, s1, new Stage1.Listener() {
            @Override
            public void finished(Stage1.Point pt) {
                log.accept(String.format(Locale.ROOT, "stage 1: r = %.2f, val %.2f %% (%d epochs, %.0f s)",
                        pt.remaining(), 100 * pt.valAccuracy(), pt.epochs(), pt.seconds()));
            }
        });
        wall.put("stage1", (System.nanoTime() - t) / 1e9);

        // 3. Stage 2: every dataflow (energy), every coding (size).
        RemainingGrid grid = Stage1.available(s1);
        // Candidates are scored in the profile's precision; fronts are re-scored on test in fp32.
        MemoAccuracy valAcc = new MemoAccuracy(new CheckpointAccuracy(s1, val, 256, 4, p.precision(), train,
                org.emomc4j.nn.Precision.CALIBRATION_IMAGES));
        MemoAccuracy testAcc = new MemoAccuracy(new CheckpointAccuracy(s1, test, 256, 2));
        Map<String, List<Summary.Member>> energy = new LinkedHashMap<>(), size = new LinkedHashMap<>();
        Map<String, List<SearchRun.Progress>> hv = new LinkedHashMap<>();
        Map<String, Double> energyBase = new LinkedHashMap<>(), sizeBase = new LinkedHashMap<>();
        t = System.nanoTime();
        for (Dataflow d : Dataflow.values()) {
            ReferenceCosts costs = new ReferenceCosts(spec, d, Coding.DENSE);
            energyBase.put(d.name(), costs.baselineEnergy());
            List<Summary.Member> f = search(o, p, Objective.ENERGY, costs, grid, valAcc, testAcc, baseTest, hv, log);
            energy.put(d.name(), f);
        }
        for (Coding c : Coding.PAPER) {
            ReferenceCosts costs = new ReferenceCosts(spec, Dataflow.XY, c);
            sizeBase.put(c.cliName(), costs.baselineSize());
            List<Summary.Member> f = search(o, p, Objective.SIZE, costs, grid, valAcc, testAcc, baseTest, hv, log);
            size.put(c.cliName(), f);
        }
        wall.put("stage2", (System.nanoTime() - t) / 1e9);

        // 4. Tables and figures.
        Map<String, List<Evaluation>> eTest = asTest(energy), sTest = asTest(size);
        Table t2 = Tables.gains("Table II: energy (" + p.label() + ", test accuracy)", Charts.Cost.ENERGY, baseTest, energyBase, eTest);
        Table t3 = Tables.gains("Table III: size (" + p.label() + ", test accuracy)", Charts.Cost.SIZE, baseTest, sizeBase, sTest);
        Path rep = o.out().resolve("report");
        Files.createDirectories(rep);
        AtomicFiles.writeString(rep.resolve("table2-energy.csv"), t2.write().toString("csv"));
        AtomicFiles.writeString(rep.resolve("table3-size.csv"), t3.write().toString("csv"));
        String label = p.label() + ", CIFAR-10 test";
        Figures.save(Charts.fronts("EMOMC fronts per dataflow", label, Charts.Cost.ENERGY, eTest), o.figures().resolve("fronts-energy"));
        Figures.save(Charts.fronts("EMOMC fronts per coding scheme", label, Charts.Cost.SIZE, sTest), o.figures().resolve("fronts-size"));
        Figures.save(Charts.hypervolume("Stage-2 hypervolume", p.label() + ", CIFAR-10 val", hv), o.figures().resolve("hypervolume"));
        Figures.save(Charts.accuracyVsRemaining("Stage 1: accuracy against remaining fraction", p.label() + ", CIFAR-10 val",
                Map.of(p.stage1Mode().name().toLowerCase(Locale.ROOT), Stage1.curve(points))), o.figures().resolve("stage1-accuracy"));
        wall.put("total", (System.nanoTime() - t0) / 1e9);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("profile", p);
        meta.put("baseline_test_accuracy", baseTest);
        meta.put("baseline_checkpoint", baseCk.toAbsolutePath().toString());
        meta.put("wall_time_s", wall);
        meta.put("versions", Summary.versions());
        AtomicFiles.writeString(rep.resolve("reproduce.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(meta));
        return new Report(baseTest, points, energy, size, t2, t3, wall);
    }

    /** Trains (or resumes training) the profile's baseline; returns its checkpoint. */
    private static Path train(Profile p, NetworkSpec spec, TrainConfig base, ImageSet train, ImageSet val, Path baseDir, long seed,
                              Consumer<String> log) {
        Trainer trainer = new Trainer(Model.create(spec, seed), base);
        boolean resume = Files.exists(baseDir.resolve(Trainer.CHECKPOINT));
        trainer.fit(train, val, baseDir, resume, new Trainer.Listener() {
            @Override
            public void epoch(Trainer.EpochResult r) {
                log.accept(String.format(Locale.ROOT, "baseline epoch %d/%d: loss %.3f, val %.2f %%, %.0f img/s, ETA %s",
                        r.epoch(), p.baselineEpochs(), r.trainLoss(), 100 * r.valAccuracy(), r.imagesPerSecond(),
                        eta(r.seconds() * (p.baselineEpochs() - r.epoch()))));
            }
        });
        return baseDir.resolve(Trainer.CHECKPOINT);
    }

    private static List<Summary.Member> search(Options o, Profile p, Objective objective, ReferenceCosts costs, RemainingGrid grid,
                                               AccuracyOracle valAcc, AccuracyOracle testAcc, double baseTest,
                                               Map<String, List<SearchRun.Progress>> hv, Consumer<String> log) throws IOException {
        String name = objective == Objective.ENERGY ? "energy-" + costs.dataflow().name() : "size-" + costs.coding().cliName();
        SearchConfig cfg = p.searchConfig(objective, costs.dataflow().name(), costs.coding().cliName());
        EmomcProblem problem = new EmomcProblem(grid, costs.spec().size(), 2, 12,
                objective, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, valAcc, costs);
        Path dir = o.out().resolve("search").resolve(name);
        SearchRun run = new SearchRun(cfg, problem, dir);
        long t0 = System.nanoTime();
        SearchRun.Result r = run.run(true, pr -> log.accept(String.format(Locale.ROOT,
                "stage 2 %s: generation %d/%d, %d measured, hypervolume %.4f, front %d, ETA %s", name, pr.generation(),
                pr.generations(), pr.measured(), pr.hypervolume(), pr.frontSize(),
                eta((System.nanoTime() - t0) / 1e9 / (pr.generation() + 1) * (pr.generations() - pr.generation())))));
        hv.put(name, r.progress());
        long t1 = System.nanoTime();
        List<Summary.Member> front = Summary.rescore(r.front(), testAcc);
        Summary.write(dir, cfg, r, front,
                new Summary.Baseline(baseTest, costs.baselineEnergy(), costs.baselineSize()), run.hypervolumeReference(),
                (System.nanoTime() - t1) / 1e9);
        return front;
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
