package org.emomc4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Bad arguments of prune, search and reproduce exit with code 2 and say what is wrong. */
class SearchCommandTest {

    @TempDir
    Path tmp;

    private String[] run(int[] exit, String... args) { return DataCommandTest.run(exit, args); }

    @Test
    void missingStage1DirectoryOrCheckpoints() throws Exception {
        int[] exit = new int[1];
        String[] out = run(exit, "search", "--stage1", tmp.resolve("none").toString(), "--out", tmp.resolve("r").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("does not exist"), out[1]);
        Files.createDirectories(tmp.resolve("empty"));
        out = run(exit, "search", "--stage1", tmp.resolve("empty").toString(), "--out", tmp.resolve("r").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("no stage-1 checkpoints"), out[1]);
    }

    @Test
    void unknownNamesAreRefused() throws Exception {
        Files.createDirectories(tmp.resolve("s1"));
        int[] exit = new int[1];
        String[] out = run(exit, "search", "--stage1", tmp.resolve("s1").toString(), "--out", "x", "--dataflow", "ZZ");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("unknown dataflow 'ZZ'"), out[1]);
        out = run(exit, "search", "--stage1", tmp.resolve("s1").toString(), "--out", "x", "--objective", "speed");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("unknown objective 'speed'"), out[1]);
        out = run(exit, "search", "--stage1", tmp.resolve("s1").toString(), "--out", "x", "--coding", "bitmap");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("bitmap"), out[1]);
        out = run(exit, "reproduce", "--profile", "huge");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("unknown profile 'huge'"), out[1]);
    }

    @Test
    void pruneRefusesGridOutsideUnitIntervalAndMissingBase() throws Exception {
        int[] exit = new int[1];
        Path base = tmp.resolve("base.ckpt");
        Files.writeString(base, "x");
        String[] out = run(exit, "prune", "--checkpoint", base.toString(), "--grid", "0.0:0.5:0.1", "--out", tmp.resolve("p").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("(0, 1]"), out[1]);
        out = run(exit, "prune", "--checkpoint", base.toString(), "--grid", "0.5:1.5:0.5", "--out", tmp.resolve("p").toString());
        assertEquals(2, exit[0]);
        out = run(exit, "prune", "--checkpoint", tmp.resolve("nope.ckpt").toString(), "--out", tmp.resolve("p").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("nope.ckpt"), out[1]);
        out = run(exit, "prune", "--checkpoint", base.toString(), "--mode", "sideways", "--out", tmp.resolve("p").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("sideways"), out[1]);
    }
}
