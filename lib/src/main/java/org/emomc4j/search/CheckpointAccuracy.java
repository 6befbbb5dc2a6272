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
    /** Per loaded network: each layer's weights pruned at its r ({@link #memoTransform}); dropped with the network. */
    private final Map<Model, float[][]> pruned = new java.util.IdentityHashMap<>();
    private Model lastUsed;
    /** The genome whose transforms are set on {@link #lastUsed} (null: none known). */
    private Genome lastGenome;
    /** The transform set for it (a network whose transforms someone else changed is prepared again). */
    private WeightTransform lastTransform;
    private final Map<String, ImageSet> parts = new java.util.HashMap<>();
    private final Precision precision;
    private final ImageSet calibration;
    private final int calibrationImages;

    /**
     * @param stage1    stage-1 directory (r*.ckpt)
     * @param images    the images every candidate is scored on
     * @param keepModels how many loaded networks to keep in memory (a search draws r at random,
     *                   so fewer than the grid's points means loading a network for most
     *                   candidates: over a second each at width 1; {@link #keepAll})
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

    /**
     * How many networks a search over a stage-1 directory should keep: all of its grid points
     * (at width 1 about 300 MB each, weights only; activation buffers are kept for the network in
     * use only).
     */
    public static int keepAll(Path stage1) throws java.io.IOException {
        return Stage1.available(stage1).values().length;
    }

    /** The forward-pass transform of a genome: magnitude pruning at r, then symmetric quantization. */
    public static WeightTransform transform(Genome g) {
        int[] bits = g.bits();
        return DynamicPruning.uniform(g.remaining()).andThen(FakeQuantization.symmetric(l -> bits[l.index()]));
    }

    /**
     * {@link #transform} on a network loaded here: the magnitude pruning at r depends only on the
     * stored weights, which are never modified, so each layer's pruned weights are computed once per
     * loaded network and copied for each candidate, which then only quantizes them (the same
     * arrays as {@link #transform} makes, without re-selecting the smallest weights every time).
     */
    private WeightTransform memoTransform(Genome g, Model m) {
        float[][] memo = pruned.computeIfAbsent(m, k -> new float[k.spec().size()][]);
        WeightTransform prune = DynamicPruning.uniform(g.remaining());
        int[] bits = g.bits();
        WeightTransform quantize = FakeQuantization.symmetric(l -> bits[l.index()]);
        return new WeightTransform() {
            @Override
            public float[] apply(org.emomc4j.nn.LayerSpec layer, float[] w) {
                float[] p = memo[layer.index()];
                if (p == null) memo[layer.index()] = p = prune.apply(layer, w).clone();
                return quantize.apply(layer, p.clone());
            }

            /** Only the first candidate on a network reads its stored weights; the others start from the memo. */
            @Override
            public boolean readsWeights(org.emomc4j.nn.LayerSpec layer) { return memo[layer.index()] == null; }
        };
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
        // Activation buffers are per network and per batch size: keep only the network in use's.
        if (lastUsed != null && lastUsed != m) lastUsed.releaseBuffers();
        // The candidate's transforms stay on its network after scoring, so a second call for the
        // same genome (racing's rest after its slice) reuses the prepared weights.
        if (m != lastUsed || !g.equals(lastGenome) || m.weightTransform(0) != lastTransform) {
            lastGenome = null;
            WeightTransform t = memoTransform(g, m);
            for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
            lastGenome = g;
            lastTransform = t;
        }
        lastUsed = m;
        return correctness(m, part, batchSize, precision);
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

    /** The stage-1 network for r (loaded on first use; it may carry the last candidate's transforms). */
    synchronized Model model(double r) {
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
                pruned.remove(old);
                old.releaseBuffers();
            }
        }
        return m;
    }

    public ImageSet images() { return images; }

    public Precision precision() { return precision; }
}
