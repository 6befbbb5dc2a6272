package org.emomc4j.cli;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.data.Cifar10;
import org.emomc4j.data.DataLocation;
import org.emomc4j.data.ImageSet;
import org.emomc4j.dl4j.Dl4jArchitecture;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.dl4j.ImportedAccuracy;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code emomc export} / {@code import} / {@code eval} with a plan, end to end. */
class Dl4jCommandsTest {

    @TempDir
    Path tmp;

    private static final String BITS = "6,5,4,3,8,7,6,5,4,3,8,7,6,5";

    @Test
    void exportedZipHoldsThePlansWeightsAndDl4jAgreesWithTheEngine() throws Exception {
        Model m = Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 11);
        Path ck = tmp.resolve("m.ckpt"), zip = tmp.resolve("m.zip");
        m.save(ck);
        assertEquals(0, Main.execute("export", "--checkpoint", ck.toString(), "--remaining", "0.4", "--bits", BITS,
                "--format", "dl4j", "--out", zip.toString()));
        Dl4jNetwork d = Dl4jNetwork.load(zip, Dl4jArchitecture.CIFAR10, null);
        CompressionPlan plan = PlanOptions.parse(m.spec(), "0.4", BITS, null);
        for (int l = 0; l < m.spec().size(); l++) {
            float[] w = d.weights(l);
            Set<Float> distinct = new HashSet<>();
            int zeros = 0;
            for (float v : w) {
                distinct.add(v);
                if (v == 0f) zeros++;
            }
            assertTrue(zeros >= Math.round(w.length * 0.6), "layer " + l);
            assertTrue(distinct.size() <= 1 << plan.weightBits(l), "layer " + l + ": " + distinct.size());
        }
        // DL4J's evaluate on the exported zip = our engine with the plan as a forward transform.
        ImageSet images = ImageSet.random(300, 4);
        double ours = ImportedAccuracy.of(Dl4jNetwork.fromModel(m), images, 100).accuracy(plan);
        assertEquals(ours, d.accuracy(images, 100), 1e-12);
        // ... and it is not the uncompressed accuracy by accident.
        assertNotEquals(m.accuracy(images, 100), ours);
    }

    @Test
    void importRoundTripAndRefusal() throws Exception {
        Model m = Model.create(NetworkSpec.vgg("vgg11", 1.0 / 16), 12);
        Path ck = tmp.resolve("a.ckpt"), zip = tmp.resolve("a.zip"), back = tmp.resolve("b.ckpt");
        m.save(ck);
        assertEquals(0, Main.execute("export", "--checkpoint", ck.toString(), "--out", zip.toString()));
        assertEquals(0, Main.execute("import", "--dl4j", zip.toString(), "--out", back.toString()));
        assertArrayEquals(Files.readAllBytes(ck), Files.readAllBytes(back));

        MultiLayerNetwork lenet = new MultiLayerNetwork(org.emomc4j.dl4j.Dl4jArchitectureTestConfigs.lenet5());
        lenet.init();
        Path lz = tmp.resolve("lenet.zip");
        Dl4jNetwork.of(lenet, Dl4jArchitecture.CIFAR10, "lenet").save(lz);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(Main.EXIT_BAD_INPUT, cl.execute("import", "--dl4j", lz.toString(), "--out", tmp.resolve("l.ckpt").toString()));
        assertTrue(err.toString().contains("our engine does not run") && err.toString().contains("3x3"), err.toString());
        assertFalse(Files.exists(tmp.resolve("l.ckpt")));
        // A DL4J-only network is still priced and exported compressed.
        assertEquals(0, Main.execute("cost", "--dl4j", lz.toString(), "--remaining", "0.5", "--bits", "4,4,4,4,4", "--json"));
        assertEquals(0, Main.execute("export", "--dl4j", lz.toString(), "--remaining", "0.5", "--bits", "4", "--out",
                tmp.resolve("lenet-c.zip").toString()));
        Files.writeString(tmp.resolve("junk.zip"), "not a zip");
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("import", "--dl4j", tmp.resolve("junk.zip").toString(), "--out", back.toString()));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("export", "--checkpoint", ck.toString(), "--remaining", "0.5", "--out", zip.toString()));
    }

    @Test
    void dl4jEvaluateOfTheExportEqualsEvalWithThePlanOnARealSlice() throws Exception {
        assumeTrue(Files.isRegularFile(DataLocation.resolve(null).resolve(Cifar10.TEST_FILE)), "CIFAR-10 not present");
        Path run = tmp.resolve("train"), zip = tmp.resolve("t.zip");
        assertEquals(0, Main.execute("train", "--model", "vgg11", "--width", "1/16", "--batch", "64", "--schedule", "cosine",
                "--train-images", "600", "--val-images", "100", "--epochs", "1", "--no-progress", "--out", run.toString()));
        Path ck = run.resolve("last.ckpt");
        String bits = "6,5,4,4,5,6,4,5,8";
        assertEquals(0, Main.execute("export", "--checkpoint", ck.toString(), "--remaining", "0.6", "--bits", bits, "--out", zip.toString()));
        ImageSet slice = Cifar10.load(DataLocation.resolve(null)).test().head(500);
        Model m = Model.load(ck);
        CompressionPlan plan = PlanOptions.parse(m.spec(), "0.6", bits, null);
        var t = org.emomc4j.compress.ReferenceCompression.transform(plan);
        for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t); // what ./emomc eval --remaining --bits does
        double ours = m.accuracy(slice, 100);
        double dl4j = Dl4jNetwork.load(zip, Dl4jArchitecture.CIFAR10, null).accuracy(slice, 100);
        assertEquals(ours, dl4j, 1e-12);
        assertTrue(ours > 0.1, "trained network at chance: " + ours);
    }

    @Test
    void searchOnADl4jModel() throws Exception {
        assumeTrue(Files.isRegularFile(DataLocation.resolve(null).resolve(Cifar10.TEST_FILE)), "CIFAR-10 not present");
        MultiLayerNetwork lenet = new MultiLayerNetwork(org.emomc4j.dl4j.Dl4jArchitectureTestConfigs.lenet5());
        lenet.init();
        Path lz = tmp.resolve("lenet.zip"), run = tmp.resolve("run");
        Dl4jNetwork.of(lenet, Dl4jArchitecture.CIFAR10, "lenet").save(lz);
        assertEquals(0, Main.execute("search", "--dl4j", lz.toString(), "--grid", "0.3:0.9:0.3", "--eval-images", "50",
                "--test-images", "50", "--pop", "4", "--offspring", "2", "--generations", "1", "--out", run.toString()));
        assertTrue(Files.exists(run.resolve("summary.json")));
        assertTrue(Files.readString(run.resolve("summary.json")).contains("lenet.zip"));
        // Per-image results kept like the two-stage search's (paired intervals for its front), agreeing with the
        // accuracies recorded beside them.
        var valCorrect = org.emomc4j.metrics.CorrectnessFile.read(run.resolve(org.emomc4j.search.SearchRun.CORRECTNESS));
        var rows = org.emomc4j.util.Csv.readRows(run.resolve(org.emomc4j.search.SearchRun.EVALUATIONS));
        assertFalse(rows.isEmpty());
        for (String[] row : rows) assertEquals(Double.parseDouble(row[4]), valCorrect.get(row[1]).accuracy(), 0.0, row[1]);
        assertEquals(50, valCorrect.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED).images());
        var testCorrect = org.emomc4j.search.Summary.readTestCorrectness(run);
        for (var m : org.emomc4j.search.Summary.readFront(run))
            assertEquals(m.testAccuracy(), testCorrect.get(org.emomc4j.search.SearchRun.csvKey(m.genome())).accuracy(), 0.0);
        assertEquals(org.emomc4j.search.Summary.readBaseline(run).testAccuracy(),
                testCorrect.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED).accuracy(), 1e-12);
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("search", "--dl4j", lz.toString(), "--stage1", tmp.toString(),
                "--out", tmp.resolve("run2").toString()));
    }

    @Test
    void evalTakesThePlanFlags() {
        assumeTrue(Files.isRegularFile(DataLocation.resolve(null).resolve(Cifar10.TEST_FILE)), "CIFAR-10 not present");
        Model m = Model.create(NetworkSpec.vgg("vgg11", 1.0 / 16), 13);
        Path ck = tmp.resolve("e.ckpt");
        m.save(ck);
        assertEquals(0, Main.execute("eval", "--checkpoint", ck.toString(), "--split", "val", "--remaining", "0.5", "--bits", "4"));
        assertEquals(Main.EXIT_BAD_INPUT, Main.execute("eval", "--checkpoint", ck.toString(), "--remaining", "0.5", "--bits", "4,4"));
    }
}
