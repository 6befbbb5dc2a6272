package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.ResumeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProfileBudgetTest {

    @TempDir
    Path tmp;

    /** run-key.json of the quick reproduction started before the full profile existed (~/runs/quick, 2026-11-25), verbatim. */
    static final String QUICK_RUN_KEY = """
            {
              "command" : "reproduce",
              "settings" : {
                "profile" : "Profile[name=quick, width=0.25, trainImages=0, valImages=2000, testImages=0, baselineEpochs=30, schedule=onecycle, lr=0.1, batch=128, grid=0.20:0.80:0.05, steps=4, stage1Mode=CHAINED, fineTuneLr=0.01, pop=20, offspring=10, generations=20, precision=FP32]",
                "seed" : "1"
              }
            }""";

    /** A quick run started before trainPrecision and racing existed still resumes: its key is unchanged, byte for byte. */
    @Test
    void quickKeyIsUnchanged() throws Exception {
        ResumeKey stored = ResumeKey.fromJson(new ObjectMapper().readTree(QUICK_RUN_KEY), Path.of("run-key.json"));
        assertEquals(List.of(), Reproduce.resumeKey(Profile.QUICK, 1).differences(stored));
        for (Profile p : List.of(Profile.SMOKE, Profile.QUICK, Profile.PAPER)) {
            assertEquals(Precision.FP32, p.trainPrecision());
            assertFalse(p.racing().enabled());
            assertFalse(p.toString().contains("trainPrecision"), p.toString());
            assertFalse(p.toString().contains("stage1Parts"), p.toString());
            assertFalse(p.searchConfig(Objective.ENERGY, "XY", "dense").resumeKey().entries().containsKey("racing"));
        }
        assertTrue(Profile.FULL.toString().endsWith(", precision=INT8, trainPrecision=BF16, racing=Racing[sliceImages=512, alpha=0.001], "
                + "restarts=[Restart[epochs=100, schedule=onecycle, lr=0.05, stepEpochs=30, swaEpochs=0], "
                + "Restart[epochs=20, schedule=step, lr=0.01, stepEpochs=1000, swaEpochs=20]]]"), Profile.FULL.toString());
    }

    @Test
    void fullProfileIsThePaperAtWidthOneTrainedInBf16ScoredInInt8() {
        Profile f = Profile.parse("full");
        assertSame(Profile.FULL, f);
        assertEquals(1.0, f.width());
        assertEquals("profile full, VGG-16 width 1", f.label(), "the paper's name for the network, not 1.0");
        assertEquals("profile quick, VGG-16 width 0.25", Profile.QUICK.label());
        assertEquals(0, f.trainImages() + f.valImages() + f.testImages(), "all 45,000 / 5,000 / 10,000 images");
        assertEquals(Precision.INT8, f.precision());
        assertEquals(Precision.BF16, f.baselineConfig(1).precision());
        assertEquals(0.1, f.baselineConfig(1).labelSmoothing());
        assertEquals(16, f.baselineConfig(1).cutout());
        assertEquals(Precision.BF16, f.fineTuning(1, 1).precision());
        // Three baseline runs, each from the previous network; seeds 1, 2, 3; the first run's batch, smoothing and cutout.
        List<TrainConfig> runs = f.baselineConfigs(1);
        assertEquals(List.of(80, 100, 20), runs.stream().map(TrainConfig::epochs).toList());
        assertEquals(List.of(1L, 2L, 3L), runs.stream().map(TrainConfig::seed).toList());
        assertEquals(List.of(0.1, 0.05, 0.01), runs.stream().map(TrainConfig::lr).toList());
        assertEquals(List.of(0, 0, 20), runs.stream().map(TrainConfig::swaEpochs).toList());
        for (TrainConfig r : runs) {
            assertEquals(128, r.batchSize());
            assertEquals(16, r.cutout());
            assertEquals(0.1, r.labelSmoothing());
            assertEquals(Precision.BF16, r.precision());
        }
        assertEquals(0.01, runs.get(2).lrAt(19, 0.99), 1e-12, "SWA's rate stays constant");
        assertEquals(List.of(0.0, 0.0, 0.0), runs.stream().map(TrainConfig::cutmix).toList());
        assertEquals(200, f.baselineEpochsInAll());
        RunLayout l = new RunLayout(Path.of("run"));
        assertEquals(Path.of("run", "baseline-3", "swa.ckpt"), l.baselineResult(f));
        assertEquals(Path.of("run", "baseline", "last.ckpt"), l.baselineResult(Profile.QUICK));
        SearchConfig c = f.searchConfig(Objective.SIZE, "XY", "coo");
        assertEquals(40, c.populationSize());
        assertEquals(20, c.offspringSize());
        assertEquals(120, c.generations());
        assertEquals(1, c.seed());
        assertEquals(Racing.DEFAULT, c.racing());
        assertTrue(c.resumeKey().entries().containsKey("racing"));
        // A profile's parts apply to its own grid; on another grid (an ablation's), whole epochs.
        Profile parted = Profile.FULL.toBuilder().stage1("0.20:0.80:0.01", 8, Stage1.Mode.CHAINED, 0.01).stage1Parts(5).build();
        assertEquals(5, parted.stage1(Stage1.Mode.CHAINED, 1).parts());
        assertEquals(1, parted.stage1(Stage1.Mode.INDEPENDENT, 1).parts());
        assertEquals(1, parted.stage1(Stage1.Mode.CHAINED, RemainingGrid.parse("0.2,0.5,0.8"), 1).parts());
        assertEquals(1, Profile.FULL.stage1(Stage1.Mode.CHAINED, 1).parts());
        // The quick profile keeps its fp32 training.
        assertEquals(Precision.FP32, Profile.QUICK.baselineConfig(1).precision());
        assertEquals(0.0, Profile.QUICK.baselineConfig(1).labelSmoothing());
    }

    /** The planned budget, computed here by hand from the paper's numbers, not by the formula under test. */
    @Test
    void aRestartCanTrainWithCutMixAndOnlyItsKeySaysSo() {
        Profile p = Profile.FULL.toBuilder().restart(60, "onecycle", 0.05).cutmix(0.5).swa(20, 0.01).build();
        List<TrainConfig> runs = p.baselineConfigs(1);
        assertEquals(List.of(0.0, 0.0, 0.0, 0.5, 0.0), runs.stream().map(TrainConfig::cutmix).toList());
        assertEquals(List.of(80, 100, 20, 60, 20), runs.stream().map(TrainConfig::epochs).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), runs.stream().map(TrainConfig::seed).toList());
        assertEquals(16, runs.get(3).cutout(), "the first run's cutout stays on");
        assertTrue(p.toString().contains("swaEpochs=0, cutmix=0.5]"), p.toString());
        // The runs made before stay the ones the longer profile starts with (same configurations, same keys).
        assertEquals(Profile.FULL.baselineConfigs(1), runs.subList(0, 3));
        assertFalse(Profile.FULL.toString().contains("cutmix"), "profiles without CutMix keep their text (resume keys)");
        assertThrows(IllegalStateException.class, () -> Profile.builder("x").cutmix(0.5));
    }

    @Test
    void budgetArithmetic() {
        Budget full = Profile.FULL.budget(0, 0);
        assertEquals(2440, full.evaluationsPerSearch(), "40 + 120 x 20");
        assertEquals(17_080, full.evaluations(), "7 searches");
        assertEquals(61, full.stage1Points(), "the paper's grid: 0.80, 0.79, ..., 0.20");
        assertEquals(68, full.stage1Epochs(), 1e-9, "8 into r = 0.80, then 1 per further point");
        Budget parted = Profile.FULL.toBuilder().stage1Parts(5).build().budget(0, 0);
        assertEquals(61, parted.stage1Points());
        assertEquals(20, parted.stage1Epochs(), 1e-9, "8, then a fifth of an epoch per further point: 8 + 60 / 5");
        Budget coarse = Profile.FULL.toBuilder().stage1("0.20:0.80:0.05", 8, Stage1.Mode.CHAINED, 0.01).build().budget(0, 0);
        assertEquals(13, coarse.stage1Points(), "0.80, 0.75, ..., 0.20");
        assertEquals(20, coarse.stage1Epochs(), 1e-9, "8 + 12");
        assertEquals(85_400_000L, full.imagesWithoutSavings(), "17,080 x 5,000");
        assertEquals(85_400_000.0, full.imagesScored(), 1e-6);
        assertEquals(2_800_000L, full.testImagesScored(), "7 fronts x 40 x 10,000");

        Budget saved = Profile.FULL.budget(0.25, 0.5);
        assertEquals(12_810, saved.measured(), 1e-9, "17,080 x 0.75");
        assertEquals(12_810.0 * (2500 + 256), saved.imagesScored(), 1e-6, "half at 5,000 images, half at 512");

        Budget quick = Profile.QUICK.budget(0.3, 0.9);
        assertEquals(220, quick.evaluationsPerSearch(), "20 + 20 x 10");
        assertEquals(16, quick.stage1Epochs(), 1e-9, "4 + 12");
        assertEquals(1540 * 0.7 * 2000, quick.imagesScored(), 1e-6, "no racing in quick: the raced fraction is ignored");
        Budget paper = Profile.PAPER.budget(0, 0);
        assertEquals(61 * 32, paper.stage1Epochs(), 1e-9, "independent: 32 epochs at each of 61 points");

        // Times at round throughputs: 80 + 100 + 20 epochs x 45,000 images at 100 img/s; 85.4 M images at 1,000 img/s.
        List<Budget.Line> lines = full.lines(new Budget.Throughput(100, 1000, 500, "test"));
        assertEquals("baseline", lines.get(0).stage());
        assertEquals(200 * 450, lines.get(0).seconds(), 1e-6);
        assertEquals("200 epochs (80 + 100 + 20 SWA) x 45000 images", lines.get(0).work());
        assertEquals(68 * 45_000 / 100.0 + 61 * 5000 / 500.0, lines.get(1).seconds(), 1e-6);
        assertEquals(85_400, lines.get(2).seconds(), 1e-6);
        assertEquals(5_600, lines.get(3).seconds(), 1e-6);
        // Half the baseline, all of stage 1, a quarter of the evaluations done: 45,000 + 0 + 64,050 + 5,600 + extras left.
        double extras = lines.get(4).seconds();
        assertEquals(45_000 + 0.75 * 85_400 + 5_600 + extras,
                full.secondsLeft(new Budget.Throughput(100, 1000, 500, "test"), new Budget.Done(100, 68, 4270, 0)), 1e-6);
    }

    /** reproduce.json's stage times come from each stage's own records, so they add up every session. */
    @Test
    void wallTimesSumEverySession() throws Exception {
        RunLayout l = new RunLayout(tmp.resolve("run"));
        Files.createDirectories(l.baselineDir());
        // Two sessions' epochs in one log (a resumed training appends): 100 + 110 + 120 s.
        Files.writeString(l.baselineLog(), "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds,img_per_s\n"
                + "1,0.1,2,0.1,2,0.1,100,450\n2,0.1,2,0.1,2,0.1,110,409\n3,0.1,2,0.1,2,0.1,120,375\n");
        Files.createDirectories(l.stage1Dir());
        Files.writeString(l.stage1Dir().resolve(Stage1.CSV), "remaining,val_accuracy,epochs,seconds\n0.8000,0.9,8,800.00\n0.7500,0.9,1,100.50\n");
        Path s = l.energySearch(org.emomc4j.hw.Dataflow.XY);
        Files.createDirectories(s);
        Files.writeString(s.resolve(Summary.FILE), "{\"wall_time_s\": {\"search\": 1000.0, \"test_rescore\": 25.0}}");
        Map<String, Double> w = Reproduce.wallTimes(l, l.baselineCheckpoint());
        assertEquals(330, w.get("baseline"), 1e-9);
        assertEquals(900.5, w.get("stage1"), 1e-9);
        assertEquals(1025, w.get("stage2/energy-XY"), 1e-9);
        assertEquals(1025, w.get("stage2"), 1e-9);
        assertEquals(330 + 900.5 + 1025, w.get("total"), 1e-9);
        // A baseline given with --baseline: the train-log.csv beside it, or 0.
        Path given = tmp.resolve("given");
        Files.createDirectories(given);
        assertEquals(0, Reproduce.wallTimes(l, given.resolve("last.ckpt")).get("baseline"));
        Files.writeString(given.resolve("train-log.csv"), "epoch,seconds\n1,42.5\n");
        assertEquals(42.5, Reproduce.wallTimes(l, given.resolve("last.ckpt")).get("baseline"), 1e-9);

        // A given baseline warm-started from another run (init.json): both runs' logs, while the first checkpoint is unchanged.
        Path restart = tmp.resolve("restart");
        Files.createDirectories(restart);
        Files.writeString(given.resolve("last.ckpt"), "the first run's network");
        Files.writeString(restart.resolve("train-log.csv"), "epoch,seconds\n1,10\n2,12\n");
        Files.writeString(restart.resolve(org.emomc4j.nn.Trainer.INIT_JSON), "{\"checkpoint\": \"" + given.resolve("last.ckpt").toAbsolutePath()
                + "\", \"sha256\": \"" + org.emomc4j.util.Hashes.sha256(given.resolve("last.ckpt")) + "\"}");
        Map<String, Double> chained = Reproduce.wallTimes(l, restart.resolve("swa.ckpt"));
        assertEquals(42.5 + 22, chained.get("baseline"), 1e-9);
        assertEquals(42.5, chained.get("baseline/given"), 1e-9);
        assertEquals(22, chained.get("baseline/restart"), 1e-9);
        assertEquals(42.5 + 22 + 900.5 + 1025, chained.get("total"), 1e-9);
        Files.writeString(given.resolve("last.ckpt"), "replaced since");
        assertEquals(22, Reproduce.wallTimes(l, restart.resolve("swa.ckpt")).get("baseline"), 1e-9,
                "a checkpoint replaced since the restart started is not its origin");
    }

    /**
     * The plan's throughputs from a probe of the machine: each kernel rate scaled to what real runs reach, and an
     * int8 candidate charged its calibration (512 images in fp32) on top of its scoring images.
     */
    @Test
    void probedThroughputsScaleTheKernelsAndChargeInt8ItsCalibration() {
        org.emomc4j.nn.EngineBench.Probe pr = new org.emomc4j.nn.EngineBench.Probe(100, 1000, 300, 12);
        Budget.Throughput bf16 = Budget.Throughput.fromProbe(pr, Precision.BF16, 5000);
        assertEquals(90, bf16.train(), 1e-9);
        assertEquals(870, bf16.score(), 1e-9);
        assertEquals(270, bf16.test(), 1e-9);
        assertEquals("planned from a 12-second probe of this machine's kernels", bf16.source());
        // 5,000 images at 870 img/s (5.747 s) + 512 at 270 img/s (1.896 s) per candidate: 654.2 img/s.
        assertEquals(654.15, Budget.Throughput.fromProbe(pr, Precision.INT8, 5000).score(), 0.01);
    }

    /** The probe measures real kernels: on a small network every rate is a positive number, training slower than inference. */
    @Test
    void probeOfASmallNetworkGivesPositiveRates() {
        org.emomc4j.nn.EngineBench.Probe pr = org.emomc4j.nn.EngineBench.probe(
                org.emomc4j.nn.NetworkSpec.vgg("vgg16", 0.0625), Precision.FP32, Precision.BF16);
        assertTrue(pr.train() > 0 && Double.isFinite(pr.train()), "train " + pr.train());
        assertTrue(pr.score() > 0 && Double.isFinite(pr.score()), "score " + pr.score());
        assertTrue(pr.fp32Infer() > pr.train(), "fp32 inference " + pr.fp32Infer() + " img/s, training " + pr.train());
    }

    /**
     * The full baseline's progress counts the epochs of the runs still to come (75 + 100 + 20) at the given time per
     * epoch, not at the last epoch's (here 900 s, slowed by a pause).
     */
    @Test
    void baselineEtaCoversEveryRunStillToCome() {
        List<TrainConfig> runs = Profile.FULL.baselineConfigs(1);
        org.emomc4j.nn.Trainer.EpochResult r = new org.emomc4j.nn.Trainer.EpochResult(5, 0.01, 1.3, 0.5, 1.2, 0.6532, 900, 150);
        assertEquals("baseline run 1/3 epoch 5/80: loss 1.300, val 65.32 %, 150 img/s, ETA 6:15:00 (all 3 runs: 16:15:00)",
                Reproduce.baselineEpochLine(0, runs, r, 300));
        assertEquals("baseline run 3/3 epoch 5/20: loss 1.300, val 65.32 %, 150 img/s, ETA 1:15:00",
                Reproduce.baselineEpochLine(2, runs, r, 300), "the last run has nothing after it");
        org.emomc4j.nn.Trainer.EpochResult first = new org.emomc4j.nn.Trainer.EpochResult(1, 0.01, 1.3, 0.5, 1.2, 0.6532, 300, 150);
        assertEquals("baseline epoch 1/2: loss 1.300, val 65.32 %, 150 img/s, ETA 0:05:00",
                Reproduce.baselineEpochLine(0, Profile.SMOKE.baselineConfigs(1), first, 300), "a one-run baseline names no runs");
        // The time per epoch the listener passes: the median of the epochs so far, so one paused epoch barely moves it.
        assertEquals(280, Reproduce.median(List.of(280.0, 900.0, 275.0)), 1e-9);
        assertEquals(290, Reproduce.median(List.of(280.0, 290.0)), 1e-9, "even count: the upper middle value");
    }
}
