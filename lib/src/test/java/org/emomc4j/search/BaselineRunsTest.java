package org.emomc4j.search;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A profile's baseline of several runs (warm restarts, SWA): trained in order, each from the previous network, resumed as a whole. */
class BaselineRunsTest {

    @TempDir
    Path tmp;

    @Test
    void restartsChainFromThePreviousRunAndTheWallTimeFollowsThem() throws Exception {
        Profile p = Profile.SMOKE.toBuilder().baseline(1, "onecycle", 0.05, 32).restart(1, "cosine", 0.02).swa(2, 0.01).build();
        RunLayout l = new RunLayout(tmp.resolve("run"));
        NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
        ImageSet train = ImageSet.random(64, 1), val = ImageSet.random(32, 2);
        List<String> log = new ArrayList<>();
        Path result = Reproduce.train(p, spec, train, val, l, 1, log::add);

        assertEquals(l.baselineDir(2).resolve(Trainer.SWA), result, "the last run averages: its SWA network is the baseline");
        assertTrue(Files.isRegularFile(result));
        assertEquals(List.of(l.baselineDir(2).toAbsolutePath(), l.baselineDir(1).toAbsolutePath(), l.baselineDir(0).toAbsolutePath()),
                Trainer.lineage(l.baselineDir(2)), "each run's init.json names the previous run's network");
        assertTrue(log.stream().anyMatch(s -> s.startsWith("baseline run 3/3: SWA over 2 epochs")), String.join("\n", log));

        Map<String, Double> wall = Reproduce.wallTimes(l, result);
        for (String run : List.of("baseline", "baseline-2", "baseline-3"))
            assertTrue(wall.get("baseline/" + run) > 0, run + " in " + wall);

        // A second call finds every run finished and trains nothing.
        assertEquals(0, Reproduce.trainBaseline(p, spec, train, val, l, 1, (i, c) -> null, s -> { }).size());
    }

    /** Notebook 02's curve of a baseline of several runs: epochs numbered on, each row tagged with its run. */
    @Test
    void theRunsLogsJoinIntoOneCurve() {
        String first = "epoch,lr,val_acc\n1,0.1,0.5\n2,0.05,0.6\n", second = "epoch,lr,val_acc\n1,0.02,0.7\n2,0.01,0.72\n3,0.0,0.73\n";
        assertEquals("epoch,lr,val_acc,run\n1,0.1,0.5,1\n2,0.05,0.6,1\n3,0.02,0.7,2\n4,0.01,0.72,2\n5,0.0,0.73,2\n",
                Experiment.joinLogs(List.of(first, second)));
    }
}
