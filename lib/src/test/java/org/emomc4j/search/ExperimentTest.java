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
}
