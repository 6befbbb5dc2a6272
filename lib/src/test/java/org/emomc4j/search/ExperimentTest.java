package org.emomc4j.search;

import org.emomc4j.data.Cifar10;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ExperimentTest {

    @TempDir
    Path tmp;

    /** Every file under a directory with its SHA-256 (relative path to hash). */
    static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(dir)) return m;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(dir.relativize(p).toString(), Hashes.sha256(p));
        }
        return m;
    }

    /** A small synthetic CIFAR-10 (5,500 official training images: 500 train + 5,000 val after the split; 200 test). */
    static Path smallCifar(Path dir) throws IOException {
        if (!Files.exists(dir.resolve(Cifar10.TEST_FILE))) Cifar10.writeDataset(dir, ImageSet.random(5_500, 1), ImageSet.random(200, 2));
        return dir;
    }

    /** A profile small enough for a unit test: VGG-16 at width 1/16 on 100 images, one epoch, one grid point, one generation. */
    static final Profile TINY = Profile.builder("tiny").width(1.0 / 16).images(100, 50, 50).baseline(1, "cosine", 0.01, 32)
            .stage1("0.5", 1, Stage1.Mode.CHAINED, 0.01).search(4, 2, 1).build();

    @Test
    void fig3AndPeerSayWhenTheyTrainTheBaselineFirst() throws Exception {
        Experiment e = Experiment.of(TINY, tmp, tmp.resolve("runs"), smallCifar(tmp.resolve("cifar")), 1);
        java.util.List<String> log = new java.util.ArrayList<>();
        e.fig3(log::add);
        assertTrue(log.get(0).startsWith("Fig. 3 starts from the tiny baseline network, which is not trained in"), log.get(0));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("training the tiny baseline: 1 epochs")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("epoch 1/1") && l.endsWith(" left")), String.join("\n", log));
        // The baseline exists now: the peer method starts from it without training it again.
        java.util.List<String> peer = new java.util.ArrayList<>();
        e.peer(peer::add);
        assertFalse(peer.stream().anyMatch(l -> l.contains("trained first") || l.startsWith("training the")), String.join("\n", peer));
        assertTrue(peer.contains("baseline: " + e.baselineCheckpoint()), String.join("\n", peer));
    }

    @Test
    void baselineProgressCountsEveryRunOfTheBaseline() throws Exception {
        Profile twoRuns = Profile.builder("tiny2").width(1.0 / 16).images(100, 50, 50).baseline(1, "cosine", 0.01, 32)
                .restart(1, "cosine", 0.005).stage1("0.5", 1, Stage1.Mode.CHAINED, 0.01).search(4, 2, 1).build();
        Experiment e = Experiment.of(twoRuns, tmp, tmp.resolve("runs"), smallCifar(tmp.resolve("cifar")), 1);
        java.util.List<String> log = new java.util.ArrayList<>();
        e.baseline(true, log::add);
        String all = String.join("\n", log);
        // The second run's epoch is the baseline's second of two, not "1/1" again.
        assertEquals(1, log.stream().filter(l -> l.startsWith("epoch 1/2")).count(), all);
        assertEquals(1, log.stream().filter(l -> l.startsWith("epoch 2/2")).count(), all);
        assertFalse(log.stream().anyMatch(l -> l.startsWith("epoch 1/1")), all);
        assertTrue(Files.exists(e.baselineCheckpoint()), all);
    }

    @Test
    void directoriesFollowTheLayout() throws Exception {
        Experiment e = Experiment.of(Profile.SMOKE, tmp, tmp.resolve("runs"), null, 1);
        assertEquals(tmp.resolve("runs/smoke"), e.runDir());
        assertEquals(tmp.resolve("runs/smoke/stage1"), e.stage1Dir(Stage1.Mode.CHAINED));
        assertEquals(tmp.resolve("runs/smoke/stage1-independent"), e.stage1Dir(Stage1.Mode.INDEPENDENT));
        assertEquals(tmp.resolve("runs/smoke/search/energy-XY"), e.searchDir("energy-XY"));
        assertEquals(tmp.resolve("runs/smoke/ablation/one-stage-energy-XY"), e.oneStageDir(org.emomc4j.hw.Dataflow.XY));
        assertEquals(tmp.resolve("runs/smoke/ablation/energy-XY-SPEA2"), e.layout().algorithmDir(org.emomc4j.hw.Dataflow.XY, "spea2"));
        assertEquals(tmp.resolve("figures/smoke/x"), e.figure("x"));
        // The runs root may live anywhere ($EMOMC_RUNS): the profile's directory goes under it.
        assertEquals(tmp.resolve("elsewhere/quick"), Experiment.of(Profile.QUICK, tmp, tmp.resolve("elsewhere"), null, 1).runDir());
    }

    @Test
    void committedResultsAreReadOnlyUntilLocalWorkExists() throws Exception {
        Path results = tmp.resolve("results/quick");
        Files.createDirectories(results.resolve("report"));
        Files.writeString(results.resolve("report").resolve(RunLayout.REPRODUCE), "{}");
        Experiment e = Experiment.of(Profile.QUICK, tmp, tmp.resolve("runs"), null, 1);
        assertEquals(results, e.source().root(), "nothing local yet: the committed run is read");
        assertEquals(tmp.resolve("runs/quick"), e.runDir(), "but work would go to runs/");
        assertEquals(results.resolve("search/energy-XY"), e.searchDir("energy-XY"));
        assertTrue(e.finished());
        // An unfinished local run (a baseline log, say) beats the committed one.
        Files.createDirectories(tmp.resolve("runs/quick/baseline"));
        Files.writeString(tmp.resolve("runs/quick/baseline/train-log.csv"), "epoch\n");
        assertEquals(tmp.resolve("runs/quick"), e.source().root());
        assertFalse(e.finished());
    }

    @Test
    void readingTheCommittedResultsWritesNothing() throws Exception {
        Path home = Experiment.projectHome();
        Path committed = home.resolve("results/quick");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(committed.resolve("report/reproduce.json")),
                "no committed results/quick in " + home);
        Map<String, String> before = tree(home.resolve("results"));
        Path runs = tmp.resolve("runs");
        Experiment e = Experiment.of(Profile.QUICK, home, runs, null, 1);
        assertEquals(committed, e.source().root());
        StringBuilder log = new StringBuilder();
        Reproduce.Report r = e.report(log::append);
        assertEquals(4, r.energyFronts().size());
        assertEquals(3, r.sizeFronts().size());
        assertEquals(7, r.hypervolume().size());
        assertTrue(r.baselineTestAccuracy() > 0.5, "the committed baseline's accuracy: " + r.baselineTestAccuracy());
        assertEquals(4 * 3, r.tableII().rowCount(), "one line per dataflow and loss budget");
        assertFalse(e.baselineLog().isBlank());
        assertFalse(Stage1.readCsv(e.stage1Dir(Profile.QUICK.stage1Mode())).isEmpty());
        assertFalse(SearchRun.readProgress(e.searchDir("energy-XY")).isEmpty());
        assertTrue(e.finished());
        assertEquals(before, tree(home.resolve("results")), "reading the committed results changed files under results/");
        assertFalse(Files.exists(runs), "reading created the run directory");
    }

    @Test
    void trainingNeverGoesIntoCommittedResults() throws Exception {
        Path results = tmp.resolve("results/tiny");
        Files.createDirectories(results.resolve("report"));
        Files.writeString(results.resolve("report").resolve(RunLayout.REPRODUCE), "{}");
        Files.createDirectories(results.resolve("baseline"));
        Files.writeString(results.resolve("baseline/train-log.csv"), "epoch,lr\n1,0.1\n");
        Map<String, String> before = tree(results);
        Experiment e = Experiment.of(TINY, tmp, tmp.resolve("runs"), smallCifar(tmp.resolve("cifar")), 1);
        assertEquals(1, e.trainBaseline(null).size());
        assertEquals(before, tree(results));
        assertTrue(Files.isRegularFile(tmp.resolve("runs/tiny/baseline/last.ckpt")));
        assertEquals(tmp.resolve("runs/tiny"), e.source().root(), "the local (unfinished) run is read now");
        assertEquals(0, e.trainBaseline(null).size(), "a finished baseline is loaded, not trained again");
    }

    /**
     * Issue 12's grid question as an ablation: stage 1 over the finer grid (here 0.4, 0.5, 0.6 for the
     * run's 0.4, 0.6) and the seven searches on it, each compared with the run's own search; it resumes.
     */
    @Test
    void gridAblationComparesEverySearchOnBothGrids() throws Exception {
        Profile two = TINY.toBuilder().stage1("0.4,0.6", 1, Stage1.Mode.CHAINED, 0.01).build();
        Path root = tmp.resolve("grid-ablation");
        Experiment e = Experiment.of(two, root, root.resolve("runs"), smallCifar(tmp.resolve("cifar")), 1);
        Path csv = e.gridAblation(0.1, l -> { });
        assertArrayEquals(new double[]{0.4, 0.5, 0.6}, Stage1.available(e.gridAblationDir(0.1).resolve("stage1")).values(), 1e-9);
        java.util.List<String[]> rows = org.emomc4j.util.Csv.readRows(csv);
        assertEquals(14, rows.size(), "7 searches x 2 grids");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < rows.size(); i += 2) {
            assertEquals(rows.get(i)[0], rows.get(i + 1)[0], "the run's search, then the finer grid's");
            assertEquals("2", rows.get(i)[1]);
            assertEquals("3", rows.get(i + 1)[1]);
            assertTrue(Double.parseDouble(rows.get(i + 1)[3]) > 0, "a hypervolume from the finer grid's summary.json");
            names.add(rows.get(i)[0]);
        }
        assertEquals(7, names.size());
        Map<String, String> before = tree(e.gridAblationDir(0.1).resolve("search"));
        java.util.List<String> again = new java.util.ArrayList<>();
        e.gridAblation(0.1, again::add);
        Map<String, String> after = tree(e.gridAblationDir(0.1).resolve("search"));
        // Lock files name the process that held them; everything else is as the first call left it.
        before.keySet().removeIf(k -> k.endsWith(".emomc.lock"));
        after.keySet().removeIf(k -> k.endsWith(".emomc.lock"));
        assertEquals(before, after, "a finished ablation resumes to the same searches");
        assertTrue(again.stream().anyMatch(l -> l.contains("nothing to do") || l.contains("finished earlier")), String.join("\n", again));
        // A step that gives the profile's own grid again: refused, naming the option.
        org.emomc4j.util.UserError same = assertThrows(org.emomc4j.util.UserError.class, () -> e.gridAblation(0.2, l -> { }));
        assertTrue(same.getMessage().contains("--step 0.2 gives the profile's own grid"), same.getMessage());
        // Another base network than the run's stage 1 recorded: refused, with the fix.
        Path base = Stage1.baseOf(e.layout().stage1Dir());
        byte[] kept = Files.readAllBytes(base);
        org.emomc4j.nn.Model.create(e.spec(), 9).save(base);
        try {
            org.emomc4j.util.UserError err = assertThrows(org.emomc4j.util.UserError.class, () -> e.gridAblation(0.1, l -> { }));
            assertTrue(err.getMessage().contains("./emomc reproduce --profile tiny"), err.getMessage());
        } finally {
            Files.write(base, kept);
        }
    }

    @Test
    void settingsAreTheProfiles() {
        Experiment e = Experiment.of(Profile.QUICK, tmp, 5);
        assertEquals(0.25, e.spec().width());
        TrainConfig c = e.baselineConfig();
        assertEquals(Profile.QUICK.baselineEpochs(), c.epochs());
        assertEquals(Profile.QUICK.batch(), c.batchSize());
        assertEquals(Profile.QUICK.lr(), c.lr());
        assertEquals(5, c.seed());
    }

    @Test
    void summaryFrontsReadBack() throws Exception {
        Path dir = tmp.resolve("s");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Summary.FILE), """
                {"baseline": {"test_accuracy": 0.9, "energy_mJ": 13.0, "size_kB": 57000.0},
                 "front": [{"remaining": 0.5, "bits": [4, 8], "val_accuracy": 0.8, "test_accuracy": 0.79, "energy_mJ": 1.5, "size_kB": 100.0},
                           {"remaining": 0.3, "bits": [2, 3], "val_accuracy": 0.7, "test_accuracy": null, "energy_mJ": 1.0, "size_kB": 50.0}]}
                """);
        var front = Summary.readFront(dir);
        assertEquals(2, front.size());
        assertEquals(0.5, front.get(0).genome().remaining());
        assertArrayEquals(new int[]{4, 8}, front.get(0).genome().bits());
        assertEquals(0.79, front.get(0).testAccuracy());
        assertTrue(Double.isNaN(front.get(1).testAccuracy()));
        assertEquals(0.79, front.get(0).asTestEvaluation().accuracy());
        assertEquals(13.0, Summary.readBaseline(dir).energyMilliJoules());
        assertFalse(Experiment.of(Profile.SMOKE, tmp, tmp.resolve("runs"), null, 1).finished());
    }

    /** A quick experiment in tmp whose committed results hold one file (path under results/quick). */
    Experiment quickWithCommitted(String file, String content) throws IOException {
        Path p = tmp.resolve("results/quick").resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return Experiment.of(Profile.QUICK, tmp, tmp.resolve("runs"), null, 1);
    }

    @Test
    void aLongBaselineIsRefusedWithItsDurationAndCommandUnlessAsked() throws Exception {
        Experiment e = quickWithCommitted("baseline/train-log.csv", "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds,img_per_s\n"
                + "1,0.1,1,0.3,1,0.3,600.0,700\n2,0.1,1,0.4,1,0.4,660.0,700\n");
        var log = new java.util.ArrayList<String>();
        var err = assertThrows(org.emomc4j.util.UserError.class, () -> e.baseline(false, log::add));
        assertTrue(err.getMessage().contains("TRAIN_BASELINE = true"), err.getMessage());
        assertTrue(err.getMessage().contains("./emomc reproduce --profile quick"), err.getMessage());
        assertTrue(err.getMessage().contains("0:21:00"), "the committed log's 1,260 s: " + err.getMessage());
        assertFalse(Files.exists(e.runDir().resolve("baseline")), "nothing trained, nothing written");
    }

    /** The repository's teaching checkpoint (Maven runs the tests in lib/). */
    static final Path TEACHING = Path.of("../models/quick-baseline.ckpt");

    @Test
    void theCommittedTeachingCheckpointIsTheQuickBaselineWhenTheRunHasNone() throws Exception {
        assertTrue(Files.exists(TEACHING), "models/quick-baseline.ckpt is committed: " + TEACHING.toAbsolutePath());
        Path models = Files.createDirectories(tmp.resolve("models"));
        Files.copy(TEACHING, models.resolve("quick-baseline.ckpt"));
        Files.copy(Experiment.checksumFile(TEACHING), Experiment.checksumFile(models.resolve("quick-baseline.ckpt")));
        Experiment e = Experiment.of(Profile.QUICK, tmp, tmp.resolve("runs"), null, 1);
        var log = new java.util.ArrayList<String>();
        Path got = e.baseline(false, log::add);
        assertEquals(models.resolve("quick-baseline.ckpt"), got);
        assertTrue(log.get(0).contains("teaching checkpoint"), log.toString());
        var loaded = org.emomc4j.nn.Checkpoint.read(got);
        assertEquals(e.spec().id(), loaded.model().spec().id());
        assertNull(loaded.velocity(), "weights only: no optimizer state");
        assertEquals(30, loaded.epoch());
        assertFalse(Files.exists(e.runDir().resolve("baseline")), "nothing trained, nothing written");

        // A changed byte: refused by the SHA-256 before anything is loaded, with the fix named.
        byte[] b = Files.readAllBytes(got);
        b[b.length / 2] ^= 1;
        Files.write(got, b);
        var err = assertThrows(org.emomc4j.util.UserError.class, () -> e.baseline(false, log::add));
        assertTrue(err.getMessage().contains("SHA-256") && err.getMessage().contains("TRAIN_BASELINE"), err.getMessage());

        // A checkpoint of another network with a matching checksum: refused for its architecture.
        Path other = tmp.resolve("other.ckpt");
        org.emomc4j.nn.Checkpoint.write(other, org.emomc4j.nn.Model.create(org.emomc4j.nn.NetworkSpec.vgg("vgg16", 1.0 / 16), 1), null, 0, "{}");
        Files.copy(other, got, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(Experiment.checksumFile(got), Hashes.sha256(got) + "  quick-baseline.ckpt\n");
        err = assertThrows(org.emomc4j.util.UserError.class, () -> e.baseline(false, log::add));
        assertTrue(err.getMessage().contains("holds vgg16-w0.0625"), err.getMessage());
    }

    @Test
    void recordedStage1ModesAreReadFromTheCommittedRunWithoutTraining() throws Exception {
        Experiment e = quickWithCommitted("stage1-modes.csv", "mode,remaining,val_accuracy,epochs,seconds\n"
                + "chained,0.2000,0.8185,1,71.69\nchained,0.5000,0.84,1,70\nindependent,0.2000,0.80,4,280.5\n");
        var modes = e.recordedStage1Modes();
        assertEquals(List.of("chained", "independent"), List.copyOf(modes.keySet()));
        assertEquals(2, modes.get("chained").size());
        assertEquals(new Stage1.Point(0.2, 0.80, 4, 280.5), modes.get("independent").get(0));
        assertFalse(Files.exists(e.runDir()), "reading claims no run directory");
        assertTrue(Experiment.of(Profile.SMOKE, tmp, tmp.resolve("runs"), null, 1).recordedStage1Modes().isEmpty());
    }

    @Test
    void anUnfinishedQuickPipelineIsRefusedUnlessAskedAndAlgorithmSearchNeedsStage1() throws Exception {
        Experiment e = Experiment.of(Profile.QUICK, tmp, tmp.resolve("runs"), null, 1);
        var err = assertThrows(org.emomc4j.util.UserError.class, () -> e.report(false, line -> { }));
        assertTrue(err.getMessage().contains("RUN_PIPELINE = true") && err.getMessage().contains("./emomc reproduce --profile quick"), err.getMessage());
        var none = assertThrows(org.emomc4j.util.UserError.class, () -> e.algorithmSearch(org.emomc4j.hw.Dataflow.XY, "SPEA2", 1, p -> { }));
        assertTrue(none.getMessage().contains("no stage-1 checkpoints"), none.getMessage());
    }

    @Test
    void meanBitsPerLayerOverAFront() {
        var front = List.of(new Genome(0.5, new int[]{2, 8, 4}), new Genome(0.3, new int[]{4, 8, 12}));
        assertArrayEquals(new double[]{3, 8, 8}, Genome.meanBits(front, 3), 0.0);
        assertTrue(Double.isNaN(Genome.meanBits(List.of(), 2)[1]));
        assertThrows(IllegalArgumentException.class, () -> Genome.meanBits(front, 4));
    }
}
