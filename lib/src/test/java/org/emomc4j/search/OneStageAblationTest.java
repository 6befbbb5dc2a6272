package org.emomc4j.search;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.ImageSet;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Schedule;
import org.emomc4j.nn.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The two-stage vs one-stage ablation on a tiny real network (VGG-11 at width 1/16) and tiny random data. */
class OneStageAblationTest {

    @TempDir
    static Path tmp;
    static NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
    static ImageSet train = ImageSet.random(96, 1), val = ImageSet.random(64, 2), test = ImageSet.random(64, 3);
    static Path stage1, twoStage;
    static SearchConfig cfg = SearchConfig.builder(Objective.ENERGY).budget(6, 3, 2).seed(1).build();
    static ReferenceCosts costs = new ReferenceCosts(spec, Dataflow.XY, Coding.DENSE);

    @BeforeAll
    static void twoStage() throws Exception {
        Path base = tmp.resolve("base.ckpt");
        Model.create(spec, 3).save(base);
        stage1 = tmp.resolve("stage1");
        new Stage1(RemainingGrid.parse("0.3,0.6"), 2, Stage1.Mode.CHAINED,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.STEP, 1000, 1)).run(base, train, val, 64, stage1, null);
        twoStage = tmp.resolve("search-energy-XY");
        EmomcProblem problem = new EmomcProblem(Stage1.available(stage1), spec.size(), 2, 12, Objective.ENERGY,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, new CheckpointAccuracy(stage1, val, 32, 2), costs);
        SearchRun run = new SearchRun(cfg, problem, twoStage);
        SearchRun.Result r = run.run(false, null);
        Summary.write(twoStage, cfg, r, Summary.rescore(r.front(), new CheckpointAccuracy(stage1, test, 32, 2)),
                new Summary.Baseline(Model.load(base).accuracy(test, 64), costs.baselineEnergy(), costs.baselineSize()),
                run.hypervolumeReference(), 0);
    }

    private static OneStageAblation.Inputs inputs() {
        return new OneStageAblation.Inputs(stage1, twoStage, tmp.resolve("one-stage"), cfg, costs, train, val, test, 32, 0.01, 1);
    }

    @Test
    void oneStageSpendsStageOnesTrainingBudgetAndBothFrontsAreComparable() throws Exception {
        OneStageAblation.Result r = OneStageAblation.run(inputs(), line -> { });
        // Stage 1 here: 2 steps for r = 0.6, then 1 epoch for r = 0.3, over 96 images in batches of 32.
        assertEquals(3 * 96, r.twoStage().trainingImages());
        int planned = cfg.plannedEvaluations(); // 6 + 2 x 3 = 12
        assertEquals(12, planned);
        // 288 images / 12 candidates = 24 each: less than a batch, so one epoch over a class-balanced
        // slice of 24 (whole classes only: at most one image short per class).
        assertTrue(r.imagesPerCandidate() <= 24 && r.imagesPerCandidate() > 24 - 10, "share " + r.imagesPerCandidate());
        assertTrue(r.oneStage().measured() >= 1 && r.oneStage().measured() <= planned);
        assertEquals(r.oneStage().measured() * r.imagesPerCandidate(), r.oneStage().trainingImages());
        assertTrue(r.oneStage().trainingImages() <= r.twoStage().trainingImages(), "one-stage may not out-train stage 1");
        for (OneStageAblation.Scheme s : List.of(r.twoStage(), r.oneStage())) {
            assertFalse(s.front().isEmpty(), s.name());
            // MOEA Framework normalises the fixed box to the unit square.
            assertTrue(s.testHypervolume() >= 0 && s.testHypervolume() <= 1, s.name() + ": " + s.testHypervolume());
            for (Summary.Member m : s.front()) assertTrue(m.testAccuracy() >= 0 && m.testAccuracy() <= 1, s.name());
            // Every front is mutually non-dominated on the accuracy it was selected on (validation).
            for (Summary.Member a : s.front())
                for (Summary.Member b : s.front())
                    assertFalse(a.valAccuracy() >= b.valAccuracy() && a.energyMilliJoules() <= b.energyMilliJoules()
                            && (a.valAccuracy() > b.valAccuracy() || a.energyMilliJoules() < b.energyMilliJoules()), s.name());
        }
        assertEquals(2, r.table().rowCount());
        assertEquals(OneStageAblation.SCHEME_ONE, r.table().stringColumn("scheme").get(1));
        assertTrue(Files.exists(tmp.resolve("one-stage").resolve(Summary.FILE)));

        // Per-image results kept like the two-stage search's: every measured candidate on validation and the front on
        // test, agreeing with the recorded accuracies; the base network's, measured here, as the uncompressed baseline.
        Path one = tmp.resolve("one-stage");
        var valCorrect = org.emomc4j.metrics.CorrectnessFile.read(one.resolve(SearchRun.CORRECTNESS));
        var rows = org.emomc4j.util.Csv.readRows(one.resolve(SearchRun.EVALUATIONS));
        assertEquals(r.oneStage().measured(), rows.size());
        for (String[] row : rows) {
            assertNotNull(valCorrect.get(row[1]), row[1]);
            assertEquals(Double.parseDouble(row[4]), valCorrect.get(row[1]).accuracy(), 0.0, row[1]);
        }
        Model base = Model.load(tmp.resolve("base.ckpt"));
        assertEquals(base.accuracy(val, 64), valCorrect.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED).accuracy(), 1e-12);
        var testCorrect = Summary.readTestCorrectness(one);
        for (Summary.Member m : r.oneStage().front())
            assertEquals(m.testAccuracy(), testCorrect.get(SearchRun.csvKey(m.genome())).accuracy(), 0.0, m.genome().key());
        assertEquals(base.accuracy(test, 64), testCorrect.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED).accuracy(), 1e-12);
        // The comparison table gives the upper end of the paired interval of the best gain's loss: the cheapest member
        // within 1 point, found here by hand, against the base network.
        double baseAcc = r.baselineTestAccuracy();
        Summary.Member cheapest = null;
        for (Summary.Member m : r.oneStage().front())
            if (m.testAccuracy() >= baseAcc - 0.01 - 1e-12 && (cheapest == null || m.energyMilliJoules() < cheapest.energyMilliJoules()))
                cheapest = m;
        double hi = r.table().doubleColumn("loss_hi@1%").getDouble(1);
        // The two-stage search of this fixture was written without per-image results: no interval, not a made-up one.
        assertTrue(Double.isNaN(r.table().doubleColumn("loss_hi@1%").getDouble(0)));
        if (cheapest == null) assertTrue(Double.isNaN(hi));
        else {
            var pl = org.emomc4j.metrics.PairedLoss.of(testCorrect.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED),
                    testCorrect.get(SearchRun.csvKey(cheapest.genome())));
            assertEquals(100 * pl.upper(), hi, 1e-9);
            assertTrue(hi >= 100 * (baseAcc - cheapest.testAccuracy()) - 1e-9);
        }

        // Run again: nothing is re-measured (the finished run is read back), the comparison is the same.
        String evals = Files.readString(tmp.resolve("one-stage").resolve(SearchRun.EVALUATIONS));
        OneStageAblation.Result again = OneStageAblation.run(inputs(), line -> { });
        assertEquals(evals, Files.readString(tmp.resolve("one-stage").resolve(SearchRun.EVALUATIONS)));
        assertEquals(r.oneStage().testHypervolume(), again.oneStage().testHypervolume(), 1e-12);
        assertEquals(r.twoStage().testHypervolume(), again.twoStage().testHypervolume(), 1e-12);
    }

    @Test
    void missingTwoStageRunIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OneStageAblation.Inputs(stage1, tmp.resolve("nothing"),
                tmp.resolve("x"), cfg, costs, train, val, test, 32, 0.01, 1));
        assertTrue(e.getMessage().contains("no finished two-stage search"), e.getMessage());
    }

    @Test
    void shareOfTheReferenceBudget() {
        // quick profile: 16 stage-1 epochs over 45,000 images, 20 + 20 x 10 candidates, batch 128
        long s1 = 16 * OneStageAblation.imagesPerEpoch(45_000, 128);
        assertArrayEquals(new int[]{3200, 1}, OneStageAblation.fineTuneShare(s1, 220, 45_000, 128));
        // more than the training set per candidate: whole epochs
        assertArrayEquals(new int[]{96, 5}, OneStageAblation.fineTuneShare(1000, 2, 96, 32));
    }

    @Test
    void sliceCoversItsShareInWholeBatches() {
        ImageSet big = ImageSet.random(3000, 7);
        // 256 = 2 batches: a balanced sample of 256 would hold 250 (whole classes) and train one batch only
        assertEquals(256, OneStageAblation.imagesPerEpoch(OneStageAblation.slice(big, 256, 128, 1).size(), 128));
        assertEquals(2944, OneStageAblation.imagesPerEpoch(OneStageAblation.slice(big, 2944, 128, 1).size(), 128));
    }

    /** The one-stage search never trains on more images than stage 1 did, and not on less than half. */
    @Property(tries = 300)
    void shareNeverExceedsTheBudget(@ForAll @LongRange(min = 1, max = 50_000_000) long stage1Images,
                                    @ForAll @IntRange(min = 1, max = 5000) int planned,
                                    @ForAll @IntRange(min = 1, max = 50_000) int trainSize,
                                    @ForAll @IntRange(min = 1, max = 512) int batch) {
        if (stage1Images < planned) return;
        int[] s = OneStageAblation.fineTuneShare(stage1Images, planned, trainSize, batch);
        long perCandidate = OneStageAblation.imagesPerEpoch(s[0], batch) * s[1];
        long share = stage1Images / planned;
        assertTrue(perCandidate * planned <= stage1Images, "over budget");
        if (share >= Math.min(batch, trainSize)) assertTrue(2 * perCandidate >= share, "under half the budget: " + perCandidate + " of " + share);
    }
}
