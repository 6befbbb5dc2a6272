package org.emomc4j.cli;

import org.emomc4j.search.ExperimentTestAccess;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** User errors exit 2 with one message; internal errors exit 1 with a stack trace. */
class ExitCodeTest {

    @TempDir
    Path tmp;

    private String[] run(int[] exit, String... args) { return DataCommandTest.run(exit, args); }

    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--user") boolean user;

        @Override
        public Integer call() {
            if (user) throw new UserError("--size must be positive, got -1");
            throw new IllegalArgumentException("index 7 out of range: a bug");
        }
    }

    private int runBoom(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.addSubcommand("boom", new Boom());
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void userErrorsExitTwoInternalErrorsExitOneWithTheirStackTrace() {
        StringWriter err = new StringWriter();
        assertEquals(2, runBoom(err, "boom", "--user"));
        assertTrue(err.toString().contains("error: --size must be positive"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace for a user error: " + err);
        err = new StringWriter();
        assertEquals(1, runBoom(err, "boom"));
        assertTrue(err.toString().contains("index 7 out of range") && err.toString().contains("\tat "), err.toString());
    }

    @Test
    void aBadBitRangeIsRefusedWhileParsing() {
        int[] exit = new int[1];
        // No --stage1 directory exists: the range is refused before anything else is looked at.
        String[] out = run(exit, "search", "--stage1", tmp.resolve("none").toString(), "--out", tmp.resolve("r").toString(), "--bits", "1:12");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("--bits") && out[1].contains("1:12") && out[1].contains("2 <= MIN"), out[1]);
        out = run(exit, "search", "--stage1", tmp.resolve("none").toString(), "--out", tmp.resolve("r").toString(), "--bits", "12:4");
        assertEquals(2, exit[0]);
        assertFalse(Files.exists(tmp.resolve("r")), "nothing was created");
    }

    @Test
    void algorithmsOffTheBudgetAreRefusedWithTheReason() throws Exception {
        Files.createDirectories(tmp.resolve("s1"));
        int[] exit = new int[1];
        String[] out = run(exit, "search", "--stage1", tmp.resolve("s1").toString(), "--out", tmp.resolve("r").toString(),
                "--algorithm", "SMSEMOA");
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("steady-state") && out[1].contains("[NSGAII, SPEA2]"), out[1]);
        out = run(exit, "search", "--help");
        assertFalse(out[0].contains("--threads"), "--threads is gone: " + out[0]);
    }

    @Test
    void trainRefusesToOverwriteARun() throws Exception {
        Path data = ExperimentTestAccess.smallCifar(tmp.resolve("cifar"));
        Path run = tmp.resolve("run");
        String[] args = {"train", "--data", data.toString(), "--width", "1/16", "--epochs", "1", "--batch", "32", "--train-images", "100",
                "--val-images", "50", "--no-progress", "--out", run.toString()};
        int[] exit = new int[1];
        String[] out = run(exit, args);
        assertEquals(0, exit[0], out[1]);
        String log = Files.readString(run.resolve("train-log.csv"));
        out = run(exit, args);
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("already holds a train run") && out[1].contains("--resume"), out[1]);
        assertEquals(log, Files.readString(run.resolve("train-log.csv")));
    }

    @Test
    void trainRefusesToResumeAnFp32RunInBf16NamingThePrecision() throws Exception {
        Path data = ExperimentTestAccess.smallCifar(tmp.resolve("cifar-p"));
        Path run = tmp.resolve("run-p");
        String[] args = {"train", "--data", data.toString(), "--width", "1/16", "--epochs", "2", "--batch", "32", "--train-images", "100",
                "--val-images", "50", "--no-progress", "--schedule", "cosine", "--out", run.toString()};
        int[] exit = new int[1];
        String[] out = run(exit, args);
        assertEquals(0, exit[0], out[1]);
        String[] bf16 = java.util.Arrays.copyOf(args, args.length + 3);
        bf16[args.length] = "--precision";
        bf16[args.length + 1] = "bf16";
        bf16[args.length + 2] = "--resume";
        out = run(exit, bf16);
        assertEquals(2, exit[0], out[1]);
        assertTrue(out[1].contains("precision"), out[1]);
    }

    @Test
    void aLockedRunDirectoryIsRefusedNamingTheHolder() throws Exception {
        Path base = tmp.resolve("base.ckpt");
        org.emomc4j.nn.Model.create(org.emomc4j.nn.NetworkSpec.vgg("vgg11", 1.0 / 16), 1).save(base);
        Path out = tmp.resolve("s1");
        try (RunDirectory held = RunDirectory.claim(out, ResumeKey.of("search", Map.of("seed", 1)), false)) {
            int[] exit = new int[1];
            String[] r = run(exit, "prune", "--checkpoint", base.toString(), "--grid", "0.5", "--steps", "1",
                    "--data", ExperimentTestAccess.smallCifar(tmp.resolve("cifar")).toString(), "--train-images", "100",
                    "--val-images", "50", "--out", out.toString(), "--resume");
            assertEquals(2, exit[0]);
            assertTrue(r[1].contains("in use by another run") && r[1].contains("search"), r[1]);
        }
    }
}
