package org.emomc4j.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.emomc4j.util.AtomicFiles;
import org.emomc4j.util.Csv;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link Model} with SGD + momentum + weight decay under a learning-rate schedule: the
 * reference's recipe, also used for the pruning fine-tuning steps. Masks and weight transforms
 * set on the model are honoured (pruned weights stay zero; transforms get straight-through
 * gradients).
 *
 * <p>Determinism: the data order and augmentation are pure functions of (seed, epoch, batch)
 * ({@link BatchLoader}) and the engine has no dropout, so a run resumed from an epoch
 * checkpoint reaches the same weights as an uninterrupted one (same machine, same thread count).
 */
public final class Trainer {

    /** Checkpoint file name inside a run directory. */
    public static final String CHECKPOINT = "last.ckpt";
    /** Training-log file name inside a run directory. */
    public static final String LOG = "train-log.csv";
    static final String LOG_HEADER = "epoch,lr,train_loss,train_acc,val_loss,val_acc,seconds,img_per_s";
    /** SWA's running average of the weights (a weights-only checkpoint; its epoch is the last epoch averaged). */
    public static final String SWA_AVERAGE = "swa-average.ckpt";
    /** SWA's result: the averaged weights with BatchNorm statistics recomputed for them. */
    public static final String SWA = "swa.ckpt";
    /** SWA's figures: epochs averaged and the averaged network's validation accuracy and loss. */
    public static final String SWA_JSON = "swa.json";
    /** A warm restart's starting checkpoint: its path when the run started and its SHA-256 ({@link #lineage}). */
    public static final String INIT_JSON = "init.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress after one step. */
    public record BatchProgress(int epoch, int epochs, int batch, int batches, double loss, double imagesPerSecond, double lr) { }

    /** Figures of one finished epoch (epoch is 1-based; val figures NaN when no validation set). */
    public record EpochResult(int epoch, double lr, double trainLoss, double trainAccuracy, double valLoss,
                              double valAccuracy, double seconds, double imagesPerSecond) {
        String csv() {
            return Csv.line(epoch, String.format(Locale.ROOT, "%.6g", lr), String.format(Locale.ROOT, "%.6f", trainLoss),
                    String.format(Locale.ROOT, "%.6f", trainAccuracy), String.format(Locale.ROOT, "%.6f", valLoss),
                    String.format(Locale.ROOT, "%.6f", valAccuracy), String.format(Locale.ROOT, "%.2f", seconds),
                    String.format(Locale.ROOT, "%.1f", imagesPerSecond));
        }
    }

    /** Callback for progress bars and logs; both methods are optional. */
    public interface Listener {
        default void batch(BatchProgress p) { }

        default void epoch(EpochResult r) { }
    }

    private final Model model;
    private final TrainConfig config;
    private final Sgd sgd;
    private int completed;
    private int evalBatch = 256;
    /** The checkpoint the weights started from ("sha256 ..."), or null for random initial weights. */
    private String init;
    private Path initPath;
    /** SWA: the mean of the weights after epochs swaStart()+1 .. averagedThrough (null before the first). */
    private float[] average;
    private int averagedThrough;
    private Model.Evaluation swaValidation;

    public Trainer(Model model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.sgd = new Sgd(model, config.momentum(), config.weightDecay());
        model.setTrainingPrecision(config.precision());
        model.setLabelSmoothing(config.labelSmoothing());
    }

    public Model model() { return model; }

    public TrainConfig config() { return config; }

    /** Epochs finished so far (including those restored from a checkpoint). */
    public int completedEpochs() { return completed; }

    /** Batch size of the per-epoch validation pass (default 256). */
    public Trainer evalBatch(int b) { this.evalBatch = b; return this; }

    /**
     * Records that the model's weights were loaded from {@code checkpoint} rather than drawn at
     * random (a warm restart: a new schedule and optimizer from a trained network). Its SHA-256
     * enters the resume key, so the run resumes only with the same starting point.
     */
    public Trainer initializedFrom(Path checkpoint) {
        this.init = "sha256 " + org.emomc4j.util.Hashes.sha256(checkpoint);
        this.initPath = checkpoint.toAbsolutePath().normalize();
        return this;
    }

    /**
     * Trains epoch {@link #completedEpochs()} on {@code train}, then evaluates on {@code val}
     * (may be null or empty).
     */
    public EpochResult trainEpoch(ImageSet train, ImageSet val, Listener listener) {
        int epoch = completed;
        BatchLoader loader = new BatchLoader(train, config.batchSize(), true, config.seed(), config.cutout());
        int batches = loader.batchesPerEpoch();
        float[] f = new float[config.batchSize() * ImageSet.PIXELS];
        int[] labels = new int[config.batchSize()];
        double lossSum = 0, lr = config.lrAt(epoch, 0);
        long correct = 0, seen = 0;
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            int n = loader.fill(epoch, b, f, labels);
            org.emomc4j.data.CutMix.Mix mix = config.cutmix() > 0
                    ? org.emomc4j.data.CutMix.apply(f, labels, n, config.cutmix(), config.seed(), epoch, b) : null;
            INDArray x = model.input(f, n);
            double[] lc = mix == null ? model.forwardBackward(x, labels) : model.forwardBackward(x, labels, mix.partnerLabels(), mix.lambda());
            lr = config.lrAt(epoch, (double) b / batches);
            sgd.step(lr);
            lossSum += lc[0] * n;
            correct += (long) lc[1];
            seen += n;
            if (!Double.isFinite(lc[0]))
                throw new IllegalStateException("training diverged at epoch " + (epoch + 1) + " batch " + b
                        + " (loss " + lc[0] + "); lower the learning rate");
            if (listener != null)
                listener.batch(new BatchProgress(epoch + 1, config.epochs(), b + 1, batches, lc[0],
                        seen / ((System.nanoTime() - t0) / 1e9), lr));
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double vl = Double.NaN, va = Double.NaN;
        if (val != null && val.size() > 0) {
            // A bf16 run validates in bf16 too: the per-epoch figure only monitors the run (it never steers it), and at
            // width 1 fp32 validation took 16 s of a 177-s epoch where bf16 takes about 3 (within 0.2 points of fp32,
            // issue 10's bound). Final accuracies (eval, reproduce, stage 1's points) stay fp32.
            Model.Evaluation e = model.evaluate(val, evalBatch, config.precision() == Precision.BF16 ? Precision.BF16 : Precision.FP32);
            vl = e.loss();
            va = e.accuracy();
        }
        completed = epoch + 1;
        EpochResult r = new EpochResult(completed, lr, seen == 0 ? 0 : lossSum / seen, seen == 0 ? 0 : (double) correct / seen,
                vl, va, (System.nanoTime() - t0) / 1e9, seen / trainSeconds);
        if (listener != null) listener.epoch(r);
        return r;
    }

    /**
     * Runs the remaining epochs. With {@code outDir}, the run claims the directory
     * ({@link RunDirectory}: locked, with the run's resume key) and after every epoch writes
     * {@value #LOG} and then {@value #CHECKPOINT}, each atomically; a resumed run keeps only the
     * log rows its checkpoint covers, so log and checkpoint always agree. With {@code resume}, it
     * first restores the run from its checkpoint (which must come from the same configuration).
     * Without it, a directory that holds a run is refused: nothing is overwritten.
     *
     * @return the results of the epochs run by this call
     */
    public List<EpochResult> fit(ImageSet train, ImageSet val, Path outDir, boolean resume, Listener listener) {
        if (outDir == null) {
            if (resume) throw new UserError("resume needs a run directory");
            List<EpochResult> out = new ArrayList<>();
            while (completed < config.epochs()) {
                out.add(trainEpoch(train, val, listener));
                if (averaging()) foldIntoAverage();
            }
            if (config.swaEpochs() > 0) finishAveraging(train, val, null);
            return out;
        }
        Path log = outDir.resolve(LOG), ck = outDir.resolve(CHECKPOINT);
        if (resume && !Files.exists(ck) && RunDirectory.storedKey(outDir) == null)
            throw new UserError("nothing to resume in " + outDir + ": " + ck + " does not exist (start without --resume)");
        try (RunDirectory run = RunDirectory.claim(outDir, resumeKey(train, val), resume)) {
            if (initPath != null) {
                // Where the weights came from, for the lineage of a network trained in several runs (the key holds only the hash).
                Map<String, String> j = new LinkedHashMap<>();
                j.put("checkpoint", initPath.toString());
                j.put("sha256", init.substring("sha256 ".length()));
                AtomicFiles.writeString(outDir.resolve(INIT_JSON), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n");
            }
            List<String> rows = new ArrayList<>();
            if (Files.exists(ck)) {
                restore(ck);
                rows = logRows(log, completed);
                if (config.swaEpochs() > 0) restoreAverage(outDir.resolve(SWA_AVERAGE));
            }
            List<EpochResult> out = new ArrayList<>();
            while (completed < config.epochs()) {
                EpochResult r = trainEpoch(train, val, listener);
                out.add(r);
                rows.add(r.csv());
                // The log first: a run killed between the two files resumes from the older
                // checkpoint and drops the log row it does not cover.
                AtomicFiles.writeString(log, LOG_HEADER + "\n" + String.join("\n", rows) + "\n");
                save(ck);
                // The average after the checkpoint: a run killed between the two finds the average one epoch
                // behind and folds in the checkpoint's weights, which are that epoch's (restoreAverage).
                if (averaging()) {
                    foldIntoAverage();
                    writeAverage(outDir.resolve(SWA_AVERAGE));
                }
            }
            if (rows.isEmpty()) AtomicFiles.writeString(log, LOG_HEADER + "\n");
            if (config.swaEpochs() > 0 && completed == config.epochs()) finishAveraging(train, val, outDir);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The training runs a network comes from, newest first: {@code runDir}, then the run directory
     * of the checkpoint its {@value #INIT_JSON} names, and so on, while that checkpoint still
     * exists with the recorded SHA-256 (a checkpoint replaced since is not followed). Used to sum
     * the training time of a baseline made in several runs (warm restarts, SWA).
     */
    public static List<Path> lineage(Path runDir) {
        List<Path> out = new ArrayList<>();
        Path dir = runDir.toAbsolutePath().normalize();
        while (dir != null && !out.contains(dir)) {
            out.add(dir);
            Path f = dir.resolve(INIT_JSON);
            if (!Files.isRegularFile(f)) break;
            try {
                var j = JSON.readTree(f.toFile());
                Path ck = Path.of(j.path("checkpoint").asText(""));
                if (!Files.isRegularFile(ck) || !org.emomc4j.util.Hashes.sha256(ck).equals(j.path("sha256").asText()))
                    break;
                dir = ck.toAbsolutePath().normalize().getParent();
            } catch (IOException | RuntimeException e) {
                break;   // an unreadable record ends the lineage; the runs found so far stand
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- stochastic weight averaging

    /** The epochs before SWA's averaging starts. */
    private int swaStart() { return config.epochs() - config.swaEpochs(); }

    /** Whether the epoch just finished is one SWA averages. */
    private boolean averaging() { return config.swaEpochs() > 0 && completed > swaStart(); }

    /** Folds the current weights into the running mean (the k-th epoch averaged weighs 1/k). */
    private void foldIntoAverage() {
        float[] w = model.paramsArray();
        int k = completed - swaStart();
        if (k == 1) average = w;
        else if (average == null) throw new IllegalStateException("no SWA average to fold epoch " + completed + " into");
        else for (int i = 0; i < w.length; i++) average[i] += (w[i] - average[i]) / k;
        averagedThrough = completed;
    }

    private void writeAverage(Path file) {
        Model holder = Model.create(model.spec(), 0);
        holder.setParamsArray(average);
        Checkpoint.write(file, holder, null, averagedThrough, configJson());
    }

    /** Brings back the running mean of a resumed run (see the order of writes in {@link #fit}). */
    private void restoreAverage(Path file) {
        average = null;
        averagedThrough = swaStart();
        if (completed <= swaStart()) return;
        if (Files.exists(file)) {
            Checkpoint.Loaded l = Checkpoint.read(file);
            TrainConfig saved = savedConfig(l, "SWA average " + file);
            if (!saved.sameRunAs(config) || !l.model().spec().id().equals(model.spec().id()))
                throw new UserError("SWA average " + file + " is from another run (" + saved + "); move it away and restart the run");
            average = l.model().paramsArray();
            averagedThrough = l.epoch();
        }
        if (averagedThrough == completed) return;
        if (averagedThrough == completed - 1) {
            foldIntoAverage();
            writeAverage(file);
            return;
        }
        throw new UserError("SWA average " + file + (average == null ? " is missing" : " covers epochs to " + averagedThrough)
                + " but the checkpoint is at epoch " + completed + ": the average cannot be rebuilt; restart the run in a new directory");
    }

    /**
     * SWA's end: the model takes the averaged weights and BatchNorm statistics recomputed for them on
     * one more epoch of training batches; with a run directory, written to {@value #SWA} and
     * {@value #SWA_JSON} (a finished run resumed again reloads them; one extended since, see
     * {@link TrainConfig#extendable}, averages again).
     */
    private void finishAveraging(ImageSet train, ImageSet val, Path outDir) {
        Path done = outDir == null ? null : outDir.resolve(SWA);
        boolean reuse = done != null && Files.exists(done) && Checkpoint.read(done).epoch() == completed;
        if (reuse) {
            Checkpoint.readInto(done, model);
        } else {
            if (average == null) throw new IllegalStateException("SWA finished without an average");
            model.setParamsArray(average);
            // The training epoch's batches (augmentation included, see Model.recalibrateBatchNorm), of an epoch past the run.
            model.recalibrateBatchNorm(new BatchLoader(train, config.batchSize(), true, config.seed(), config.cutout()), config.epochs());
        }
        swaValidation = val == null || val.size() == 0 ? null : model.evaluate(val, evalBatch);
        if (done == null || reuse) return;
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("epochs_averaged", config.swaEpochs());
        j.put("first_epoch", swaStart() + 1);
        j.put("bn_images", train.size());
        if (swaValidation != null) {
            j.put("val_accuracy", swaValidation.accuracy());
            j.put("val_loss", swaValidation.loss());
        }
        try {
            AtomicFiles.writeString(outDir.resolve(SWA_JSON), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Checkpoint.write(done, model, null, completed, configJson());
    }

    /** After a finished SWA run: the averaged network's validation figures (null without SWA or validation set). */
    public Model.Evaluation swaValidation() { return swaValidation; }

    /**
     * What makes a training run the same run: the network, the configuration (the epoch count
     * only when the run depends on it: a step schedule without SWA, or with SWA over every epoch,
     * may be extended, {@link TrainConfig#extendable}) and the data.
     */
    public ResumeKey resumeKey(ImageSet train, ImageSet val) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.spec().id());
        if (!config.extendable()) m.put("epochs", config.epochs());
        m.put("batch", config.batchSize());
        m.put("lr", config.lr());
        m.put("momentum", config.momentum());
        m.put("weight_decay", config.weightDecay());
        m.put("schedule", config.schedule());
        m.put("step_epochs", config.stepEpochs());
        m.put("seed", config.seed());
        // Only a non-default precision enters the key, so fp32 runs made before bf16 existed still resume.
        if (config.precision() != Precision.FP32) m.put("precision", config.precision());
        if (config.labelSmoothing() != 0) m.put("label_smoothing", config.labelSmoothing());
        if (config.cutout() != 0) m.put("cutout", config.cutout());
        if (config.swaEpochs() != 0) m.put("swa_epochs", config.swaFromStart() ? "every epoch" : config.swaEpochs());
        if (config.cutmix() != 0) m.put("cutmix", config.cutmix());
        if (init != null) m.put("init", init);
        m.put("train_images", train.size() + " sha256 " + train.fingerprint());
        m.put("val_images", val == null ? "none" : val.size() + " sha256 " + val.fingerprint());
        return ResumeKey.of("train", m);
    }

    /** Writes a checkpoint of the model, optimizer state, completed epochs and configuration. */
    public void save(Path file) {
        Checkpoint.write(file, model, sgd.velocityArray(), completed, configJson());
    }

    /** Restores model, optimizer state and epoch count from a checkpoint of this run. */
    public void restore(Path file) {
        // Check the configuration before touching the model, so a mismatch leaves it untouched.
        Model probe = Model.create(model.spec(), 0);
        Checkpoint.Loaded l = Checkpoint.readInto(file, probe);
        TrainConfig saved = savedConfig(l, "checkpoint " + file);
        if (!saved.sameRunAs(config))
            throw new UserError("checkpoint " + file + " is from another run configuration: " + saved
                    + " vs " + config);
        if (l.velocity() == null) throw new UserError("checkpoint " + file + " holds no optimizer state");
        Checkpoint.readInto(file, model);
        sgd.setVelocityArray(l.velocity());
        completed = l.epoch();
    }

    /** The run configuration a checkpoint was written with ({@code what} names the file in the error). */
    private static TrainConfig savedConfig(Checkpoint.Loaded l, String what) {
        try {
            return JSON.readValue(l.config(), TrainConfig.class);
        } catch (IOException e) {
            throw new UserError(what + " has no readable run configuration");
        }
    }

    private String configJson() {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The log's rows of the first {@code epochs} epochs. */
    private static List<String> logRows(Path log, int epochs) throws IOException {
        List<String> keep = new ArrayList<>();
        if (!Files.exists(log)) return keep;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("epoch")) continue;
            int e = Integer.parseInt(line.substring(0, line.indexOf(',')));
            if (e <= epochs) keep.add(line);
        }
        return keep;
    }
}
