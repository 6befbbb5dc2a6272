package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.ImageSet;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.WeightTransform;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Schedule;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Stage 1 and stage 2 on a tiny real network (VGG-11 at width 1/16) and tiny random data. */
class PipelineTest {

    @TempDir
    static Path tmp;
    static NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
    static ImageSet train = ImageSet.random(96, 1), val = ImageSet.random(64, 2);
    static Path base, stage1;
    static int firstRunEpochs;

    /** Counts the work a stage-1 run does: fine-tuning epochs trained and grid points finished. */
    static final class Work implements Stage1.Listener {
        int epochs, points;

        @Override
        public void epoch(org.emomc4j.nn.Trainer.EpochResult r) { epochs++; }

        @Override
        public void finished(Stage1.Point p) { points++; }
    }

    static Stage1 stage1(String grid, double lr) {
        return new Stage1(RemainingGrid.parse(grid), 2, Stage1.Mode.CHAINED, new TrainConfig(1, 32, lr, 0.9, 5e-4, Schedule.STEP, 1000, 1));
    }

    @BeforeAll
    static void stage1() throws Exception {
        base = tmp.resolve("base.ckpt");
        Model.create(spec, 3).save(base);
        stage1 = tmp.resolve("stage1");
        Work w = new Work();
        stage1("0.3,0.6", 0.01).run(base, train, val, 64, stage1, false, w);
        firstRunEpochs = w.epochs;
    }

    @Test
    void stage1WritesOneCheckpointPerGridPointWithPrunedWeightsRecoverable() throws Exception {
        assertEquals(2, Stage1.readCsv(stage1).size());
        assertArrayEquals(new double[]{0.3, 0.6}, Stage1.available(stage1).values());
        assertEquals(base.toAbsolutePath(), Stage1.baseOf(stage1));
        // The stored weights stay dense; the magnitude rule at r gives the pruned network.
        Model m = Model.load(Stage1.checkpoint(stage1, 0.3));
        float[] w = m.weights(3);
        long zeros = 0;
        for (float x : w) if (x == 0f) zeros++;
        assertTrue(zeros < w.length / 2, "checkpoint keeps dense weights");
        float[] pruned = CheckpointAccuracy.transform(new Genome(0.3, bits(32))).apply(spec.layer(3), w.clone());
        long z = 0;
        for (float x : pruned) if (x == 0f) z++;
        assertEquals(Math.round(w.length * 0.7), z, 1.0);
    }

    @Test
    void stage1ResumeSkipsFinishedPoints() throws Exception {
        assertEquals(3, firstRunEpochs, "chained: K = 2 epochs for r = 0.6, then 1 for r = 0.3");
        Work w = new Work();
        List<Stage1.Point> pts = stage1("0.3,0.6", 0.01).run(base, train, val, 64, stage1, true, w);
        assertEquals(2, pts.size());
        assertEquals(0, w.epochs, "a finished stage 1 trains no epoch when resumed");
        assertEquals(0, w.points);
    }

    /**
     * With parts M, each chained point after the first fine-tunes one epoch over its 1/M of the
     * training images (1 batch of 32 of 96 images at M = 3, where the first point's epochs take 3),
     * records 1/M epoch, and M consecutive points together see every image once.
     */
    @Test
    void chainedPointsTrainOnTheirPartOfTheImages() throws Exception {
        List<Integer> batches = new java.util.ArrayList<>();
        Stage1.Listener count = new Stage1.Listener() {
            @Override
            public void batch(org.emomc4j.nn.Trainer.BatchProgress p) { if (p.batch() == 1) batches.add(p.batches()); }
        };
        Stage1 parted = new Stage1(RemainingGrid.parse("0.3,0.4,0.5,0.6"), 1, Stage1.Mode.CHAINED,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.COSINE, 1000, 1), 3);
        Path dir = tmp.resolve("stage1-parts");
        List<Stage1.Point> pts = parted.run(base, train, val, 64, dir, false, count);
        assertEquals(List.of(3, 1, 1, 1), batches, "r = 0.6 from the base on all 96 images, then 32 each");
        assertEquals(List.of(1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0), pts.stream().map(Stage1.Point::epochs).toList());
        assertTrue(Files.readString(dir.resolve(Stage1.CSV)).contains(",0.3333,"), "stage1.csv writes the fraction");

        int[] perm = Stage1.permutation(96, 1);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int j = 0; j < 3; j++)
            for (int i : Stage1.partIndices(perm, j, 3)) assertTrue(seen.add(i), "parts are disjoint");
        assertEquals(96, seen.size(), "the parts cover the training images");

        UserError e = assertThrows(UserError.class, () -> new Stage1(RemainingGrid.parse("0.3,0.4,0.5,0.6"), 1, Stage1.Mode.CHAINED,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.COSINE, 1000, 1)).run(base, train, val, 64, dir, true, null));
        assertTrue(e.getMessage().contains("parts: 3 in the run"), e.getMessage());
        e = assertThrows(UserError.class, () -> new Stage1(RemainingGrid.parse("0.3,0.6"), 1, Stage1.Mode.INDEPENDENT,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.COSINE, 1000, 1), 3));
        assertTrue(e.getMessage().contains("--mode chained"), e.getMessage());
    }

    @Test
    void stage1RefusesToResumeAnotherStage1() throws Exception {
        UserError e = assertThrows(UserError.class, () -> stage1("0.3,0.5,0.6", 0.01).run(base, train, val, 64, stage1, true, null));
        assertTrue(e.getMessage().contains("grid: [0.3, 0.6] in the run, [0.3, 0.5, 0.6] now"), e.getMessage());
        e = assertThrows(UserError.class, () -> stage1("0.3,0.6", 0.05).run(base, train, val, 64, stage1, true, null));
        assertTrue(e.getMessage().contains("lr: 0.01 in the run, 0.05 now"), e.getMessage());
        Path otherBase = tmp.resolve("other-base.ckpt");
        Model.create(spec, 4).save(otherBase);
        e = assertThrows(UserError.class, () -> stage1("0.3,0.6", 0.01).run(otherBase, train, val, 64, stage1, true, null));
        assertTrue(e.getMessage().contains("base_sha256:"), e.getMessage());
        e = assertThrows(UserError.class, () -> stage1("0.3,0.6", 0.01).run(base, train, val, 64, stage1, false, null));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void accuracyIsDeterministicAndLeavesWeightsUntouched() {
        CheckpointAccuracy acc = new CheckpointAccuracy(stage1, val, 32, 2);
        Genome g = new Genome(0.3, bits(3));
        float[] before = acc.model(0.3).weights(0);
        double a = acc.accuracy(g);
        assertEquals(a, acc.accuracy(g));
        assertArrayEquals(before, acc.model(0.3).weights(0));
        assertTrue(a >= 0 && a <= 1);
    }

    /**
     * A candidate scored in two parts (racing's slice, then the rest, which reuses the prepared
     * network) or after other candidates on the same and on another grid point (whose parameters
     * replace the first's in the oracle's one network, kept in memory or, keeping one point, read
     * again) gives the bits of a fresh whole-set pass on its own network, in fp32 and in bf16.
     */
    @Test
    void partsAndInterleavedCandidatesGiveTheWholePassBits() {
        for (org.emomc4j.nn.Precision p : List.of(org.emomc4j.nn.Precision.FP32, org.emomc4j.nn.Precision.BF16))
            for (int keep : new int[]{1, 2}) {
                Genome a = new Genome(0.3, bits(3)), b = new Genome(0.3, bits(5)), c = new Genome(0.6, bits(4));
                java.util.Map<Genome, org.emomc4j.metrics.Correctness> fresh = new java.util.HashMap<>();
                for (Genome g : List.of(a, b, c)) {
                    Model own = Model.load(Stage1.checkpoint(stage1, g.remaining()));
                    WeightTransform t = CheckpointAccuracy.transform(g);
                    for (int l = 0; l < own.spec().size(); l++) own.setWeightTransform(l, t);
                    fresh.put(g, CheckpointAccuracy.correctness(own, val, 32, p));
                }
                CheckpointAccuracy acc = new CheckpointAccuracy(stage1, val, 32, keep, p, null, 0);
                int n = 32;
                org.emomc4j.metrics.Correctness aParts = acc.correctness(a, 0, n).concat(acc.correctness(a, n, val.size()));
                assertEquals(fresh.get(a), aParts, p + " keep " + keep + ": slice then rest");
                assertEquals(fresh.get(b), acc.correctness(b), p + " keep " + keep + ": another genome on the same network");
                assertEquals(fresh.get(c), acc.correctness(c), p + " keep " + keep + ": another network");
                assertEquals(fresh.get(a), acc.correctness(a), p + " keep " + keep + ": back to the first");
                assertNotEquals(fresh.get(a), fresh.get(b), "the case tells 3-bit from 5-bit weights apart");
                assertNotEquals(fresh.get(a), fresh.get(c), "the case tells the two networks apart");
            }
    }

    /** Per-image correctness agrees with the engine's own accuracy, for a candidate and for the uncompressed base. */
    @Test
    void perImageCorrectnessMatchesTheModelsAccuracy() throws Exception {
        CheckpointAccuracy acc = new CheckpointAccuracy(stage1, val, 32, 2);
        Genome g = new Genome(0.3, bits(3));
        org.emomc4j.metrics.Correctness c = acc.correctness(g);
        assertEquals(val.size(), c.images());
        Model m = acc.model(0.3);
        WeightTransform t = CheckpointAccuracy.transform(g);
        for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        double engine = m.accuracy(val, 32);
        m.clearWeightTransforms();
        assertEquals(engine, c.accuracy(), 0.0);
        org.emomc4j.metrics.Correctness base = acc.uncompressedCorrectness();
        assertEquals(Model.load(Stage1.baseOf(stage1)).accuracy(val, 32), base.accuracy(), 0.0);
        // In bf16 the per-image results are the bf16 engine's, so they agree with its accuracy too.
        CheckpointAccuracy bf16 = new CheckpointAccuracy(stage1, val, 32, 2, org.emomc4j.nn.Precision.BF16, null, 0);
        Model mb = bf16.model(0.3);
        for (int l = 0; l < mb.spec().size(); l++) mb.setWeightTransform(l, t);
        double engineBf16 = mb.accuracy(val, 32, org.emomc4j.nn.Precision.BF16);
        mb.clearWeightTransforms();
        assertEquals(engineBf16, bf16.correctness(g).accuracy(), 0.0);
    }

    @Test
    void searchOnRealCheckpointsResumesToTheSameFront() throws Exception {
        SearchConfig cfg = SearchConfig.builder(Objective.ENERGY).budget(6, 3, 3).seed(1).build();
        SearchRun.Result full = new SearchRun(cfg, problem(), tmp.resolve("full")).run(false, null);
        Path part = tmp.resolve("part");
        new SearchRun(cfg.withBudget(6, 3, 1), problem(), part).run(false, null);
        SearchRun.Result resumed = new SearchRun(cfg, problem(), part).run(true, null);
        assertEquals(Files.readString(tmp.resolve("full").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)));
        assertEquals(2, resumed.generationsRun());
        // Resuming the finished search measures nothing and runs no generation.
        SearchRun.Result again = new SearchRun(cfg, problem(), part).run(true, null);
        assertEquals(0, again.generationsRun());
        assertEquals(0, again.measured());
        assertEquals(Files.readString(tmp.resolve("full").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)));
        assertEquals(full.front().size(), resumed.front().size());
        for (Evaluation a : full.front())
            for (Evaluation b : full.front())
                assertFalse(1 - a.accuracy() <= 1 - b.accuracy() && a.energyMilliJoules() <= b.energyMilliJoules()
                        && (a.accuracy() > b.accuracy() || a.energyMilliJoules() < b.energyMilliJoules()), "front dominated");
    }

    /**
     * A bf16 search whose candidates reuse earlier candidates' first layers ({@link org.emomc4j.nn.PrefixCache})
     * scores every candidate exactly as the same search without reuse: the same evaluations, in order, and front.
     */
    @Test
    void aBf16SearchReusingEarlyActivationsScoresAsWithoutReuse() throws Exception {
        SearchConfig cfg = SearchConfig.builder(Objective.ENERGY).budget(8, 4, 4).seed(1).build();
        try {
            org.emomc4j.nn.PrefixCache.reset(64L << 20);
            SearchRun.Result on = new SearchRun(cfg, problem(org.emomc4j.nn.Precision.BF16), tmp.resolve("reuse-on")).run(false, null);
            org.emomc4j.nn.PrefixCache.Stats s = org.emomc4j.nn.PrefixCache.stats();
            assertTrue(s.chunksReused() > 0 && s.macsSkipped() > 0, "some candidate started from stored activations: " + s.describe());
            org.emomc4j.nn.PrefixCache.reset(0);
            SearchRun.Result off = new SearchRun(cfg, problem(org.emomc4j.nn.Precision.BF16), tmp.resolve("reuse-off")).run(false, null);
            assertEquals(0, org.emomc4j.nn.PrefixCache.stats().chunks());
            assertEquals(off.evaluations().size(), on.evaluations().size());
            for (int i = 0; i < off.evaluations().size(); i++) {
                Evaluation a = off.evaluations().get(i), b = on.evaluations().get(i);
                assertEquals(a.genome(), b.genome(), "evaluation " + i);
                assertEquals(a.accuracy(), b.accuracy(), 0.0, "evaluation " + i + " " + a.genome());
                assertEquals(a.correct(), b.correct(), "evaluation " + i + ": the same images right");
            }
            assertEquals(Files.readString(tmp.resolve("reuse-off").resolve(SearchRun.FRONT)),
                    Files.readString(tmp.resolve("reuse-on").resolve(SearchRun.FRONT)));
        } finally {
            org.emomc4j.nn.PrefixCache.reset(org.emomc4j.nn.PrefixCache.configuredBudget());
        }
    }

    private static EmomcProblem problem() throws Exception { return problem(org.emomc4j.nn.Precision.FP32); }

    private static EmomcProblem problem(org.emomc4j.nn.Precision p) throws Exception {
        return new EmomcProblem(Stage1.available(stage1), spec.size(), 2, 12, Objective.ENERGY, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, new CheckpointAccuracy(stage1, val, 32, 2, p, null, 0), new ReferenceCosts(spec, Dataflow.XY, Coding.DENSE));
    }

    private static int[] bits(int b) {
        int[] x = new int[spec.size()];
        java.util.Arrays.fill(x, b);
        return x;
    }
}
