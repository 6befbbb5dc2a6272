package org.emomc4j.cli;

import org.emomc4j.data.RealCifar;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code emomc finetune}: stage 3 of a plan a user picks, its refusals (needs CIFAR-10). */
class FinetuneCommandTest {

    @TempDir
    Path tmp;

    @Test
    @Tag(RealCifar.TAG)
    void finetunesOnePlanAndRefusesBadInput() throws Exception {
        RealCifar.dir();
        Path ck = tmp.resolve("net.ckpt");
        Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 1).save(ck);
        Path out = tmp.resolve("ft");
        String[] args = {"finetune", "--checkpoint", ck.toString(), "--remaining", "0.5", "--bits", "4", "--epochs", "1",
                "--batch", "64", "--train-images", "200", "--val-images", "100", "--out", out.toString()};
        assertEquals(0, Main.execute(args));
        assertTrue(Files.exists(out.resolve("finetuned.ckpt")));
        assertEquals(2, Files.readAllLines(out.resolve("stage3.csv")).size());
        // The same directory again without --resume is refused; with it the finished run is read back.
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute(args));
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        assertEquals(0, Main.execute(resume));
        // Another plan into it, a missing checkpoint, a wrong number of bit-widths: refused.
        resume[6] = "3";
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute(resume));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("finetune", "--checkpoint", tmp.resolve("none.ckpt").toString(),
                "--remaining", "0.5", "--bits", "4", "--out", tmp.resolve("x").toString()));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("finetune", "--checkpoint", ck.toString(), "--remaining", "0.5",
                "--bits", "4,4", "--out", tmp.resolve("y").toString()));
    }
}
