package org.emomc4j.search;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.compress.quant.UniformQuantizer;
import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.Csv;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Stage 3, beyond the paper: quantization-aware fine-tuning of one chosen plan. The paper stops
 * after stage 2 (every candidate is pruned and quantized without fine-tuning); a user who picks
 * one plan from the front would fine-tune it. The plan's masks are fixed (the stage-1 network's
 * weights pruned by the magnitude rule at each layer's r: exactly the weights stage 2 pruned) and
 * its bit-widths too: the forward pass quantizes every layer symmetrically per tensor at its
 * bit-width and the gradient passes straight through to the fp32 weights (QAT with an STE). At
 * the end the stored weights are quantized, so the saved network holds at most 2^b - 1 distinct
 * values in a layer of b bits and its pruned weights are exactly zero: its costs are the plan's.
 *
 * <p>Resumable per epoch; the directory's resume key holds the plan, the fine-tuning, the
 * checkpoint's SHA-256 and the data.
 */
public final class Stage3 {

    public static final String CHECKPOINT = "finetuned.ckpt", CSV = "stage3.csv";
    /**
     * Per-image test correctness ({@link CorrectnessFile}) of the plan before ({@value #BEFORE}, as
     * stage 2 scored it) and after ({@value #AFTER}) stage 3, for the paired losses of Tables II / III.
     */
    public static final String TEST_CORRECTNESS = "test-correctness.txt", BEFORE = "stage2", AFTER = "stage3";
    static final String[] HEADER = {"remaining", "bits", "epochs", "val_before", "val_after", "test_before", "test_after", "seconds"};

    /**
     * What stage 3 did to one plan.
     *
     * @param valBefore accuracy of the plan as stage 2 scored it (pruned and quantized, not fine-tuned)
     * @param valAfter  accuracy after quantization-aware fine-tuning
     * @param testCorrect per-image correctness on the test images after stage 3 (its accuracy is
     *                    {@code testAfter}); null when no test images were given or a run from before kept none
     */
    public record Result(CompressionPlan plan, int epochs, double valBefore, double valAfter, double testBefore, double testAfter,
                         double seconds, Path checkpoint, Correctness testCorrect) {
        /** Validation accuracy recovered by stage 3 (points as a fraction; negative when it lost). */
        public double valRecovered() { return valAfter - valBefore; }

        public double testRecovered() { return testAfter - testBefore; }
    }

    private Stage3() { }

    /** What makes a stage 3 the same: the network, the plan, the fine-tuning and the data. */
    public static ResumeKey resumeKey(Path checkpoint, CompressionPlan plan, TrainConfig fineTune, ImageSet train, ImageSet val,
                                      ImageSet test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("remaining", plan.remaining());
        m.put("bits", plan.weightBits());
        m.put("epochs", fineTune.epochs());
        FineTuning.putRun(m, fineTune, "checkpoint_sha256", checkpoint, train, val, test);
        return ResumeKey.of("finetune", m);
    }

    /**
     * Fixes the plan on a network: masks from the magnitude rule at each layer's r, and the
     * plan's quantizer as the forward transform (QAT).
     */
    public static void prepare(Model model, CompressionPlan plan) {
        NetworkSpec spec = model.spec();
        plan.requireLayers(spec);
        for (int l = 0; l < spec.size(); l++) {
            model.setMask(l, MagnitudePruning.mask(model.weights(l), plan.remaining(l)));
            model.setWeightTransform(l, FakeQuantization.symmetric(plan));
        }
    }

    /** Ends QAT: the stored weights quantized to the plan's bit-widths, the transforms removed (masks stay). */
    public static void quantizeStored(Model model, CompressionPlan plan) {
        for (int l = 0; l < model.spec().size(); l++) {
            int b = plan.weightBits(l);
            if (b < 32) model.setWeights(l, UniformQuantizer.symmetricInPlace(model.weights(l), b));
        }
        model.clearWeightTransforms();
    }

    /**
     * Runs (or resumes, or reads) stage 3 of a plan in {@code dir}.
     *
     * @param checkpoint the network the plan applies to (the stage-1 checkpoint of its r)
     * @param fineTune   fine-tuning settings; its epoch count is the QAT epochs
     * @param test       test images for the before/after accuracies (null: not measured)
     */
    public static Result run(Path checkpoint, CompressionPlan plan, TrainConfig fineTune, ImageSet train, ImageSet val, ImageSet test,
                             Path dir, Consumer<String> log) throws IOException {
        return run(checkpoint, plan, fineTune, train, val, test, dir, true, log);
    }

    /**
     * As {@link #run(Path, CompressionPlan, TrainConfig, ImageSet, ImageSet, ImageSet, Path, Consumer)};
     * with {@code resume} false a directory that holds a run is refused (nothing is overwritten).
     */
    public static Result run(Path checkpoint, CompressionPlan plan, TrainConfig fineTune, ImageSet train, ImageSet val, ImageSet test,
                             Path dir, boolean resume, Consumer<String> log) throws IOException {
        if (!Files.isRegularFile(checkpoint))
            throw new UserError("checkpoint " + checkpoint + " does not exist: give the stage-1 checkpoint of the plan's r (stage1/rX.XX.ckpt)");
        Model model = Model.load(checkpoint);
        plan.requireLayers(model.spec());
        try (RunDirectory claim = RunDirectory.claim(dir, resumeKey(checkpoint, plan, fineTune, train, val, test), resume)) {
            Result done = read(dir, plan);
            if (done != null) return done;
            long t0 = System.nanoTime();
            prepare(model, plan);
            double vb = model.accuracy(val, 256);
            Correctness before = test == null ? null : CheckpointAccuracy.correctness(model, test, 256, Precision.FP32);
            int epochs = fineTune.epochs();
            FineTuning.run(model, fineTune, train, dir.resolve("stage3.partial.ckpt"), null, null, List.of(), new FineTuning.Epochs() {
                @Override
                public Object[] after(int e) {
                    log.accept(String.format(Locale.ROOT, "stage 3: %s, QAT epoch %d/%d", label(plan), e, epochs));
                    return null;
                }
            });
            quantizeStored(model, plan);
            double va = model.accuracy(val, 256);
            Correctness after = test == null ? null : CheckpointAccuracy.correctness(model, test, 256, Precision.FP32);
            double tb = before == null ? Double.NaN : before.accuracy(), ta = after == null ? Double.NaN : after.accuracy();
            Path ck = dir.resolve(CHECKPOINT);
            model.save(ck);
            Result r = new Result(plan, epochs, vb, va, tb, ta, (System.nanoTime() - t0) / 1e9, ck, after);
            if (after != null) {
                Map<String, Correctness> c = new LinkedHashMap<>();
                c.put(BEFORE, before);
                c.put(AFTER, after);
                CorrectnessFile.write(dir.resolve(TEST_CORRECTNESS), c);
            }
            new Csv.Builder(HEADER).row(text(plan.remaining()), text(plan.weightBits()), epochs, vb, va, tb, ta,
                    String.format(Locale.ROOT, "%.2f", r.seconds())).write(dir.resolve(CSV));
            Files.deleteIfExists(dir.resolve("stage3.partial.ckpt"));
            log.accept(String.format(Locale.ROOT, "stage 3: %s: val %.2f -> %.2f %%, test %.2f -> %.2f %%", label(plan), 100 * vb,
                    100 * va, 100 * tb, 100 * ta));
            return r;
        }
    }

    /** The finished stage 3 of a plan in {@code dir}, or null. */
    public static Result read(Path dir, CompressionPlan plan) throws IOException {
        Path ck = dir.resolve(CHECKPOINT);
        List<String[]> rows = Csv.readRows(dir.resolve(CSV));
        if (rows.isEmpty() || !Files.exists(ck)) return null;
        String[] r = rows.get(0);
        Correctness after = CorrectnessFile.read(dir.resolve(TEST_CORRECTNESS)).get(AFTER);
        double testAfter = Double.parseDouble(r[6]);
        if (after != null && after.accuracy() != testAfter)
            throw new UserError("the per-image correctness in " + dir.resolve(TEST_CORRECTNESS) + " gives test accuracy " + after.accuracy()
                    + ", but " + dir.resolve(CSV) + " records " + testAfter + ": the directory is inconsistent; delete it to run stage 3 again");
        return new Result(plan, Integer.parseInt(r[2]), Double.parseDouble(r[3]), Double.parseDouble(r[4]), Double.parseDouble(r[5]),
                testAfter, Double.parseDouble(r[7]), ck, after);
    }

    /**
     * A name (and directory name) for a plan that describes all of it: the remaining fraction when
     * every layer shares it (the paper's genome shape, {@code r0.45-b8.6.5...}); otherwise the
     * layers' mean, least and largest r and a short hash of the per-layer fractions, so two plans
     * with the same summary never share a directory ({@code rmean0.52-min0.30-max0.80-h1a2b3c4d-b8.6.5...});
     * then every layer's weight bits.
     */
    public static String label(CompressionPlan plan) {
        double[] r = plan.remaining();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : r) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        StringBuilder sb = new StringBuilder(min == max ? String.format(Locale.ROOT, "r%.2f-b", min)
                : String.format(Locale.ROOT, "rmean%.2f-min%.2f-max%.2f-h%s-b", sum / r.length, min, max,
                org.emomc4j.util.Hashes.sha256(text(r).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 8)));
        int[] b = plan.weightBits();
        for (int i = 0; i < b.length; i++) sb.append(i == 0 ? "" : ".").append(b[i]);
        return sb.toString();
    }

    private static String text(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ";").append(v[i]);
        return sb.toString();
    }

    private static String text(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ";").append(v[i]);
        return sb.toString();
    }
}
