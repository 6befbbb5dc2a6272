package org.emomc4j.search;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Stage 3 (QAT of a chosen plan), the peer method and the paper's Fig. 3, on a tiny network and made-up images. */
class BeyondThePaperTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);
    static final ImageSet TRAIN = ImageSet.random(128, 1), VAL = ImageSet.random(40, 2), TEST = ImageSet.random(40, 3);

    static Path base(Path dir) {
        Path ck = dir.resolve("base.ckpt");
        Model.create(TINY, 5).save(ck);
        return ck;
    }

    static TrainConfig fineTune(int epochs) { return Stage1.fineTuning(epochs, 32, 0.05, 1); }

    @Test
    void stage3KeepsMasksAndBits(@TempDir Path tmp) throws IOException {
        Path base = base(tmp);
        int[] bits = new int[TINY.size()];
        for (int l = 0; l < bits.length; l++) bits[l] = 2 + l % 4;
        CompressionPlan plan = CompressionPlan.of(0.4, bits);
        List<String> log = new ArrayList<>();
        Stage3.Result r = Stage3.run(base, plan, fineTune(2), TRAIN, VAL, TEST, tmp.resolve("s3"), log::add);
        Model before = Model.load(base), after = Model.load(r.checkpoint());
        boolean changed = false;
        for (int l = 0; l < TINY.size(); l++) {
            boolean[] keep = MagnitudePruning.mask(before.weights(l), 0.4);
            float[] w = after.weights(l);
            Set<Float> values = new HashSet<>();
            int zeros = 0;
            for (int i = 0; i < w.length; i++) {
                values.add(w[i]);
                if (!keep[i]) {
                    assertEquals(0f, w[i], "pruned weight " + i + " of layer " + l);
                    zeros++;
                }
            }
            assertEquals(MagnitudePruning.prunedCount(w.length, 0.4), zeros);
            assertTrue(values.size() <= (1 << bits[l]), "layer " + l + " at " + bits[l] + " bits holds " + values.size() + " values");
            changed |= !java.util.Arrays.equals(w, before.weights(l));
        }
        assertTrue(changed, "QAT must change the weights");
        assertEquals(2, r.epochs());
        // Per-image test results of the fine-tuned network, kept for the paired losses: they agree with its accuracy,
        // measured here independently on the saved network.
        assertNotNull(r.testCorrect());
        assertEquals(TEST.size(), r.testCorrect().images());
        assertEquals(after.accuracy(TEST, 16), r.testCorrect().accuracy(), 1e-12);
        assertEquals(r.testAfter(), r.testCorrect().accuracy(), 0.0);
        // Finished: read back, nothing trained again; another plan in the same directory is refused.
        Stage3.Result again = Stage3.run(base, plan, fineTune(2), TRAIN, VAL, TEST, tmp.resolve("s3"), log::add);
        assertEquals(r.valAfter(), again.valAfter());
        assertEquals(r.testCorrect(), again.testCorrect());
        assertThrows(UserError.class, () -> Stage3.run(base, CompressionPlan.of(0.5, bits), fineTune(2), TRAIN, VAL, TEST,
                tmp.resolve("s3"), log::add));
    }

    @Test
    void stage3ResumesToTheSameNetwork(@TempDir Path tmp) throws IOException {
        Path base = base(tmp);
        CompressionPlan plan = CompressionPlan.uniform(TINY, 0.5, 4);
        Stage3.Result whole = Stage3.run(base, plan, fineTune(2), TRAIN, VAL, null, tmp.resolve("a"), s -> { });
        // An interrupted run: the first epoch's checkpoint is all that is left.
        Path b = tmp.resolve("b");
        Stage3.run(base, plan, fineTune(2), TRAIN, VAL, null, b, s -> { });
        Files.delete(b.resolve(Stage3.CSV));
        Files.delete(b.resolve(Stage3.CHECKPOINT));
        Model m = Model.load(base);
        Stage3.prepare(m, plan);
        org.emomc4j.nn.Trainer t = new org.emomc4j.nn.Trainer(m, fineTune(2));
        t.trainEpoch(TRAIN, null, null);
        t.save(b.resolve("stage3.partial.ckpt"));
        Stage3.Result resumed = Stage3.run(base, plan, fineTune(2), TRAIN, VAL, null, b, s -> { });
        for (int l = 0; l < TINY.size(); l++)
            assertArrayEquals(Model.load(whole.checkpoint()).weights(l), Model.load(resumed.checkpoint()).weights(l), "layer " + l);
    }

    @Test
    void peerGridCostsAndRows(@TempDir Path tmp) throws IOException {
        Path base = base(tmp);
        PruningFilters.Settings s = new PruningFilters.Settings(new double[]{0.25, 0.5}, fineTune(1));
        List<PruningFilters.Point> pts = PruningFilters.run(s, base, TRAIN, VAL, TEST, tmp.resolve("peer"), x -> { });
        assertEquals(2, pts.size());
        PruningFilters.Point a = pts.get(0), b = pts.get(1);
        assertTrue(b.weightsKept() < a.weightsKept() && a.weightsKept() < 1);
        // Removing filters removes about (1 - f)^2 of a conv layer's weights: between the two bounds.
        assertTrue(b.weightsKept() > 0.2 && b.weightsKept() < 0.5, "half the filters: " + b.weightsKept());
        for (String d : a.energy().keySet()) assertTrue(b.energy().get(d) < a.energy().get(d), d);
        // Per-image test results of every point and of the base network, agreeing with the accuracies measured here.
        for (int i = 0; i < 2; i++) {
            PruningFilters.Point p = pts.get(i);
            assertNotNull(p.testCorrect(), p.key());
            Model m = Model.load(tmp.resolve("peer").resolve(p.key() + ".ckpt"));
            assertEquals(m.accuracy(TEST, 16), p.testCorrect().accuracy(), 1e-12, p.key());
        }
        org.emomc4j.metrics.Correctness baseCorrect = PruningFilters.baseCorrectness(tmp.resolve("peer"));
        assertEquals(Model.load(base).accuracy(TEST, 16), baseCorrect.accuracy(), 1e-12);
        // Finished points are read back, not fine-tuned again.
        assertEquals(PruningFilters.read(tmp.resolve("peer")), PruningFilters.run(s, base, TRAIN, VAL, TEST, tmp.resolve("peer"), x -> { }));
        // Budgets: a baseline accuracy far above both points leaves the rows empty; one below takes the cheapest.
        var none = PruningFilters.energyRows(pts, 2.0, TINY, new double[]{0.003});
        assertTrue(none.doubleColumn("gain").isMissing().size() == 4);
        var all = PruningFilters.sizeRows(pts, 0.0, TINY, new double[]{0.01});
        assertEquals(0.5, all.doubleColumn("pruned_filters").get(0));
        double dense32 = TINY.weightCount() * 32 / 8192.0;
        assertEquals(dense32 / b.size().get("dense"), all.doubleColumn("gain").get(0), 1e-9);
    }

    @Test
    void peerColumnsTakeTheCheapestPointWithinEachBudgetPerDataflowAndCoding() {
        // Two made-up points: a (accuracy 0.9, dear) and b (0.8, cheap) on every dataflow and coding.
        PruningFilters.Point a = point(0.25, 0.9, 8, 800), b = point(0.5, 0.8, 2, 200);
        double dense32 = TINY.weightCount() * 32 / 8192.0;
        org.emomc4j.metrics.Gains.Baseline eb = new org.emomc4j.metrics.Gains.Baseline(0.9, 16, Double.NaN, null),
                sb = new org.emomc4j.metrics.Gains.Baseline(0.9, dense32, dense32, null);
        var e = PruningFilters.beside(List.of(a, b), org.emomc4j.metrics.Gains.Kind.ENERGY, null);
        var z = PruningFilters.beside(List.of(a, b), org.emomc4j.metrics.Gains.Kind.SIZE, null);
        assertEquals(List.of("X|Y", "IC|OC", "Fx|Fy", "X|Fx"), List.copyOf(e.fronts().keySet()));
        assertEquals(List.of("dense", "CSR", "COO"), List.copyOf(z.fronts().keySet()));
        var rows = org.emomc4j.metrics.Gains.atBudgets("IC|OC", e.fronts().get("IC|OC"), eb, 0.003, 0.2);
        assertEquals(16 / 8.0, rows.get(0).gain(), 1e-12);        // only a within 0.3 %
        assertEquals(16 / 2.0, rows.get(1).gain(), 1e-12);        // b within 20 %
        assertEquals("50% of filters removed", rows.get(1).best().id());
        var sizeRows = org.emomc4j.metrics.Gains.atBudgets("COO", z.fronts().get("COO"), sb, 0.2);
        assertEquals(dense32 / 200, sizeRows.get(0).gain(), 1e-12);
    }

    private static PruningFilters.Point point(double f, double acc, double energy, double kib) {
        java.util.Map<String, Double> e = new java.util.LinkedHashMap<>(), z = new java.util.LinkedHashMap<>();
        for (org.emomc4j.hw.Dataflow d : org.emomc4j.hw.Dataflow.values()) e.put(d.name(), energy);
        for (org.emomc4j.compress.coding.Coding c : org.emomc4j.compress.coding.Coding.PAPER) z.put(c.cliName(), kib);
        return new PruningFilters.Point(f, acc, acc, 0.5, 0.5, e, z, 1, 1, null);
    }

    @Test
    void stage3LabelDescribesThePlan() {
        int[] bits = {8, 6, 5};
        assertEquals("r0.45-b8.6.5", Stage3.label(CompressionPlan.of(0.45, bits)));
        CompressionPlan p = CompressionPlan.of(new double[]{0.3, 0.5, 0.7}, bits, null),
                q = CompressionPlan.of(new double[]{0.7, 0.5, 0.3}, bits, null);
        String lp = Stage3.label(p), lq = Stage3.label(q);
        assertTrue(lp.startsWith("rmean0.50-min0.30-max0.70-h") && lp.endsWith("-b8.6.5"), lp);
        // Same mean, least and largest r, other layers: another name (another directory).
        assertNotEquals(lp, lq);
        assertTrue(lq.startsWith("rmean0.50-min0.30-max0.70-h"), lq);
    }

    @Test
    void fig3ArmsEndAtTheTarget(@TempDir Path tmp) throws IOException {
        Path base = base(tmp);
        List<PruningSteps.Epoch> rows = PruningSteps.run(0.05, fineTune(3), base, TRAIN, VAL, tmp.resolve("fig3"), x -> { });
        assertEquals(8, rows.size());
        var c = PruningSteps.curves(rows);
        assertArrayEquals(new double[]{0, 1, 2, 3}, c.get(PruningSteps.MULTI)[0]);
        assertEquals(1.0, rows.get(0).remaining());
        assertEquals(0.05, rows.get(3).remaining(), 1e-12);
        assertEquals(Math.pow(0.05, 1 / 3.0), rows.get(1).remaining(), 1e-12);
        for (PruningSteps.Epoch e : rows.subList(4, 8)) assertEquals(0.05, e.remaining());
        assertEquals(rows, PruningSteps.read(tmp.resolve("fig3").resolve(PruningSteps.CSV)));
        assertEquals(rows, PruningSteps.run(0.05, fineTune(3), base, TRAIN, VAL, tmp.resolve("fig3"), x -> { }));
    }

    @Test
    void stage3ChoosesTheKneeAndTheCheapestPlanWithinEachBudget() {
        Summary.Member a = member(0.20, 0.800, 1), b = member(0.30, 0.893, 2), c = member(0.40, 0.897, 4), d = member(0.50, 0.900, 9);
        var chosen = ExtraStages.choose(List.of(a, b, c, d), Summary.Member::energyMilliJoules, 0.900);
        // 0.3 %: accuracy >= 0.897 -> c (cost 4); 1 %: >= 0.890 -> b; 2 %: >= 0.880 -> b; knee: b (far above the chord).
        assertEquals(List.of("knee", "0.3%", "1%", "2%"), List.copyOf(chosen.keySet()));
        assertSame(b, chosen.get("knee"));
        assertSame(c, chosen.get("0.3%"));
        assertSame(b, chosen.get("1%"));
        assertSame(b, chosen.get("2%"));
        // A budget nothing meets has no row.
        assertFalse(ExtraStages.choose(List.of(a), Summary.Member::energyMilliJoules, 0.9).containsKey("0.3%"));
    }

    static Summary.Member member(double r, double testAccuracy, double energy) {
        return new Summary.Member(new Genome(r, new int[TINY.size()]), testAccuracy, testAccuracy, energy, energy * 100);
    }
}
