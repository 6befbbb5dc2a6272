package org.emomc4j.search;

import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The whole pipeline on a tiny profile and synthetic data: a second run does no work, a resumed one only the rest. */
class ReproduceTest {

    @TempDir
    Path tmp;

    static long count(List<String> log, String start) { return log.stream().filter(l -> l.startsWith(start)).count(); }

    /** Stage-1 grid points pruned, from their lines (a point of several epochs also logs each step). */
    static long points(List<String> log) { return log.stream().filter(l -> l.startsWith("stage 1: r = ") && l.contains(" done (")).count(); }

    /** Generations searched, from the per-generation progress lines. */
    static long generations(List<String> log) { return log.stream().filter(l -> l.contains(": generation ")).count(); }

    /**
     * The plan's training speed is the median of the latest epochs: 20 slow epochs then 10 on faster
     * code give the faster speed, and 3 paused epochs among the last 10 do not move it.
     */
    @Test
    void thePlansTrainingSpeedIsTheMedianOfTheLatestEpochs() throws Exception {
        Path log = tmp.resolve("train-log.csv");
        List<String> rows = new ArrayList<>(List.of("epoch,img_per_s"));
        for (int e = 1; e <= 20; e++) rows.add(e + ",150");
        for (int e = 21; e <= 30; e++) rows.add(e + "," + (e == 22 || e == 25 || e == 28 ? 60 : 190));
        java.nio.file.Files.write(log, rows);
        assertEquals(190, Reproduce.medianColumn(log, "img_per_s", Reproduce.PLAN_EPOCHS), 1e-9);
        assertEquals(150, Reproduce.medianColumn(log, "img_per_s", 1000), 1e-9, "over every epoch the slow ones win");
        assertTrue(Double.isNaN(Reproduce.medianColumn(tmp.resolve("none.csv"), "img_per_s", 10)));
    }

    @Test
    void aFinishedRunDoesNoWorkAndAResumedOneOnlyTheRest() throws Exception {
        Path data = ExperimentTest.smallCifar(tmp.resolve("cifar"));
        Path out = tmp.resolve("run");
        Reproduce.Options o = new Reproduce.Options(ExperimentTest.TINY, out, data, 1);
        List<String> first = new ArrayList<>();
        Reproduce.Report r1 = Reproduce.run(o, first::add);
        // Work is counted by what the run reports doing: epochs trained, grid points pruned, generations searched.
        assertEquals(1, count(first, "baseline epoch"), String.join("\n", first));
        assertEquals(1, points(first));
        assertEquals(7 * 2, generations(first), "7 searches of generations 0 and 1: " + String.join("\n", first));

        List<String> second = new ArrayList<>();
        Reproduce.Report r2 = Reproduce.run(o, second::add);
        assertTrue(second.get(0).contains("has finished: nothing to compute"), second.get(0));
        assertEquals(0, count(second, "baseline epoch") + points(second) + count(second, "stage 2 "), String.join("\n", second));
        assertEquals(r1.energyFronts(), r2.energyFronts());
        assertEquals(r1.tableII().print(), r2.tableII().print());
        // The tables carry paired intervals on the test images (per-image results kept by the searches), and a
        // finished run rebuilds them from its searches.
        assertEquals(4 * 3, r1.tableII().rowCount());
        assertEquals(3 * 3, r1.tableIII().rowCount());
        for (org.emomc4j.metrics.Gains.Row row : r1.energyRows(0.5)) {
            assertNotNull(row.loss(), row.label());
            assertTrue(row.loss().lower() <= row.pointLoss() && row.pointLoss() <= row.loss().upper(), row.toString());
        }
        // Without the stages beyond the paper their columns stay empty and say so.
        for (String c : List.of("peer_note", "stage3_note"))
            for (String note : r1.tableIII().stringColumn(c).asList()) assertTrue(note.startsWith("not run"), c + ": " + note);
        RunLayout layout = new RunLayout(out);
        Files.delete(layout.table3());
        Reproduce.run(o, l -> { });
        assertEquals(r1.tableIII().print(), tech.tablesaw.api.Table.read().csv(layout.table3().toFile()).setName(r1.tableIII().name()).print());
        assertTrue(Files.exists(layout.paperTable2()) && Files.exists(layout.paperTable3()));

        // Interrupted after stage 2 (the report is missing): resuming trains and searches nothing, only re-reads.
        Files.delete(new RunLayout(out).reproduceJson());
        List<String> third = new ArrayList<>();
        Reproduce.Report r3 = Reproduce.run(o, third::add);
        assertEquals(0, count(third, "baseline epoch"), String.join("\n", third));
        assertEquals(1, count(third, "baseline: 1 epochs finished earlier"));
        assertEquals(0, points(third));
        assertEquals(0, generations(third), String.join("\n", third));
        assertEquals(7, third.stream().filter(l -> l.contains("finished earlier (")).count(), String.join("\n", third));
        assertEquals(r1.energyFronts(), r3.energyFronts());
        // The baseline's test accuracy is read back, not measured again; a record for another checkpoint is not used.
        assertEquals(1, third.stream().filter(l -> l.startsWith("baseline test accuracy") && l.contains("(measured earlier")).count(),
                String.join("\n", third));
        assertEquals(r1.baselineTestAccuracy(), r3.baselineTestAccuracy());
        String record = Files.readString(layout.baselineTestJson());
        Files.writeString(layout.baselineTestJson(), record.replaceAll("\"checkpoint_sha256\" : \"[0-9a-f]+\"", "\"checkpoint_sha256\" : \"00\"")
                .replaceAll("\"accuracy\" : [0-9.E-]+", "\"accuracy\" : 0.123"));
        Files.delete(layout.reproduceJson());
        List<String> fourth = new ArrayList<>();
        Reproduce.Report r4 = Reproduce.run(o, fourth::add);
        assertEquals(1, fourth.stream().filter(l -> l.contains("is for another checkpoint or test set")).count(), String.join("\n", fourth));
        assertEquals(r1.baselineTestAccuracy(), r4.baselineTestAccuracy());
        assertEquals(record, Files.readString(layout.baselineTestJson()));

        // The same directory under another seed is another reproduction: refused, naming what differs.
        UserError e = assertThrows(UserError.class, () -> Reproduce.run(new Reproduce.Options(ExperimentTest.TINY, out, data, 2), l -> { }));
        assertTrue(e.getMessage().contains("seed: 1 in the run, 2 now"), e.getMessage());
    }

    @Test
    void stagesBeyondThePaperRunAfterThePipelineAndAreReadBack() throws Exception {
        Path data = ExperimentTest.smallCifar(tmp.resolve("cifar"));
        Path out = tmp.resolve("run");
        var all = java.util.EnumSet.allOf(ExtraStages.Stage.class);
        Reproduce.Options o = new Reproduce.Options(ExperimentTest.TINY, out, data, 1, null, all);
        List<String> first = new ArrayList<>();
        Reproduce.Report r1 = Reproduce.run(o, first::add);
        String log = String.join("\n", first);
        // Smoke's sizes: two arms of 2 epochs, two filter fractions of 1 epoch, stage 3 of at least one plan.
        assertEquals(4, count(first, "Fig. 3 "), log);
        assertEquals(2, first.stream().filter(l -> l.contains("fine-tuning epoch 1/1")).count(), log);
        assertTrue(first.stream().anyMatch(l -> l.contains("QAT epoch 1/1")), log);
        RunLayout layout = new RunLayout(out);
        for (Path f : List.of(layout.fig3Csv(), layout.peerEnergyCsv(), layout.peerSizeCsv(), layout.stage3Csv(), layout.stage3GainsCsv()))
            assertTrue(Files.isRegularFile(f), f.toString());
        assertEquals(6, r1.extras().fig3().size());
        assertEquals(3 * 4, r1.extras().peerEnergy().rowCount(), "3 budgets x 4 dataflows");
        assertFalse(r1.extras().stage3().isEmpty());
        // Tables II and III hold the peer's and stage 3's columns; the peer's gain is the cheapest grid point within
        // each budget, recomputed here from the points.
        tech.tablesaw.api.Table t2 = r1.tableII();
        int peerLines = 0;
        for (int i = 0; i < t2.rowCount(); i++) {
            double budget = t2.doubleColumn("budget_%").getDouble(i) / 100, baseAcc = t2.doubleColumn("baseline_accuracy_%").getDouble(i) / 100;
            String label = t2.stringColumn(0).get(i);
            String df = java.util.Arrays.stream(org.emomc4j.hw.Dataflow.values()).filter(d -> d.label().equals(label))
                    .findFirst().orElseThrow().name();
            double least = r1.extras().peer().stream().filter(p -> p.testAccuracy() >= baseAcc - budget - 1e-9)
                    .mapToDouble(p -> p.energy().get(df)).min().orElse(Double.NaN);
            double gain = t2.doubleColumn("peer_gain_x").getDouble(i);
            if (Double.isNaN(least)) {
                assertTrue(Double.isNaN(gain), "line " + i);
                assertEquals("none within budget", t2.stringColumn("peer_note").get(i));
                continue;
            }
            peerLines++;
            assertEquals(t2.doubleColumn("baseline_mJ").getDouble(i) / least, gain, 1e-9, "line " + i);
            double loss = t2.doubleColumn("peer_loss_%").getDouble(i);
            assertTrue(t2.doubleColumn("peer_loss_lo_%").getDouble(i) <= loss && loss <= t2.doubleColumn("peer_loss_hi_%").getDouble(i),
                    "line " + i + ": the peer's loss lies in its interval");
            assertEquals("", t2.stringColumn("peer_note").get(i));
        }
        assertTrue(peerLines > 0, "on this data some peer point is within 2 points of the baseline");
        for (tech.tablesaw.api.Table t : List.of(r1.tableII(), r1.tableIII()))
            for (int i = 0; i < t.rowCount(); i++) {
                assertFalse(t.stringColumn("stage3_note").get(i).startsWith("not run"));
                // Stage 3's plans kept their per-image test results: a filled line has its interval.
                if (!t.doubleColumn("stage3_loss_%").isMissing(i)) assertFalse(t.doubleColumn("stage3_loss_hi_%").isMissing(i), "line " + i);
            }
        String csv = Files.readString(layout.table2());
        assertTrue(csv.contains("peer_gain_x") && csv.contains("stage3_loss_hi_%"), csv.lines().findFirst().orElse(""));
        org.emomc4j.report.Tables.saveReproduction(r1, tmp.resolve("tables.md"));
        String md = Files.readString(tmp.resolve("tables.md"));
        assertTrue(md.contains("EMOMC, the peer method and stage 3 side by side") && md.contains("| peer gain_x |"), md);

        // Again: everything is read back, nothing trained; without extras the report has none.
        List<String> second = new ArrayList<>();
        Reproduce.Report r2 = Reproduce.run(o, second::add);
        assertEquals(0, second.stream().filter(l -> l.contains(" epoch ")).count(), String.join("\n", second));
        assertEquals(r1.extras().fig3(), r2.extras().fig3());
        assertEquals(r1.extras().peerSize().print(), r2.extras().peerSize().print());
        assertEquals(r1.extras().stage3().size(), r2.extras().stage3().size());
        assertNull(Reproduce.run(new Reproduce.Options(ExperimentTest.TINY, out, data, 1), l -> { }).extras());
    }

    /**
     * The full profile's combination at toy size, which no other test runs together: a warm
     * restart and an SWA run after the baseline, bf16 training and scoring, racing, the shared
     * caches and every stage beyond the paper, end to end; the network searched is the SWA run's,
     * and a second call reads everything back.
     */
    @Test
    void theFullProfilesCombinationRunsEndToEnd() throws Exception {
        Path data = ExperimentTest.smallCifar(tmp.resolve("cifar"));
        Path out = tmp.resolve("full-like");
        Profile p = ExperimentTest.TINY.toBuilder().restart(1, "onecycle", 0.01).swa(2, 0.005)
                .precision(org.emomc4j.nn.Precision.BF16).trainPrecision(org.emomc4j.nn.Precision.BF16)
                .racing(new Racing(16, 1e-3)).build();
        Reproduce.Options o = new Reproduce.Options(p, out, data, 1, null, java.util.EnumSet.allOf(ExtraStages.Stage.class));
        List<String> first = new ArrayList<>();
        Reproduce.Report r1 = Reproduce.run(o, first::add);
        String log = String.join("\n", first);
        RunLayout layout = new RunLayout(out);
        assertTrue(Files.readString(out.resolve("baseline-3").resolve(org.emomc4j.nn.Trainer.SWA_JSON)).contains("\"epochs_averaged\" : 2"), log);
        assertTrue(Files.readString(layout.baselineTestJson()).contains(
                org.emomc4j.util.Hashes.sha256(out.resolve("baseline-3").resolve(org.emomc4j.nn.Trainer.SWA))), "the SWA network is the baseline");
        assertEquals(7 * 2, generations(first), log);
        assertEquals(4 * 3, r1.tableII().rowCount());
        assertFalse(r1.extras().stage3().isEmpty(), log);
        assertTrue(Files.isRegularFile(layout.reproduceJson()));

        List<String> second = new ArrayList<>();
        Reproduce.Report r2 = Reproduce.run(o, second::add);
        assertTrue(second.get(0).contains("has finished: nothing to compute"), second.get(0));
        assertEquals(0, second.stream().filter(l -> l.contains(" epoch ")).count(), String.join("\n", second));
        assertEquals(r1.energyFronts(), r2.energyFronts());
        assertEquals(r1.tableIII().print(), r2.tableIII().print());
    }
}
