package org.emomc4j.search;

import org.emomc4j.util.UserError;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.data.ImageSet;
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

    @Override
    public synchronized double accuracy(Genome g) {
        Model m = model(g.remaining());
        WeightTransform t = transform(g);
        for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        try {
            return m.accuracy(images, batchSize, precision);
        } finally {
            m.clearWeightTransforms();
        }
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
