package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.WeightTransform;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stage 2's accuracy: load the stage-1 checkpoint of the genome's r, prune it by the magnitude
 * rule at r, quantize each layer symmetrically to its bit-width (no fine-tuning), and measure
 * top-1 accuracy on a fixed image set. The stored weights are never modified, so the loaded
 * networks are kept (a few, least recently used) and reused across candidates.
 */
public final class CheckpointAccuracy implements AccuracyOracle {

    private final Path stage1;
    private final ImageSet images;
    private final int batchSize;
    private final int keep;
    private final Map<Double, Model> models = new LinkedHashMap<>(8, 0.75f, true);

    /**
     * @param stage1    stage-1 directory (r*.ckpt)
     * @param images    the images every candidate is scored on
     * @param keepModels how many loaded networks to keep in memory
     */
    public CheckpointAccuracy(Path stage1, ImageSet images, int batchSize, int keepModels) {
        this.stage1 = stage1;
        this.images = images;
        this.batchSize = batchSize;
        this.keep = Math.max(1, keepModels);
    }

    /** The forward-pass transform of a genome: magnitude pruning at r, then symmetric quantization. */
    public static WeightTransform transform(Genome g) {
        int[] bits = g.bits();
        return DynamicPruning.uniform(g.remaining()).andThen(FakeQuantization.symmetric(l -> bits[l.index()]));
    }

    /** Top-1 accuracy: the fraction of {@link #correctness} (so the two always agree). */
    @Override
    public double accuracy(Genome g) { return correctness(g).accuracy(); }

    @Override
    public synchronized Correctness correctness(Genome g) {
        Model m = model(g.remaining());
        WeightTransform t = transform(g);
        for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        try {
            return correctness(m, images, batchSize);
        } finally {
            m.clearWeightTransforms();
        }
    }

    /** The base network stage 1 recorded (stage1/base.txt) on the same images; null when it is gone. */
    @Override
    public synchronized Correctness uncompressedCorrectness() {
        try {
            Path base = Stage1.baseOf(stage1);
            if (base == null || !java.nio.file.Files.isRegularFile(base)) return null;
            Model m = Model.load(base);
            try {
                return correctness(m, images, batchSize);
            } finally {
                m.releaseBuffers();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Which images a network (with its transforms in place) classifies correctly: arg-max of the logits, first on ties. */
    public static Correctness correctness(Model m, ImageSet images, int batchSize) {
        BatchLoader loader = new BatchLoader(images, batchSize, false, 0);
        float[] f = new float[batchSize * ImageSet.PIXELS];
        int[] labels = new int[batchSize];
        boolean[] right = new boolean[images.size()];
        int at = 0;
        for (int b = 0; b < loader.batchesPerEpoch(); b++) {
            int n = loader.fill(0, b, f, labels);
            INDArray x = Nd4j.create(java.util.Arrays.copyOf(f, n * ImageSet.PIXELS),
                    new long[]{n, m.spec().inputSize(), m.spec().inputSize(), m.spec().inputChannels()}, 'c');
            float[][] logits = m.logits(x);
            for (int i = 0; i < n; i++) {
                int arg = 0;
                for (int k = 1; k < logits[i].length; k++) if (logits[i][k] > logits[i][arg]) arg = k;
                right[at++] = arg == labels[i];
            }
        }
        return Correctness.of(right);
    }

    /** The stage-1 network for r (loaded on first use). */
    public synchronized Model model(double r) {
        Model m = models.get(r);
        if (m == null) {
            Path ck = Stage1.checkpoint(stage1, r);
            if (!java.nio.file.Files.exists(ck))
                throw new UserError("missing stage-1 checkpoint " + ck + " for r = " + r
                        + ": finish stage 1 ('./emomc prune ... --resume') or search a grid it covers");
            m = Model.load(ck);
            models.put(r, m);
            if (models.size() > keep) {
                Double eldest = models.keySet().iterator().next();
                Model old = models.remove(eldest);
                old.releaseBuffers();
            }
        }
        return m;
    }

    public ImageSet images() { return images; }
}
