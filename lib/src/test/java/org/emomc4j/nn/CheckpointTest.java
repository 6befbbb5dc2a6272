package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoint round trip, exact resume, and refusal of bad files. */
class CheckpointTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    @TempDir
    Path tmp;

    private static TrainConfig cfg() {
        return new TrainConfig(3, 32, 0.05, 0.9, 5e-4, Schedule.COSINE, 30, 11);
    }

    private static void assertSameModel(Model a, Model b) {
        for (int l = 0; l < a.spec().size(); l++) {
            assertArrayEquals(a.weights(l), b.weights(l), "weights of layer " + l);
            assertArrayEquals(a.mask(l), b.mask(l));
        }
        assertArrayEquals(a.paramsArray(), b.paramsArray());
        assertArrayEquals(a.runningArray(false), b.runningArray(false));
        assertArrayEquals(a.runningArray(true), b.runningArray(true));
    }

    @Test
    void roundTripKeepsEverything() {
        Model m = Model.create(TINY, 1);
        boolean[] keep = new boolean[(int) TINY.layer(3).weightCount()];
        for (int i = 0; i < keep.length; i += 3) keep[i] = true;
        m.setMask(3, keep);
        Trainer t = new Trainer(m, cfg());
        t.trainEpoch(ImageSet.random(64, 1), null, null);
        Path f = tmp.resolve("a.ckpt");
        t.save(f);
        Checkpoint.Loaded l = Checkpoint.read(f);
        assertSameModel(m, l.model());
        assertEquals(1, l.epoch());
        assertNotNull(l.velocity());
        assertTrue(l.config().contains("COSINE"));
        assertSameModel(m, Model.load(f));
        assertFalse(Files.exists(tmp.resolve("a.ckpt.tmp")));
    }

    @Test
    void weightsOnlyCopyDropsTheMomentumAndKeepsTheNetwork() throws Exception {
        Model m = Model.create(TINY, 2);
        Trainer t = new Trainer(m, cfg());
        t.trainEpoch(ImageSet.random(64, 2), null, null);
        Path full = tmp.resolve("full.ckpt"), slim = tmp.resolve("slim.ckpt");
        t.save(full);
        Checkpoint.writeWeightsOnly(full, slim);
        Checkpoint.Loaded l = Checkpoint.read(slim);
        assertNull(l.velocity());
        assertSameModel(m, l.model());
        assertEquals(Checkpoint.read(full).config(), l.config());
        assertEquals(1, l.epoch());
        long params = 4L * m.paramCount();
        assertTrue(Files.size(full) - Files.size(slim) >= params, "the momentum buffers (" + params + " bytes) are gone");
    }

    static final class StopRun extends RuntimeException { }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Precision.class, names = {"FP32", "BF16"})
    void resumeReproducesUninterruptedRunExactly(Precision precision) throws Exception {
        TrainConfig cfg = cfg().withPrecision(precision);
        ImageSet train = ImageSet.random(200, 4), val = ImageSet.random(50, 5);
        Path full = tmp.resolve("full"), cut = tmp.resolve("cut");
        Model a = Model.create(TINY, 2);
        Trainer ta = new Trainer(a, cfg);
        ta.fit(train, val, full, false, null);

        // Interrupted run: the process dies during epoch 2, after the epoch-1 checkpoint.
        Model b = Model.create(TINY, 2);
        Trainer tb = new Trainer(b, cfg);
        assertThrows(StopRun.class, () -> tb.fit(train, val, cut, false, new Trainer.Listener() {
            @Override public void epoch(Trainer.EpochResult r) { if (r.epoch() == 2) throw new StopRun(); }
        }));
        assertEquals(1, Checkpoint.read(cut.resolve(Trainer.CHECKPOINT)).epoch());

        Model c = Model.create(TINY, 99); // different initial weights: all must come from the checkpoint
        Trainer tc = new Trainer(c, cfg);
        tc.fit(train, val, cut, true, null);
        assertEquals(3, tc.completedEpochs());
        assertSameModel(a, c);
        assertArrayEquals(Checkpoint.read(full.resolve(Trainer.CHECKPOINT)).velocity(),
                Checkpoint.read(cut.resolve(Trainer.CHECKPOINT)).velocity());
        List<String> log = Files.readAllLines(cut.resolve(Trainer.LOG));
        assertEquals(3, log.size() - 1, "log rows: " + log);
    }

    @Test
    void resumeWithOtherConfigurationIsRefused() {
        Model m = Model.create(TINY, 2);
        Trainer t = new Trainer(m, cfg());
        t.trainEpoch(ImageSet.random(64, 1), null, null);
        t.save(tmp.resolve(Trainer.CHECKPOINT));
        Trainer other = new Trainer(Model.create(TINY, 2), cfg().withSeed(12));
        assertThrows(IllegalArgumentException.class, () -> other.fit(ImageSet.random(64, 1), null, tmp, true, null));
        Trainer bf16 = new Trainer(Model.create(TINY, 2), cfg().withPrecision(Precision.BF16));
        assertThrows(IllegalArgumentException.class, () -> bf16.fit(ImageSet.random(64, 1), null, tmp, true, null),
                "an fp32 run does not resume as a bf16 one");
    }

    @Test
    void badFilesAreRefusedAndNothingIsHalfLoaded() throws Exception {
        Model m = Model.create(TINY, 1);
        Path f = tmp.resolve("m.ckpt");
        m.save(f);
        byte[] good = Files.readAllBytes(f);
        Model target = Model.create(TINY, 77);
        float[] before = target.paramsArray();

        Path truncated = tmp.resolve("t.ckpt");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        Path flipped = tmp.resolve("f.ckpt");
        byte[] fl = good.clone();
        fl[fl.length / 2] ^= 0x10;
        Files.write(flipped, fl);
        Path garbage = tmp.resolve("g.ckpt");
        Files.writeString(garbage, "hello");
        Path missing = tmp.resolve("none.ckpt");

        for (Path p : List.of(truncated, flipped, garbage, missing)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.readInto(p, target));
            assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Model.load(p));
            assertArrayEquals(before, target.paramsArray(), "model modified by a refused file " + p);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.readInto(f, Model.create(NetworkSpec.vgg("vgg16", 1.0 / 8), 1)));
        assertTrue(e.getMessage().contains("vgg16-w0.0625"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.readInto(f, Model.create(NetworkSpec.vgg("vgg11", 1.0 / 16), 1)));
    }
}
