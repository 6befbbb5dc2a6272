package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A training run directory: never overwritten, resumed only by the same run, log and checkpoint in step. */
class TrainerRunTest {

    @TempDir
    Path tmp;
    static final NetworkSpec SPEC = NetworkSpec.vgg("vgg11", 1.0 / 16);
    static final ImageSet TRAIN = ImageSet.random(64, 1), VAL = ImageSet.random(32, 2);

    static TrainConfig config(int epochs, double lr) { return new TrainConfig(epochs, 32, lr, 0.9, 5e-4, Schedule.STEP, 30, 1); }

    static List<Trainer.EpochResult> fit(Path dir, TrainConfig c, boolean resume) {
        return new Trainer(Model.create(SPEC, 1), c).fit(TRAIN, VAL, dir, resume, null);
    }

    static List<String> logEpochs(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve(Trainer.LOG)).stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
    }

    @Test
    void trainRefusesToOverwriteAndResumesOnlyTheSameRun() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(2, fit(run, config(2, 0.01), false).size());
        String ck = Hashes.sha256(run.resolve(Trainer.CHECKPOINT)), log = Hashes.sha256(run.resolve(Trainer.LOG));

        UserError e = assertThrows(UserError.class, () -> fit(run, config(2, 0.01), false));
        assertTrue(e.getMessage().contains("already holds a train run") && e.getMessage().contains("--resume"), e.getMessage());
        e = assertThrows(UserError.class, () -> fit(run, config(3, 0.02), true));
        assertTrue(e.getMessage().contains("lr: 0.01 in the run, 0.02 now"), e.getMessage());
        assertEquals(ck, Hashes.sha256(run.resolve(Trainer.CHECKPOINT)), "a refused run left the checkpoint untouched");
        assertEquals(log, Hashes.sha256(run.resolve(Trainer.LOG)));

        // Work done by a resume is counted in epochs: a finished run trains none, an extended one the rest.
        assertEquals(0, fit(run, config(2, 0.01), true).size());
        assertEquals(1, fit(run, config(3, 0.01), true).size());
        assertEquals(List.of("1", "2", "3"), logEpochs(run));
        e = assertThrows(UserError.class, () -> fit(tmp.resolve("empty"), config(1, 0.01), true));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    /**
     * A warm restart (train --init): the run starts from the given checkpoint's network, not from
     * random weights, and resumes only with the same starting checkpoint.
     */
    @Test
    void aWarmRestartStartsFromItsCheckpointAndKeysOnIt() throws Exception {
        Path first = tmp.resolve("first"), second = tmp.resolve("second");
        fit(first, config(1, 0.05), false);
        Path ck = first.resolve(Trainer.CHECKPOINT);
        Model trained = Model.load(ck);
        // lr 1e-9 keeps the weights (within 1e-6) where they start: those of the checkpoint, not of Model.create(SPEC, 1).
        new Trainer(Model.load(ck), config(1, 1e-9)).initializedFrom(ck).fit(TRAIN, VAL, second, false, null);
        Model restarted = Model.load(second.resolve(Trainer.CHECKPOINT));
        int conv = 2;
        assertArrayEquals(trained.weights(conv), restarted.weights(conv), 1e-6f, "weights of the --init checkpoint");
        float[] random = Model.create(SPEC, 1).weights(conv), got = restarted.weights(conv);
        double far = 0;
        for (int i = 0; i < got.length; i++) far = Math.max(far, Math.abs(random[i] - got[i]));
        assertTrue(far > 1e-3, "not the random initial weights: max difference " + far);
        assertTrue(Files.readString(second.resolve(org.emomc4j.util.RunDirectory.KEY)).contains(Hashes.sha256(ck)), "init in the run key");
        assertEquals(List.of(second.toAbsolutePath(), first.toAbsolutePath()), Trainer.lineage(second), "init.json names the first run");

        Path other = tmp.resolve("other.ckpt");
        new Trainer(Model.create(SPEC, 2), config(1, 0.01)).save(other);
        UserError e = assertThrows(UserError.class,
                () -> new Trainer(Model.load(other), config(2, 1e-9)).initializedFrom(other).fit(TRAIN, VAL, second, true, null));
        assertTrue(e.getMessage().contains("init"), e.getMessage());
    }

    @Test
    void aKillBetweenLogAndCheckpointLeavesThemInStep() throws Exception {
        Path run = tmp.resolve("killed");
        fit(run, config(1, 0.01), false);
        Path epoch1 = tmp.resolve("epoch1.ckpt");
        Files.copy(run.resolve(Trainer.CHECKPOINT), epoch1);
        fit(run, config(2, 0.01), true);
        // The log of epoch 2 is written, the checkpoint of epoch 2 is not (killed in between).
        Files.copy(epoch1, run.resolve(Trainer.CHECKPOINT), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(List.of("1", "2"), logEpochs(run));
        assertEquals(1, fit(run, config(2, 0.01), true).size(), "epoch 2 is trained again");
        assertEquals(List.of("1", "2"), logEpochs(run), "and logged once");
    }

    static TrainConfig swa(int epochs, int averaged) { return config(epochs, 0.02).withSwaEpochs(averaged); }

    /**
     * SWA's result is the mean of the weights after each of the last N epochs: those of a run
     * without SWA, which trains the same way; the checkpoint keeps the last epoch's training state.
     */
    @Test
    void swaAveragesTheWeightsOfTheLastEpochs() throws Exception {
        Trainer plain = new Trainer(Model.create(SPEC, 1), config(4, 0.02));
        float[][] after = new float[4][];
        for (int e = 0; e < 4; e++) {
            plain.trainEpoch(TRAIN, VAL, null);
            after[e] = plain.model().paramsArray();
        }
        Path run = tmp.resolve("swa");
        Trainer t = new Trainer(Model.create(SPEC, 1), swa(4, 3));
        t.fit(TRAIN, VAL, run, false, null);
        float[] got = Model.load(run.resolve(Trainer.SWA)).paramsArray();
        double moved = 0;
        for (int i = 0; i < got.length; i++) {
            float mean = (after[1][i] + after[2][i] + after[3][i]) / 3;
            assertEquals(mean, got[i], 1e-5, "parameter " + i);
            moved = Math.max(moved, Math.abs(after[3][i] - mean));
        }
        assertTrue(moved > 1e-4, "the epochs' weights differ, so the mean is not the last epoch's: " + moved);
        assertArrayEquals(after[3], Model.load(run.resolve(Trainer.CHECKPOINT)).paramsArray(), 1e-5f);
        assertNotNull(t.swaValidation());
        assertTrue(Files.readString(run.resolve(Trainer.SWA_JSON)).contains("\"epochs_averaged\" : 3"));
        UserError e = assertThrows(UserError.class, () -> fit(run, swa(5, 3), true));
        assertTrue(e.getMessage().contains("epochs"), "an SWA run is not extended: its window moves: " + e.getMessage());
    }

    /**
     * SWA over every epoch of a step-schedule run may be extended (as the full profile's last
     * baseline run, if its 20 epochs fall short): 2 epochs, then 2 more, give the 4-epoch run's
     * average, averaged again rather than the 2-epoch result reloaded. A window of the last N
     * epochs is still refused, since it would move.
     */
    @Test
    void aRunAveragingEveryEpochExtendsToTheLongerRun() throws Exception {
        Path direct = tmp.resolve("direct"), grown = tmp.resolve("grown");
        fit(direct, swa(4, 4), false);
        fit(grown, swa(2, 2), false);
        float[] two = Model.load(grown.resolve(Trainer.SWA)).paramsArray();
        assertEquals(2, fit(grown, swa(4, 4), true).size(), "the two added epochs are trained");
        float[] want = Model.load(direct.resolve(Trainer.SWA)).paramsArray(), got = Model.load(grown.resolve(Trainer.SWA)).paramsArray();
        assertArrayEquals(want, got, 1e-6f, "the extended run's average is the 4-epoch run's");
        double d = 0;
        for (int i = 0; i < got.length; i++) d = Math.max(d, Math.abs(two[i] - got[i]));
        assertTrue(d > 1e-4, "averaged again, not the 2-epoch result reloaded: " + d);
        assertTrue(Files.readString(grown.resolve(Trainer.SWA_JSON)).contains("\"epochs_averaged\" : 4"));
        assertEquals(List.of("1", "2", "3", "4"), logEpochs(grown));
        assertEquals(0, fit(grown, swa(4, 4), true).size(), "finished: nothing to train");
        assertArrayEquals(got, Model.load(grown.resolve(Trainer.SWA)).paramsArray(), "and the result kept");

        UserError e = assertThrows(UserError.class, () -> fit(grown, swa(5, 3), true));
        assertTrue(e.getMessage().contains("swa_epochs"), e.getMessage());
    }

    /** A run killed between an epoch's checkpoint and its average resumes to the uninterrupted result; a lost average is refused. */
    @Test
    void aResumedSwaRunAveragesAsAnUninterruptedOne() throws Exception {
        Path whole = tmp.resolve("whole"), cut = tmp.resolve("cut"), avg3 = tmp.resolve("avg3.ckpt");
        fit(whole, swa(5, 3), false);
        class Killed extends RuntimeException { }
        Trainer.Listener killAtEpoch5 = new Trainer.Listener() {
            @Override
            public void batch(Trainer.BatchProgress p) {
                try {
                    if (p.epoch() == 4 && p.batch() == 1) Files.copy(cut.resolve(Trainer.SWA_AVERAGE), avg3);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (p.epoch() == 5) throw new Killed();
            }
        };
        assertThrows(Killed.class, () -> new Trainer(Model.create(SPEC, 1), swa(5, 3)).fit(TRAIN, VAL, cut, false, killAtEpoch5));
        Path lost = tmp.resolve("lost");
        copyTree(cut, lost);
        // Epoch 4's checkpoint is written, its average is not: the average on disk is epoch 3's.
        Files.copy(avg3, cut.resolve(Trainer.SWA_AVERAGE), StandardCopyOption.REPLACE_EXISTING);
        fit(cut, swa(5, 3), true);
        assertArrayEquals(Model.load(whole.resolve(Trainer.SWA)).paramsArray(), Model.load(cut.resolve(Trainer.SWA)).paramsArray(), 1e-6f);

        Files.delete(lost.resolve(Trainer.SWA_AVERAGE));
        UserError e = assertThrows(UserError.class, () -> fit(lost, swa(5, 3), true));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("epoch 4"), e.getMessage());
    }

    /** A CutMix run trains on mixed batches (a different trajectory from the same seed) and keys on its probability. */
    @Test
    void aCutmixRunMixesItsBatchesAndKeysOnThem() throws Exception {
        Path plain = tmp.resolve("plain"), mixed = tmp.resolve("mixed");
        fit(plain, config(1, 0.02), false);
        List<Trainer.EpochResult> r = fit(mixed, config(1, 0.02).withCutmix(1.0), false);
        assertTrue(Double.isFinite(r.get(0).trainLoss()));
        float[] a = Model.load(plain.resolve(Trainer.CHECKPOINT)).paramsArray(), b = Model.load(mixed.resolve(Trainer.CHECKPOINT)).paramsArray();
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        assertTrue(d > 1e-5, "mixed batches move the weights elsewhere: " + d);
        assertTrue(Files.readString(mixed.resolve(org.emomc4j.util.RunDirectory.KEY)).contains("cutmix"));
        assertFalse(Files.readString(plain.resolve(org.emomc4j.util.RunDirectory.KEY)).contains("cutmix"));
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) if (Files.isRegularFile(f)) Files.copy(f, to.resolve(f.getFileName()));
        }
    }
}
