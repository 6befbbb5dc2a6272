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
 * (forward, backward, SGD update) and of an inference pass at batch 256.
 */
public final class EngineBench implements BenchSection {

    @Override public String name() { return "engine"; }

    @Override
    public LinkedHashMap<String, Object> run(BenchContext ctx) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        LinkedHashMap<String, Object> full = measure(NetworkSpec.vgg16(), 128, 256, ctx.quick());
        // Peak resident memory of the process so far (VmHWM: heap + ND4J's off-heap buffers), read
        // right after full VGG-16 training (batch 128) and inference (batch 256); sections run before count too.
        full.put("peak_rss_mib", round(EngineProfile.peakRssMiB()));
        out.put("vgg16", full);
        out.put("vgg16_w4", measure(NetworkSpec.vgg("vgg16", 0.25), 128, 256, ctx.quick()));
        return out;
    }

    /** Median training and inference images/s of a network on random data. */
    public static LinkedHashMap<String, Object> measure(NetworkSpec spec, int trainBatch, int inferBatch, boolean quick) {
        Model m = Model.create(spec, 1);
        Sgd sgd = new Sgd(m, 0.9, 5e-4);
        Random r = new Random(0);
        INDArray x = Nd4j.randn(r.nextLong(), new long[]{trainBatch, 32, 32, 3}).castTo(m.dtype());
        int[] labels = new int[trainBatch];
        for (int i = 0; i < trainBatch; i++) labels[i] = r.nextInt(ImageSet.CLASSES);
        int reps = quick ? 3 : 6;
        double tTrain = median(2, reps, () -> { m.forwardBackward(x, labels); sgd.step(0.01); });
        INDArray xi = Nd4j.randn(r.nextLong(), new long[]{inferBatch, 32, 32, 3}).castTo(m.dtype());
        double tInfer = median(1, quick ? 3 : 5, () -> m.logits(xi));
        m.releaseBuffers();
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        f.put("train_img_per_s", round(trainBatch / tTrain));
        f.put("infer_img_per_s", round(inferBatch / tInfer));
        return f;
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
