package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.nn.Checkpoint;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkParameters;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.WeightTransform;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stage 2's accuracy: load the stage-1 checkpoint of the genome's r, prune it by the magnitude
 * rule at r, quantize each layer symmetrically to its bit-width (no fine-tuning), and measure
 * top-1 accuracy on a fixed image set. The stored weights are never modified, so each grid
 * point's pruned parameters are kept (as many points as asked, least recently used dropped) and
 * written into one network for the candidates on that point. The accuracy is
 * measured in a chosen arithmetic ({@link Precision}: fp32 as the reference, or bf16 / int8 on
 * oneDNN; int8 calibrates on given training images).
 */
public final class CheckpointAccuracy implements AccuracyOracle {

    private final Path stage1;
    private final ImageSet images;
    private final int batchSize;
    private final int keep;
    /**
     * Per grid point r (least recently used first): its network's parameters with every layer's
     * weights already pruned at r, which is what every candidate on it starts from (the pruning
     * depends only on the stored weights, which are never modified). About 4 bytes per weight, so
     * the paper's 61 points at width 1 take some 3.6 GB where 61 loaded networks would not fit.
     */
    private final Map<Double, NetworkParameters.Flat> bank = new LinkedHashMap<>(16, 0.75f, true);
    /** The one network candidates run on; it holds the parameters of grid point {@link #sharedR}. */
    private Model shared;
    private double sharedR = Double.NaN;
    /** The genome whose transforms are set on {@link #shared} (null: none known). */
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
     * @param keepModels how many grid points' pruned parameters to keep in memory ({@link #keepAll})
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
     * How many grid points' parameters a search over a stage-1 directory should keep: all of them
     * (at width 1 about 60 MB each; a search draws r at random, so keeping fewer means reading a
     * checkpoint for most candidates, over a second each at width 1), or as many as fit in the
     * heap beside {@link #HEAP_RESERVE}, with a warning naming the fix.
     */
    public static int keepAll(Path stage1) throws java.io.IOException {
        double[] rs = Stage1.available(stage1).values();
        // A checkpoint holds the parameters (4 bytes each) and little else: its size bounds a point's.
        long perPoint = java.nio.file.Files.size(Stage1.checkpoint(stage1, rs[0]));
        long fit = (Runtime.getRuntime().maxMemory() - HEAP_RESERVE) / Math.max(1, perPoint);
        if (fit >= rs.length) return rs.length;
        int keep = (int) Math.max(2, fit);
        System.err.printf(java.util.Locale.ROOT, "warning: the heap (%.1f GB) keeps the pruned weights of %d of the %d stage-1 grid points "
                + "(%.0f MB each), so most candidates read a checkpoint first; give the JVM about %.1f GB "
                + "(EMOMC_JAVA_OPTS=-Xmx...) to keep all%n", Runtime.getRuntime().maxMemory() / 1e9, keep, rs.length, perPoint / 1e6,
                (rs.length * perPoint + HEAP_RESERVE) / 1e9);
        return keep;
    }

    /** Heap left beside the kept grid points: images, loading a checkpoint, the search's own records. */
    static final long HEAP_RESERVE = 1_500_000_000L;

    /** The forward-pass transform of a genome: magnitude pruning at r, then symmetric quantization. */
    public static WeightTransform transform(Genome g) {
        int[] bits = g.bits();
        return DynamicPruning.uniform(g.remaining()).andThen(FakeQuantization.symmetric(l -> bits[l.index()]));
    }

    /**
     * {@link #transform} on a network loaded here: its weights are already pruned at r (the bank's),
     * so a candidate only quantizes a copy of them (the same arrays as {@link #transform} makes from
     * the stored weights, without re-selecting the smallest weights every time).
     */
    private WeightTransform memoTransform(Genome g, NetworkParameters.Flat pruned, org.emomc4j.nn.NetworkSpec spec) {
        int[] bits = g.bits();
        WeightTransform quantize = FakeQuantization.symmetric(l -> bits[l.index()]);
        return new WeightTransform() {
            @Override
            public float[] apply(org.emomc4j.nn.LayerSpec layer, float[] w) {
                return quantize.apply(layer, pruned.weights(spec, layer.index()));
            }

            @Override
            public boolean readsWeights(org.emomc4j.nn.LayerSpec layer) { return false; }
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
        // The candidate's transforms stay on the network after scoring, so a second call for the
        // same genome (racing's rest after its slice) reuses the prepared weights.
        if (!g.equals(lastGenome) || m.weightTransform(0) != lastTransform) {
            lastGenome = null;
            WeightTransform t = memoTransform(g, bank.get(g.remaining()), m.spec());
            for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
            lastGenome = g;
            lastTransform = t;
        }
        // Candidates often share r and their first bit-widths with an earlier one: the activations of
        // those first layers are reused (exact, org.emomc4j.nn.PrefixCache).
        return org.emomc4j.nn.PrefixCache.reusing(() -> correctness(m, part, batchSize, precision));
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

    /**
     * The stage-1 network for r, pruned at r (its checkpoint read on first use): the one network
     * of this oracle, holding r's parameters (it may carry the last candidate's transforms).
     */
    synchronized Model model(double r) {
        NetworkParameters.Flat p = bank.get(r);
        if (p == null) {
            Path ck = Stage1.checkpoint(stage1, r);
            if (!java.nio.file.Files.exists(ck))
                throw new UserError("missing stage-1 checkpoint " + ck + " for r = " + r
                        + ": finish stage 1 ('./emomc prune ... --resume') or search a grid it covers");
            if (shared == null) {
                shared = Model.load(ck);
                if (calibration != null) shared.setCalibration(calibration, calibrationImages);
            } else {
                shared.clearWeightTransforms();
                Checkpoint.readInto(ck, shared);
            }
            WeightTransform prune = DynamicPruning.uniform(r);
            p = NetworkParameters.flat(shared);
            for (int l = 0; l < shared.spec().size(); l++)
                p.setWeights(shared.spec(), l, prune.apply(shared.spec().layer(l), p.weights(shared.spec(), l)));
            bank.put(r, p);
            if (bank.size() > keep) bank.remove(bank.keySet().iterator().next());
            sharedR = Double.NaN;
        }
        if (sharedR != r) {
            // Another point's parameters (or r's unpruned ones) are in the network: write r's.
            lastGenome = null;
            shared.clearWeightTransforms();
            NetworkParameters.write(shared, p);
            sharedR = r;
        }
        return shared;
    }

    public ImageSet images() { return images; }

    public Precision precision() { return precision; }
}
