package org.emomc4j.data;

import org.emomc4j.bench.BenchSection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;

/** Benchmark: loading all 60,000 images into memory, and building augmented training batches. */
public final class DataBench implements BenchSection {

    @Override public String name() { return "data"; }

    @Override
    public LinkedHashMap<String, Object> run(BenchContext ctx) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        LinkedHashMap<String, Object> figures = new LinkedHashMap<>();
        Path dir = DataLocation.resolve(ctx.dataDir());
        if (!Files.isRegularFile(dir.resolve(Cifar10.TEST_FILE))) {
            figures.put("skipped", "no CIFAR-10 at " + dir);
            out.put("data", figures);
            return out;
        }
        int reps = ctx.quick() ? 1 : 3;
        double[] load = new double[reps];
        Cifar10 data = null;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            data = Cifar10.load(dir);
            data.splits();
            load[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(load);
        figures.put("load_all_s", load[reps / 2]);
        BatchLoader loader = new BatchLoader(data.splits().train(), 256, true, 1);
        float[] f = new float[256 * ImageSet.PIXELS];
        int[] l = new int[256];
        int batches = Math.min(loader.batchesPerEpoch(), ctx.quick() ? 20 : 100);
        loader.fill(0, 0, f, l);
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) loader.fill(0, b, f, l);
        figures.put("augment_img_per_s", batches * 256 / ((System.nanoTime() - t0) / 1e9));
        out.put("data", figures);
        return out;
    }
}
