package org.emomc4j.search;

import org.emomc4j.nn.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ExperimentTest {

    @TempDir
    Path tmp;

    @Test
    void directoriesFollowTheProfileAndPreferCommittedResults() throws Exception {
        Experiment e = Experiment.of(Profile.SMOKE, tmp, 1);
        assertEquals(tmp.resolve("runs/smoke"), e.runDir());
        assertEquals(tmp.resolve("runs/smoke/stage1"), e.stage1Dir(Stage1.Mode.CHAINED));
        assertEquals(tmp.resolve("runs/smoke/stage1-independent"), e.stage1Dir(Stage1.Mode.INDEPENDENT));
        assertEquals(tmp.resolve("runs/smoke/search/energy-XY"), e.searchDir("energy-XY"));
        assertEquals(tmp.resolve("figures/smoke/x"), e.figure("x"));
        assertTrue(Files.isDirectory(tmp.resolve("figures/smoke")));
        Files.createDirectories(tmp.resolve("results/quick/report"));
        assertEquals(tmp.resolve("results/quick"), Experiment.of(Profile.QUICK, tmp, 1).runDir());
        // ... unless a finished local run (which has the checkpoints) exists.
        Files.createDirectories(tmp.resolve("runs/quick/report"));
        assertEquals(tmp.resolve("runs/quick"), Experiment.of(Profile.QUICK, tmp, 1).runDir());
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
        assertFalse(Experiment.of(Profile.SMOKE, tmp, 1).finished());
    }
}
