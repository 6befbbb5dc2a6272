package org.emomc4j.cli;

import org.emomc4j.data.RealCifar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code emomc train} / {@code emomc eval} end to end on a tiny profile (needs CIFAR-10). */
class TrainEvalCommandTest {

    @TempDir
    Path tmp;

    @Test
    @Tag(RealCifar.TAG)
    void trainResumeAndEval() throws Exception {
        RealCifar.dir();
        Path run = tmp.resolve("run");
        String[] common = {"train", "--width", "1/16", "--batch", "64", "--schedule", "cosine", "--train-images", "300",
                "--val-images", "100", "--no-progress", "--out", run.toString()};
        assertEquals(0, Main.execute(concat(common, "--epochs", "1")));
        assertTrue(Files.exists(run.resolve("last.ckpt")));
        // Extending a cosine run changes its schedule: refused as another configuration.
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute(concat(common, "--epochs", "2", "--resume")));
        assertEquals(0, Main.execute("eval", "--checkpoint", run.resolve("last.ckpt").toString(), "--split", "val"));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", tmp.resolve("missing.ckpt").toString()));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", run.resolve("last.ckpt").toString(), "--split", "train"));
        assertEquals(2, Files.readAllLines(run.resolve("train-log.csv")).size());
        String ck = run.resolve("last.ckpt").toString();
        assertEquals(0, Main.execute("eval", "--checkpoint", ck, "--split", "val", "--precision", "bf16", "--images", "100"));
        assertEquals(0, Main.execute("eval", "--checkpoint", ck, "--split", "val", "--precision", "int8", "--images", "100",
                "--calibration-images", "64"));
        assertEquals(0, Main.execute("eval", "--checkpoint", ck, "--split", "val", "--images", "100", "--agreement", "2",
                "--precision", "bf16,int8", "--calibration-images", "64"));
        Path plans = tmp.resolve("plans.txt");
        Files.writeString(plans, "0.5|8,8,8,8,8,8,8,8,8,8,8,8,8,8\n0.3|6;10;11;2;3;9;9;3;9;7;5;8;5;12\n");
        assertEquals(0, Main.execute("eval", "--checkpoint", ck, "--split", "val", "--images", "100", "--plans", plans.toString(),
                "--precision", "bf16,int8", "--calibration-images", "64"));
        Files.writeString(plans, "0.5|8,8,8\n");
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", ck, "--split", "val", "--images", "100", "--plans", plans.toString(),
                "--precision", "bf16"), "a plan for another network is refused");
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", ck, "--precision", "fp16"));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", ck, "--precision", "bf16,int8"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void anEpochLineSaysWhenTheRunWillEnd() {
        var r = new org.emomc4j.nn.Trainer.EpochResult(11, 0.0162318, 1.1181, 0.7517, 0.5927, 0.8544, 251, 184);
        // 89 epochs left at 240 s each (the mean of the epochs this process ran): 5:56:00.
        assertEquals("epoch 11/100: lr 0.01623 train loss 1.1181 acc 75.17% | val loss 0.5927 acc 85.44% | 4:11, 184 img/s, ETA 5:56:00",
                TrainCommand.Listener.epochLine(r, 100, 240));
        assertFalse(TrainCommand.Listener.epochLine(r, 11, 240).contains("ETA"), "the last epoch has nothing left");
    }

    @Test
    void plansFileTakesGenomeKeysInBothSpellingsAndNamesABadLine() throws Exception {
        Path f = tmp.resolve("plans.txt");
        Files.writeString(f, "# from a search\n0.8000|11;11;8;8\n\n0.5|6,7,8,9\n");
        var plans = EvalCommand.readPlans(f);
        assertEquals(2, plans.size());
        assertEquals(0.8, plans.get(0).remaining(), 0);
        assertArrayEquals(new int[]{11, 11, 8, 8}, plans.get(0).bits());
        assertArrayEquals(new int[]{6, 7, 8, 9}, plans.get(1).bits());
        Files.writeString(f, "0.5|6,7\nhalf|8,8\n");
        var e = assertThrows(org.emomc4j.util.UserError.class, () -> EvalCommand.readPlans(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
