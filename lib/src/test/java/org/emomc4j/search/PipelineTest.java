package org.emomc4j.search;

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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Stage 1 and stage 2 on a tiny real network (VGG-11 at width 1/16) and tiny random data. */
class PipelineTest {

    @TempDir
    static Path tmp;
    static NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
    static ImageSet train = ImageSet.random(96, 1), val = ImageSet.random(64, 2);
    static Path base, stage1;

    @BeforeAll
    static void stage1() throws Exception {
        base = tmp.resolve("base.ckpt");
        Model.create(spec, 3).save(base);
        stage1 = tmp.resolve("stage1");
        new Stage1(RemainingGrid.parse("0.3,0.6"), 2, Stage1.Mode.CHAINED,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.STEP, 1000, 1)).run(base, train, val, 64, stage1, null);
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
        long before = Files.getLastModifiedTime(Stage1.checkpoint(stage1, 0.6)).toMillis();
        List<Stage1.Point> pts = new Stage1(RemainingGrid.parse("0.3,0.6"), 2, Stage1.Mode.CHAINED,
                new TrainConfig(1, 32, 0.01, 0.9, 5e-4, Schedule.STEP, 1000, 1)).run(base, train, val, 64, stage1, null);
        assertEquals(2, pts.size());
        assertEquals(before, Files.getLastModifiedTime(Stage1.checkpoint(stage1, 0.6)).toMillis());
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

    @Test
    void searchOnRealCheckpointsResumesToTheSameFront() throws Exception {
        SearchConfig cfg = SearchConfig.builder(Objective.ENERGY).budget(6, 3, 3).seed(1).build();
        SearchRun.Result full = new SearchRun(cfg, problem(), tmp.resolve("full")).run(false, null);
        Path part = tmp.resolve("part");
        new SearchRun(cfg.withBudget(6, 3, 1), problem(), part).run(false, null);
        SearchRun.Result resumed = new SearchRun(cfg, problem(), part).run(true, null);
        assertEquals(Files.readString(tmp.resolve("full").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)));
        assertEquals(full.front().size(), resumed.front().size());
        for (Evaluation a : full.front())
            for (Evaluation b : full.front())
                assertFalse(1 - a.accuracy() <= 1 - b.accuracy() && a.energyMilliJoules() <= b.energyMilliJoules()
                        && (a.accuracy() > b.accuracy() || a.energyMilliJoules() < b.energyMilliJoules()), "front dominated");
    }

    private static EmomcProblem problem() throws Exception {
        return new EmomcProblem(Stage1.available(stage1), spec.size(), 2, 12, Objective.ENERGY, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, new CheckpointAccuracy(stage1, val, 32, 2), new ReferenceCosts(spec, Dataflow.XY, Coding.DENSE));
    }

    private static int[] bits(int b) {
        int[] x = new int[spec.size()];
        java.util.Arrays.fill(x, b);
        return x;
    }
}
