package org.emomc4j.nn;

import org.emomc4j.report.Charts;
import org.emomc4j.util.Csv;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainingRunTest {

    @TempDir
    Path tmp;

    /** A run directory with {@code n} epochs whose validation accuracy is 0.5 + epoch / 1000, started from {@code parent}'s {@code ck}. */
    private Path run(String name, int n, Path parent, String ck) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        StringBuilder log = new StringBuilder(Trainer.LOG_HEADER).append('\n');
        for (int e = 1; e <= n; e++)
            log.append(new Trainer.EpochResult(e, 0.01, 1.0, 0.9, 0.4, 0.5 + e / 1000.0, 240, 190).csv()).append('\n');
        Files.writeString(d.resolve(Trainer.LOG), log);
        if (parent != null)
            Files.writeString(d.resolve(Trainer.INIT_JSON), "{\"checkpoint\": \"" + parent.resolve(ck) + "\", \"sha256\": \"00\"}");
        return d;
    }

    @Test
    void runsStartWhereTheRunTheyCameFromEnded() throws IOException {
        Path a = run("baseline", 80, null, null), b = run("baseline-2", 100, a, "last.ckpt");
        Path swa20 = run("baseline-3", 20, b, "last.ckpt"), swa40 = run("swa40", 40, b, "last.ckpt");
        Path cm = run("cm", 7, swa40, "swa.ckpt"), alone = run("elsewhere", 3, tmp.resolve("gone"), "last.ckpt");
        // Listed out of order: the start comes from init.json, not from the position.
        List<TrainingRun> runs = List.of(TrainingRun.read(cm), TrainingRun.read(swa40), TrainingRun.read(a),
                TrainingRun.read(swa20), TrainingRun.read(b), TrainingRun.read(alone));
        assertArrayEquals(new int[]{220, 180, 0, 180, 80, 0}, TrainingRun.startEpochs(runs));
        assertEquals(0.507, runs.get(0).lastValAccuracy(), 1e-9);
    }

    @Test
    void aRunStillGoingSaysHowFarItIs() throws IOException {
        Path d = run("cm", 11, null, null);
        Files.writeString(d.resolve("run-key.json"), "{\"command\": \"train\", \"settings\": {\"epochs\": \"100\", \"lr\": \"0.05\", "
                + "\"schedule\": \"ONECYCLE\", \"cutmix\": \"0.5\"}}");
        assertEquals("11 of 100 epochs one-cycle, peak lr 0.05, CutMix 0.5", TrainingRun.read(d).recipe());
    }

    @Test
    void aCycleOfInitFilesIsAnErrorNamingARun() throws IOException {
        Path x = tmp.resolve("x"), y = tmp.resolve("y");
        run("x", 2, y, "last.ckpt");
        run("y", 2, x, "last.ckpt");
        UserError e = assertThrows(UserError.class, () -> TrainingRun.startEpochs(List.of(TrainingRun.read(x), TrainingRun.read(y))));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void testAccuracyComesFromEvalOutputOrAMatchingBaselineRecordOnly() throws IOException {
        Path withEval = run("cm-swa", 2, null, null);
        Files.writeString(withEval.resolve(TrainingRun.EVAL_TEST), "vgg16 test fp32: top-1 92.14% (10000 images, loss 0.3129, 36.6 s)\n");
        assertEquals(0.9214, TrainingRun.testAccuracyOf(withEval).getAsDouble(), 1e-12);

        // A reproduction's record names its baseline by checksum: it belongs to baseline-3's SWA network, not to baseline-2's.
        Path repro = Files.createDirectories(tmp.resolve("full"));
        Path b2 = Files.createDirectories(repro.resolve("baseline-2")), b3 = Files.createDirectories(repro.resolve("baseline-3"));
        Files.write(b2.resolve(Trainer.CHECKPOINT), new byte[]{1, 2, 3});
        Files.write(b3.resolve(Trainer.CHECKPOINT), new byte[]{1, 2, 3});
        Files.write(b3.resolve(Trainer.SWA), new byte[]{4, 5, 6});
        Files.createDirectories(repro.resolve("report"));
        Files.writeString(repro.resolve("report/baseline-test.json"),
                "{\"checkpoint_sha256\": \"" + Hashes.sha256(b3.resolve(Trainer.SWA)) + "\", \"images\": 10000, \"accuracy\": 0.9181}");
        assertEquals(0.9181, TrainingRun.testAccuracyOf(b3).getAsDouble(), 1e-12);
        assertTrue(TrainingRun.testAccuracyOf(b2).isEmpty(), "baseline-2's last.ckpt is not the network measured");
    }

    @Test
    void aLogWithoutValidationAccuracyIsRefusedByName() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("odd"));
        Files.writeString(d.resolve(Trainer.LOG), "epoch,lr,train_loss,train_acc,val_loss,seconds,img_per_s\n1,0.1,2,0.3,2,200,190\n");
        UserError e = assertThrows(UserError.class, () -> TrainingRun.read(d));
        assertTrue(e.getMessage().contains("val_acc"), e.getMessage());
        UserError none = assertThrows(UserError.class, () -> TrainingRun.read(tmp.resolve("missing")));
        assertTrue(none.getMessage().contains(Trainer.LOG), none.getMessage());
    }

    @Test
    void theChartPutsTheSwaAverageAtItsRunsEndWithItsAccuracies() throws IOException {
        Path a = run("baseline", 10, null, null), s = run("baseline-3", 4, a, "last.ckpt");
        Files.writeString(s.resolve(Trainer.SWA_JSON), "{\"epochs_averaged\": 4, \"val_accuracy\": 0.9232}");
        Files.writeString(s.resolve(TrainingRun.EVAL_TEST), "vgg16 test fp32: top-1 92.14% (10000 images)\n");
        Files.writeString(s.resolve("run-key.json"), "{\"command\": \"train\", \"settings\": {\"lr\": \"0.01\", \"schedule\": \"STEP\", "
                + "\"swa_epochs\": \"every epoch\", \"cutmix\": \"0.5\"}}");
        TrainingRun swa = TrainingRun.read("SWA", s);
        assertEquals("4 epochs SWA at lr 0.01, CutMix 0.5", swa.recipe());
        var chart = Charts.trainingRuns("Baseline training", "vgg16, CIFAR-10 val", List.of(TrainingRun.read(a), swa), Double.NaN);
        List<String[]> rows = Csv.parse(Charts.data(chart));
        String[] avg = rows.stream().filter(r -> r[2].equals("swa_average")).findFirst().orElseThrow();
        assertEquals("14", avg[4], "the average sits at the SWA run's last epoch counted on from its parent's 10");
        assertEquals(92.32, Double.parseDouble(avg[6]), 1e-9);
        assertEquals(92.14, Double.parseDouble(avg[7]), 1e-9);
        assertEquals(2 + 10 + 4, rows.size(), "header, 10 + 4 epochs and the average");
        assertTrue(chart.getSeriesMap().keySet().stream().anyMatch(k -> k.contains("val 92.32 %, test 92.14 %")), chart.getSeriesMap().keySet().toString());
    }
}
