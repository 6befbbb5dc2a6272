package org.emomc4j.nn;

import org.emomc4j.bench.BenchSection;
import org.emomc4j.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Random;

/**
 * Benchmark of the engine on random data, the same protocol as the PyTorch yardstick
 * ({@code ../shared/bench/pytorch-vgg16}): median time of a training step at batch 128
 * (forward, backward, SGD update) in fp32 and bf16 and of an inference pass at batch 256 in fp32; then inference
 * of a compressed plan (the given transform, e.g. r 0.5 and 6 bits) in bf16 and int8.
 */
public final class EngineBench implements BenchSection {

    private final WeightTransform plan;

    /** fp32 figures only. */
    public EngineBench() { this(null); }

    /**
     * @param plan the compressed plan whose bf16 and int8 inference is measured (the transform
     *             {@code search} scores candidates with); null skips those figures
     */
    public EngineBench(WeightTransform plan) { this.plan = plan; }

    @Override public String name() { return "engine"; }

    @Override
    public LinkedHashMap<String, Object> run(BenchContext ctx) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        LinkedHashMap<String, Object> full = measure(NetworkSpec.vgg16(), 128, 256, ctx.quick());
        if (plan != null) full.putAll(measureLowPrecision(NetworkSpec.vgg16(), 256, plan, ctx.quick()));
        // Peak resident memory of the process so far (VmHWM: heap + ND4J's off-heap buffers), read
        // right after full VGG-16 training (batch 128) and inference (batch 256); sections run before count too.
        full.put("peak_rss_mib", round(EngineProfile.peakRssMiB()));
        out.put("vgg16", full);
        LinkedHashMap<String, Object> w4 = measure(NetworkSpec.vgg("vgg16", 0.25), 128, 256, ctx.quick());
        if (plan != null) w4.putAll(measureLowPrecision(NetworkSpec.vgg("vgg16", 0.25), 256, plan, ctx.quick()));
        out.put("vgg16_w4", w4);
        return out;
    }

    /** Median training and inference images/s of a network on random data. */
    public static LinkedHashMap<String, Object> measure(NetworkSpec spec, int trainBatch, int inferBatch, boolean quick) {
        Rig rig = new Rig(spec, trainBatch);
        Model m = rig.model;
        int reps = quick ? 3 : 6;
        double tTrain = median(2, reps, rig::step);
        m.setTrainingPrecision(Precision.BF16);
        double tTrainBf16 = median(2, reps, rig::step);
        m.setTrainingPrecision(Precision.FP32);
        INDArray xi = rig.input(inferBatch);
        double tInfer = median(1, quick ? 3 : 5, () -> m.logits(xi));
        m.releaseBuffers();
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        f.put("train_img_per_s", round(trainBatch / tTrain));
        f.put("infer_img_per_s", round(inferBatch / tInfer));
        f.put("train_bf16_img_per_s", round(trainBatch / tTrainBf16));
        return f;
    }

    /**
     * Median bf16 and int8 inference images/s of a compressed plan on random data (int8
     * calibrated on 512 random images; calibration and weight packing happen once, before timing,
     * as when one candidate is scored on many batches).
     */
    public static LinkedHashMap<String, Object> measureLowPrecision(NetworkSpec spec, int batch, WeightTransform plan, boolean quick) {
        Model m = Model.create(spec, 1);
        for (int l = 0; l < spec.size(); l++) m.setWeightTransform(l, plan);
        m.setCalibration(ImageSet.random(512, 3), 512);
        INDArray xi = Nd4j.randn(7, new long[]{batch, 32, 32, 3});
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        for (Precision p : new Precision[]{Precision.BF16, Precision.INT8}) {
            double t = median(1, quick ? 3 : 5, () -> m.logits(xi, p));
            f.put("infer_" + p.id() + "_img_per_s", round(batch / t));
        }
        m.releaseBuffers();
        return f;
    }

    /**
     * The plan {@code bench} scores in bf16 and int8, and the plan a reproduction's time estimate probes: remaining
     * fraction 0.5 in every layer, 6-bit weights everywhere (a mid-range search candidate).
     */
    public static WeightTransform typicalPlan() {
        return org.emomc4j.compress.prune.DynamicPruning.uniform(0.5).andThen(org.emomc4j.compress.quant.FakeQuantization.symmetric(l -> 6));
    }

    /** Images/s of the kernels a reproduction spends its time in ({@link #probe}). */
    public record Probe(double train, double score, double fp32Infer, double seconds) { }

    /**
     * A short measurement of this machine for a time estimate, on random data: a training step at
     * batch 128 in {@code train} precision, inference of {@link #typicalPlan} at batch 256 in
     * {@code score} precision (int8 calibrated once, beforehand), and fp32 inference at batch 256;
     * each the faster of two timed runs after one warm-up (about 15 s at VGG-16 width 1 on 2 cores).
     */
    public static Probe probe(NetworkSpec spec, Precision train, Precision score) {
        long start = System.nanoTime();
        Rig rig = new Rig(spec, 128);
        Model m = rig.model;
        m.setTrainingPrecision(train);
        double tTrain = fastest(rig::step);
        m.setTrainingPrecision(Precision.FP32);
        INDArray xi = rig.input(256);
        double tFp32 = fastest(() -> m.logits(xi));
        double tScore = tFp32;
        if (score != Precision.FP32) {
            for (int l = 0; l < spec.size(); l++) m.setWeightTransform(l, typicalPlan());
            if (score == Precision.INT8) m.setCalibration(ImageSet.random(512, 3), 512);
            tScore = fastest(() -> m.logits(xi, score));
        }
        m.releaseBuffers();
        return new Probe(128 / tTrain, 256 / tScore, 256 / tFp32, (System.nanoTime() - start) / 1e9);
    }

    /** A fresh network with SGD (the reference momentum and weight decay) and one random training batch, seeded. */
    private static final class Rig {
        final Model model;
        private final Sgd sgd;
        private final Random random = new Random(0);
        private final INDArray x;
        private final int[] labels;

        Rig(NetworkSpec spec, int batch) {
            model = Model.create(spec, 1);
            sgd = new Sgd(model, 0.9, 5e-4);
            x = input(batch);
            labels = new int[batch];
            for (int i = 0; i < batch; i++) labels[i] = random.nextInt(ImageSet.CLASSES);
        }

        /** A random NHWC batch in the network's dtype (the next seed of the rig's generator). */
        INDArray input(int batch) { return Nd4j.randn(random.nextLong(), new long[]{batch, 32, 32, 3}).castTo(model.dtype()); }

        /** One training step at the model's training precision. */
        void step() {
            model.forwardBackward(x, labels);
            sgd.step(0.01);
        }
    }

    private static double fastest(Runnable r) {
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static double round(double v) { return Math.round(v * 10) / 10.0; }

    static double median(int warmup, int reps, Runnable r) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
