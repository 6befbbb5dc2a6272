package org.emomc4j.dl4j;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.ReferenceCompression;
import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.WeightTransform;
import org.emomc4j.search.AccuracyOracle;
import org.emomc4j.search.CheckpointAccuracy;
import org.emomc4j.search.Genome;

/**
 * Stage 2's accuracy on one imported network (no stage-1 fine-tuning): each genome's plan is
 * applied to the same trained weights (magnitude pruning at r, symmetric quantization at each
 * layer's bits, {@link ReferenceCompression#transform}) and top-1 accuracy is measured on a fixed
 * image set. Our engine scores when it runs the architecture (the weights stay untouched, the
 * plan is a forward transform); otherwise DL4J does, on a working copy whose weights are
 * rewritten from the original for every genome. Deterministic; not thread-safe.
 */
public final class ImportedAccuracy implements AccuracyOracle {

    /** Which framework scores the candidates. */
    public enum Backend { ENGINE, DL4J }

    private final Dl4jNetwork source, work;
    private final Model engine;
    private final ImageSet images;
    private final int batchSize;

    private ImportedAccuracy(Dl4jNetwork source, Model engine, ImageSet images, int batchSize) {
        this.source = source;
        this.engine = engine;
        this.work = engine == null ? source.copy() : null;
        this.images = images;
        this.batchSize = batchSize;
    }

    /** Scores through our engine when it runs the network, else through DL4J. */
    public static ImportedAccuracy of(Dl4jNetwork net, ImageSet images, int batchSize) {
        return net.architecture().engineRuns() ? new ImportedAccuracy(net, net.toModel(), images, batchSize)
                : new ImportedAccuracy(net, null, images, batchSize);
    }

    /** Scores through DL4J whatever the architecture (to compare the two backends). */
    public static ImportedAccuracy dl4j(Dl4jNetwork net, ImageSet images, int batchSize) {
        return new ImportedAccuracy(net, null, images, batchSize);
    }

    public Backend backend() { return engine != null ? Backend.ENGINE : Backend.DL4J; }

    /** Top-1 accuracy: the fraction of {@link #correctness} (so the two always agree). */
    @Override
    public double accuracy(Genome g) { return correctness(g).accuracy(); }

    /** Which images the network compressed by the genome's plan classifies correctly (for paired losses). */
    @Override
    public Correctness correctness(Genome g) { return correctness(CompressionPlan.of(g.remaining(), g.bits())); }

    /** The uncompressed imported network on the same images, the baseline of the paired losses. */
    @Override
    public Correctness uncompressedCorrectness() {
        return engine != null ? CheckpointAccuracy.correctness(engine, images, batchSize, Precision.FP32)
                : Correctness.of(source.predictions(images, batchSize), labels());
    }

    /** Top-1 accuracy of the network compressed by {@code plan}. */
    public double accuracy(CompressionPlan plan) { return correctness(plan).accuracy(); }

    /** Which images the network compressed by {@code plan} classifies correctly. */
    public Correctness correctness(CompressionPlan plan) {
        plan.requireLayers(source.spec());
        WeightTransform t = ReferenceCompression.transform(plan);
        if (engine != null) {
            for (int l = 0; l < engine.spec().size(); l++) engine.setWeightTransform(l, t);
            try {
                return CheckpointAccuracy.correctness(engine, images, batchSize, Precision.FP32);
            } finally {
                engine.clearWeightTransforms();
            }
        }
        work.apply(t, source);
        return Correctness.of(work.predictions(images, batchSize), labels());
    }

    /** Top-1 accuracy of the uncompressed network. */
    public double uncompressed() { return uncompressedCorrectness().accuracy(); }

    private int[] labels() {
        int[] y = new int[images.size()];
        for (int i = 0; i < y.length; i++) y[i] = images.label(i);
        return y;
    }

    public ImageSet images() { return images; }
}
