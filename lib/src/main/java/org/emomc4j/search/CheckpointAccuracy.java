package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.WeightTransform;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stage 2's accuracy: load the stage-1 checkpoint of the genome's r, prune it by the magnitude
 * rule at r, quantize each layer symmetrically to its bit-width (no fine-tuning), and measure
 * top-1 accuracy on a fixed image set. The stored weights are never modified, so the loaded
 * networks are kept (a few, least recently used) and reused across candidates. The accuracy is
 * measured in a chosen arithmetic ({@link Precision}: fp32 as the reference, or bf16 / int8 on
 * oneDNN; int8 calibrates on given training images).
 */
public final class CheckpointAccuracy implements AccuracyOracle {

    private final Path stage1;
    private final ImageSet images;
    private final int batchSize;
    private final int keep;
    private final Map<Double, Model> models = new LinkedHashMap<>(8, 0.75f, true);
    private final Map<String, ImageSet> parts = new java.util.HashMap<>();
    private final Precision precision;
    private final ImageSet calibration;
    private final int calibrationImages;

    /**
     * @param stage1    stage-1 directory (r*.ckpt)
     * @param images    the images every candidate is scored on
     * @param keepModels how many loaded networks to keep in memory
     */
    public CheckpointAccuracy(Path stage1, ImageSet images, int batchSize, int keepModels) {
        this(stage1, images, batchSize, keepModels, Precision.FP32, null, 0);
    }

    /**
     * @param precision         arithmetic of the evaluation
     * @param calibration       training images int8 calibrates activation ranges on (int8 only)
     * @param calibrationImages how many of them
     */
    public CheckpointAccuracy(Path stage1, ImageSet images, int batchSize, int keepModels, Precision precision,
                              ImageSet calibration, int calibrationImages) {
        if (precision == Precision.INT8 && (calibration == null || calibrationImages < 1))
            throw new UserError("int8 scoring needs training images to calibrate activation ranges");
        this.precision = precision;
        this.calibration = calibration;
        this.calibrationImages = calibrationImages;
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
    public Correctness correctness(Genome g) { return correctness(g, 0, images.size()); }

    /**
     * The images [from, to) only. Batches start at {@code from}, so a part starting at a multiple
     * of the batch size is batched exactly as in a whole-set pass and gives the same bits even
     * when a kernel's rounding depended on the batch.
     */
    @Override
    public synchronized Correctness correctness(Genome g, int from, int to) {
        if (from < 0 || to > images.size() || from >= to)
            throw new IllegalArgumentException("images [" + from + ", " + to + ") of " + images.size());
        ImageSet part = from == 0 && to == images.size() ? images : parts.computeIfAbsent(from + ":" + to, k -> range(from, to));
        Model m = model(g.remaining());
        WeightTransform t = transform(g);
        for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        try {
            return correctness(m, part, batchSize, precision);
        } finally {
            m.clearWeightTransforms();
        }
    }

    private ImageSet range(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return images.subset(idx);
    }

    @Override
    public int imageCount() { return images.size(); }

    /** The evaluation batch (racing slices are best a multiple of it, see {@link #correctness(Genome, int, int)}). */
    public int batchSize() { return batchSize; }

    /**
     * The base network stage 1 recorded (stage1/base.txt) on the same images and in the same
     * arithmetic as the candidates (paired losses compare like with like); null when it is gone.
     */
    @Override
    public synchronized Correctness uncompressedCorrectness() {
        try {
            Path base = Stage1.baseOf(stage1);
            if (base == null || !java.nio.file.Files.isRegularFile(base)) return null;
            Model m = Model.load(base);
            if (calibration != null) m.setCalibration(calibration, calibrationImages);
            try {
                return correctness(m, images, batchSize, precision);
            } finally {
                m.releaseBuffers();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Which images a network (with its transforms in place) classifies correctly in an arithmetic:
     * {@link Model#predictions} against the labels, so its accuracy is exactly {@link Model#accuracy}'s.
     */
    public static Correctness correctness(Model m, ImageSet images, int batchSize, Precision precision) {
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) labels[i] = images.label(i);
        return Correctness.of(m.predictions(images, batchSize, precision), labels);
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
            if (calibration != null) m.setCalibration(calibration, calibrationImages);
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

    public Precision precision() { return precision; }
}
