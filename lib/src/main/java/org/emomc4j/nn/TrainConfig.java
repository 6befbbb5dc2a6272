package org.emomc4j.nn;

import org.emomc4j.util.UserError;

/**
 * Hyper-parameters of one training run; saved in every checkpoint so a resumed run can check
 * it continues the same run.
 *
 * @param epochs      total epochs
 * @param batchSize   images per step (reference 256)
 * @param lr          base / peak learning rate (reference 0.05)
 * @param momentum    SGD momentum (reference 0.9)
 * @param weightDecay L2 weight decay (reference 5e-4)
 * @param schedule    learning-rate schedule
 * @param stepEpochs  halving period of {@link Schedule#STEP} (reference 30)
 * @param seed        seed of the data order and augmentation (and of the initial weights in the CLI)
 * @param precision   arithmetic of the training steps (fp32 or bf16, see {@link Model#setTrainingPrecision});
 *                    checkpoints without it are fp32 runs
 * @param labelSmoothing label smoothing e of the training loss, in [0, 1) (0 = plain cross-entropy;
 *                    checkpoints without it are runs without smoothing)
 * @param cutout      side in pixels of the square cutout (DeVries and Taylor 2017) applied to each
 *                    training image after crop and flip (0 = none; checkpoints without it had none)
 * @param swaEpochs   stochastic weight averaging (Izmailov et al. 2018): the run's result is the
 *                    average of the weights after each of its last N epochs, with BatchNorm
 *                    statistics recomputed for it ({@link Trainer}); 0 = none (checkpoints without it had none)
 * @param cutmix      probability that a training batch is mixed by CutMix ({@link org.emomc4j.data.CutMix}:
 *                    boxes from other images of the batch, targets mixed by area); 0 = never (checkpoints
 *                    without it had none)
 */
public record TrainConfig(int epochs, int batchSize, double lr, double momentum, double weightDecay,
                          Schedule schedule, int stepEpochs, long seed, Precision precision,
                          double labelSmoothing, int cutout, int swaEpochs, double cutmix) {

    /** A run without label smoothing or cutout (the reference's recipe). */
    public TrainConfig(int epochs, int batchSize, double lr, double momentum, double weightDecay,
                       Schedule schedule, int stepEpochs, long seed, Precision precision) {
        this(epochs, batchSize, lr, momentum, weightDecay, schedule, stepEpochs, seed, precision, 0, 0, 0, 0);
    }

    /** A run without weight averaging. */
    public TrainConfig(int epochs, int batchSize, double lr, double momentum, double weightDecay,
                       Schedule schedule, int stepEpochs, long seed, Precision precision,
                       double labelSmoothing, int cutout) {
        this(epochs, batchSize, lr, momentum, weightDecay, schedule, stepEpochs, seed, precision, labelSmoothing, cutout, 0, 0);
    }

    /** An fp32 run. */
    public TrainConfig(int epochs, int batchSize, double lr, double momentum, double weightDecay,
                       Schedule schedule, int stepEpochs, long seed) {
        this(epochs, batchSize, lr, momentum, weightDecay, schedule, stepEpochs, seed, Precision.FP32);
    }

    public TrainConfig {
        if (precision == null) precision = Precision.FP32;
        if (precision == Precision.INT8) throw new UserError("training runs in fp32 or bf16, not int8");
        if (epochs < 0) throw new UserError("epochs must be >= 0, got " + epochs);
        if (batchSize < 1) throw new UserError("batch size must be >= 1, got " + batchSize);
        if (!(lr > 0)) throw new UserError("learning rate must be > 0, got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw new UserError("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0)) throw new UserError("weight decay must be >= 0, got " + weightDecay);
        if (schedule == null) throw new UserError("schedule is required");
        if (stepEpochs < 1) throw new UserError("step epochs must be >= 1, got " + stepEpochs);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new UserError("label smoothing must be in [0, 1), got " + labelSmoothing + " (0.1 is usual)");
        if (cutout < 0 || cutout > org.emomc4j.data.ImageSet.SIDE)
            throw new UserError("cutout must be 0 (none) to " + org.emomc4j.data.ImageSet.SIDE + " pixels, got " + cutout
                    + " (16 is usual for CIFAR-10)");
        if (swaEpochs < 0 || swaEpochs > epochs)
            throw new UserError("SWA epochs must be 0 (none) to the run's " + epochs + " epochs, got " + swaEpochs
                    + " (weights are averaged over the last N epochs, usually at a constant learning rate)");
        if (!(cutmix >= 0 && cutmix <= 1))
            throw new UserError("CutMix probability must be in [0, 1], got " + cutmix + " (0.5 is usual for CIFAR-10)");
    }

    /** The reference recipe: lr 0.05, momentum 0.9, weight decay 5e-4, batch 256, halve every 30 epochs. */
    public static TrainConfig reference(int epochs) {
        return new TrainConfig(epochs, 256, 0.05, 0.9, 5e-4, Schedule.STEP, 30, 1);
    }

    public TrainConfig withEpochs(int e) { return toBuilder().epochs(e).build(); }

    public TrainConfig withSchedule(Schedule s) { return toBuilder().schedule(s).build(); }

    public TrainConfig withBatchSize(int b) { return toBuilder().batchSize(b).build(); }

    public TrainConfig withLr(double r) { return toBuilder().lr(r).build(); }

    public TrainConfig withSeed(long s) { return toBuilder().seed(s).build(); }

    public TrainConfig withPrecision(Precision p) { return toBuilder().precision(p).build(); }

    public TrainConfig withLabelSmoothing(double e) { return toBuilder().labelSmoothing(e).build(); }

    public TrainConfig withCutout(int side) { return toBuilder().cutout(side).build(); }

    public TrainConfig withSwaEpochs(int n) { return toBuilder().swaEpochs(n).build(); }

    public TrainConfig withCutmix(double p) { return toBuilder().cutmix(p).build(); }

    /** A builder starting from the reference recipe ({@link #reference}) of {@code epochs} epochs. */
    public static Builder builder(int epochs) { return reference(epochs).toBuilder(); }

    /** A builder holding this configuration, to change some fields by name. */
    public Builder toBuilder() { return new Builder(this); }

    /** Builds a {@link TrainConfig} field by field; {@link #build} checks the values. */
    public static final class Builder {
        private int epochs, batchSize, stepEpochs, cutout, swaEpochs;
        private double lr, momentum, weightDecay, labelSmoothing, cutmix;
        private Schedule schedule;
        private long seed;
        private Precision precision;

        private Builder(TrainConfig c) {
            epochs = c.epochs; batchSize = c.batchSize; lr = c.lr; momentum = c.momentum; weightDecay = c.weightDecay;
            schedule = c.schedule; stepEpochs = c.stepEpochs; seed = c.seed; precision = c.precision;
            labelSmoothing = c.labelSmoothing; cutout = c.cutout; swaEpochs = c.swaEpochs; cutmix = c.cutmix;
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder stepEpochs(int v) { stepEpochs = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        public Builder cutout(int v) { cutout = v; return this; }
        public Builder swaEpochs(int v) { swaEpochs = v; return this; }
        public Builder cutmix(double v) { cutmix = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(epochs, batchSize, lr, momentum, weightDecay, schedule, stepEpochs, seed, precision,
                    labelSmoothing, cutout, swaEpochs, cutmix);
        }
    }

    /** SWA over every epoch of the run: the average starts with the first epoch, wherever the run ends. */
    boolean swaFromStart() { return swaEpochs > 0 && swaEpochs == epochs; }

    /**
     * Whether the run may be resumed with more epochs: a STEP schedule (its rate does not depend
     * on the run's length) without SWA, or with SWA over every epoch (the added epochs join the
     * average, as in a run that had the longer length from the start; a window of the last N
     * epochs would move instead).
     */
    boolean extendable() { return schedule == Schedule.STEP && (swaEpochs == 0 || swaFromStart()); }

    /** Learning rate at a position of this run. */
    public double lrAt(int epoch, double fraction) {
        return schedule.lr(lr, epoch, fraction, epochs, stepEpochs);
    }

    /**
     * Whether a resumed run continues this one: everything must match, except the length of an
     * {@link #extendable} run (with SWA over every epoch on both sides; the other schedules, and
     * SWA's window of the last N epochs, depend on the total epoch count).
     */
    boolean sameRunAs(TrainConfig o) {
        boolean length = extendable() && o.extendable() && swaFromStart() == o.swaFromStart()
                || epochs == o.epochs && swaEpochs == o.swaEpochs;
        return length && batchSize == o.batchSize && lr == o.lr && momentum == o.momentum && weightDecay == o.weightDecay
                && schedule == o.schedule && stepEpochs == o.stepEpochs && seed == o.seed && precision == o.precision
                && labelSmoothing == o.labelSmoothing && cutout == o.cutout && cutmix == o.cutmix;
    }
}
