package org.emomc4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.nn.Schedule;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code emomc train}: trains a VGG from scratch on the training split (the reference recipe by
 * default), validating every epoch, writing {@code last.ckpt} and {@code train-log.csv} to the
 * run directory; {@code --resume} continues an interrupted run to the same weights.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a VGG on CIFAR-10 (checkpoint every epoch; --resume continues).")
public final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Option(names = "--model", defaultValue = "vgg16", description = "vgg11, vgg13, vgg16 or vgg19 (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--width", defaultValue = "1", description = "Width multiplier, e.g. 1, 1/2, 1/4 (default: ${DEFAULT-VALUE}).")
    String width;

    @Option(names = "--epochs", defaultValue = "300", description = "Total epochs (default: ${DEFAULT-VALUE}, the reference).")
    int epochs;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--schedule", defaultValue = "step", description = "step (halve every --step-epochs), cosine or onecycle (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--step-epochs", defaultValue = "30", description = "Halving period of the step schedule (default: ${DEFAULT-VALUE}).")
    int stepEpochs;

    @Option(names = "--lr", defaultValue = "0.05", description = "Base / peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initial weights, data order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train-images", defaultValue = "0", description = "Use a class-balanced sample of N training images (0 = all), for quick profiles.")
    int trainImages;

    @Option(names = "--val-images", defaultValue = "0", description = "Validate on the first N validation images (0 = all).")
    int valImages;

    @Option(names = "--eval-batch", defaultValue = "256", description = "Validation batch size (default: ${DEFAULT-VALUE}).")
    int evalBatch;

    @Option(names = "--precision", defaultValue = "fp32",
            description = "fp32 or bf16: bf16 convolutions (oneDNN) with fp32 master weights, optimizer and BatchNorm (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--label-smoothing", defaultValue = "0",
            description = "Label smoothing e of the training loss, in [0, 1) (default: ${DEFAULT-VALUE}, none; 0.1 is usual).")
    double labelSmoothing;

    @Option(names = "--cutout", defaultValue = "0",
            description = "Side in pixels of a cutout square per training image, after crop and flip (default: ${DEFAULT-VALUE}, none; 16 is usual).")
    int cutout;

    @Option(names = "--cutmix", defaultValue = "0", paramLabel = "P",
            description = "Probability that a training batch is mixed by CutMix (each image gets a box from another, the target "
                    + "mixed by area), in [0, 1] (default: ${DEFAULT-VALUE}, none; 0.5 is usual).")
    double cutmix;

    @Option(names = "--swa", defaultValue = "0", paramLabel = "N",
            description = "Stochastic weight averaging: the result (swa.ckpt beside last.ckpt) averages the weights after each of the "
                    + "last N epochs, with BatchNorm statistics recomputed on the training images; usually a warm restart "
                    + "(--init) at a constant rate, e.g. --schedule step --step-epochs 1000 --lr 0.01; with N equal to --epochs, "
                    + "--resume may add epochs to the average (default: ${DEFAULT-VALUE}, none).")
    int swa;

    @Option(names = "--out", required = true, description = "Run directory (checkpoint, training log).")
    Path out;

    @Option(names = "--init", paramLabel = "CKPT",
            description = "Start from this checkpoint's weights and BatchNorm statistics instead of random ones, with a fresh "
                    + "optimizer and schedule: a warm restart (e.g. a second one-cycle from a trained baseline). Its SHA-256 "
                    + "enters the run key.")
    Path init;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--no-progress", description = "No progress bar (one line per epoch only).")
    boolean noProgress;

    @Override
    public Integer call() {
        NetworkSpec spec = NetworkSpec.vgg(model, NetworkSpec.parseWidth(width));
        TrainConfig cfg = new TrainConfig(epochs, batch, lr, momentum, weightDecay, Schedule.parse(schedule), stepEpochs, seed,
                org.emomc4j.nn.Precision.parse(precision)).withLabelSmoothing(labelSmoothing).withCutout(cutout)
                .withSwaEpochs(swa).withCutmix(cutmix);
        Splits s = data.load();
        ImageSet train = trainImages > 0 ? s.train().balancedSample(trainImages, seed) : s.train();
        ImageSet val = valImages > 0 ? s.val().head(valImages) : s.val();
        Model m = init == null ? Model.create(spec, seed) : initialWeights(init, spec);
        Trainer t = new Trainer(m, cfg).evalBatch(evalBatch);
        if (init != null) t.initializedFrom(init);
        System.out.printf(Locale.ROOT, "train %s (%,d weights) on %,d images, validate on %,d; %s -> %s%n",
                spec.id(), spec.weightCount(), train.size(), val.size(), cfg, out);
        if (resume) System.out.println("resuming from " + out.resolve(Trainer.CHECKPOINT));
        Listener l = new Listener(noProgress, cfg.epochs());
        try {
            t.fit(train, val, out, resume, l);
        } finally {
            l.close();
        }
        System.out.println("done: " + t.completedEpochs() + " epochs; checkpoint " + out.resolve(Trainer.CHECKPOINT));
        if (swa > 0) {
            Model.Evaluation v = t.swaValidation();
            System.out.printf(Locale.ROOT, "SWA over the last %d epochs: %s%s%n", swa, out.resolve(Trainer.SWA),
                    v == null ? "" : String.format(Locale.ROOT, ", val loss %.4f acc %.2f%%", v.loss(), 100 * v.accuracy()));
        }
        return 0;
    }

    /** The network of {@code --init}, which must be the one --model and --width describe. */
    static Model initialWeights(Path ckpt, NetworkSpec spec) {
        if (!java.nio.file.Files.isRegularFile(ckpt))
            throw new org.emomc4j.util.UserError("--init " + ckpt + " is not a file (a checkpoint such as RUN/last.ckpt)");
        Model m = Model.load(ckpt);
        if (!m.spec().id().equals(spec.id()))
            throw new org.emomc4j.util.UserError("--init " + ckpt + " holds a " + m.spec().id() + ", but --model/--width ask for a "
                    + spec.id() + ": give the matching --model and --width");
        return m;
    }

    /** Progress bar per epoch (batch, img/s, loss, ETA) and one summary line per epoch. */
    static final class Listener implements Trainer.Listener {
        private final boolean quiet;
        private ProgressBar bar;
        private int barEpoch = -1;
        private double emaLoss = Double.NaN;
        private final int epochs;
        private double seconds;   // of the epochs this process has run (a resumed run's earlier ones ran elsewhere, maybe slower)
        private int ran;

        Listener(boolean quiet, int epochs) {
            this.quiet = quiet;
            this.epochs = epochs;
        }

        @Override
        public void batch(Trainer.BatchProgress p) {
            emaLoss = Double.isNaN(emaLoss) || p.batch() == 1 ? p.loss() : 0.95 * emaLoss + 0.05 * p.loss();
            if (quiet) return;
            if (bar == null || barEpoch != p.epoch()) {
                close();
                bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", p.epoch(), p.epochs()))
                        .setInitialMax(p.batches()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .setMaxRenderedLength(140).build();
                barEpoch = p.epoch();
            }
            bar.stepTo(p.batch());
            bar.setExtraMessage(String.format(Locale.ROOT, "%.0f img/s loss %.3f lr %.3g", p.imagesPerSecond(), emaLoss, p.lr()));
        }

        @Override
        public void epoch(Trainer.EpochResult r) {
            close();
            seconds += r.seconds();
            ran++;
            System.out.println(epochLine(r, epochs, seconds / ran));
            System.out.flush();
        }

        /** One finished epoch's line, with the time left at {@code meanSeconds} per remaining epoch. */
        static String epochLine(Trainer.EpochResult r, int epochs, double meanSeconds) {
            return String.format(Locale.ROOT, "epoch %d/%d: lr %.4g train loss %.4f acc %.2f%% | val loss %.4f acc %.2f%% | %s, %.0f img/s%s",
                    r.epoch(), epochs, r.lr(), r.trainLoss(), 100 * r.trainAccuracy(), r.valLoss(), 100 * r.valAccuracy(),
                    fmt(Duration.ofMillis((long) (r.seconds() * 1000))), r.imagesPerSecond(),
                    r.epoch() >= epochs ? "" : ", ETA " + org.emomc4j.search.Reproduce.eta((epochs - r.epoch()) * meanSeconds));
        }

        void close() {
            if (bar != null) { bar.close(); bar = null; }
        }

        private static String fmt(Duration d) {
            return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
        }
    }
}
