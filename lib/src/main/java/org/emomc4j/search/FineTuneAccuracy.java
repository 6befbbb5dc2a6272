package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.data.ImageSet;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import org.emomc4j.nn.WeightTransform;

import java.nio.file.Path;

/**
 * The one-stage (joint) ablation's accuracy: every candidate starts from the base network,
 * is pruned to its r and quantized to its bit-widths in the forward pass, fine-tuned briefly
 * with that transform (straight-through), and then measured. This is what the paper's
 * two-stage scheme avoids: the pruning fine-tuning is paid per candidate instead of once per
 * grid point. Deterministic: the fine-tuning seed is fixed.
 */
public final class FineTuneAccuracy implements AccuracyOracle {

    private final Path base;
    private final ImageSet train, eval;
    private final TrainConfig fineTune;
    private final int evalBatch;

    /**
     * @param train    images of the short fine-tuning (e.g. a slice of a few thousand)
     * @param fineTune optimiser settings; its epoch count is the fine-tuning length
     */
    public FineTuneAccuracy(Path base, ImageSet train, ImageSet eval, TrainConfig fineTune, int evalBatch) {
        if (!java.nio.file.Files.isRegularFile(base))
            throw new UserError("base checkpoint " + base + " does not exist");
        this.base = base;
        this.train = train;
        this.eval = eval;
        this.fineTune = fineTune;
        this.evalBatch = evalBatch;
    }

    /** Top-1 accuracy: the fraction of {@link #correctness} (so the two always agree). */
    @Override
    public double accuracy(Genome g) { return correctness(g).accuracy(); }

    /** Which evaluation images the candidate classifies correctly after its brief fine-tuning (fp32). */
    @Override
    public Correctness correctness(Genome g) {
        Model m = Model.load(base);
        try {
            WeightTransform t = CheckpointAccuracy.transform(g);
            for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
            Trainer trainer = new Trainer(m, fineTune);
            for (int e = 0; e < fineTune.epochs(); e++) trainer.trainEpoch(train, null, null);
            return CheckpointAccuracy.correctness(m, eval, evalBatch, Precision.FP32);
        } finally {
            m.releaseBuffers();
        }
    }

    /** The base network (not fine-tuned, uncompressed) on the same images, the baseline of the paired losses. */
    @Override
    public Correctness uncompressedCorrectness() {
        Model m = Model.load(base);
        try {
            return CheckpointAccuracy.correctness(m, eval, evalBatch, Precision.FP32);
        } finally {
            m.releaseBuffers();
        }
    }
}
