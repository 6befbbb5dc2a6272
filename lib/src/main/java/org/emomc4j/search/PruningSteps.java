package org.emomc4j.search;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.util.Csv;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paper's Fig. 3 (from the authors' EDCompress): multi-step (gradual) against single-step
 * pruning of the same network to the same target, validation accuracy after every epoch. The
 * paper prunes VGG-16 to 95 % of its weights removed (remaining fraction 0.05) in two arms of 32
 * epochs: multi-step raises the pruned fraction over the 32 steps, one fine-tuning epoch per step;
 * single-step removes 95 % at once and fine-tunes 32 epochs. It motivates stage 1.
 *
 * <p>Both arms use stage 1's rule: the reference's dynamic magnitude pruning, the multi-step arm at
 * step s (1..K) to target^(s/K) (stage 1's geometric schedule), the same data and the same
 * constant learning rate ({@link #fineTuning}), so every pruning step gets the same epoch of
 * recovery. Stage 1's cosine decay would give the multi-step arm's last steps a rate near zero:
 * measured at width 1/8 (10,000 training images, K = 8), multi-step then ended at 26.0 % and
 * single-step at 39.4 % validation accuracy, a comparison of learning rates rather than of pruning
 * schedules. Epoch 0 is the network before any fine-tuning: the base network for multi-step, the
 * base pruned to the target for single-step.
 *
 * <p>Resumable per epoch (each arm keeps a checkpoint and its rows); the directory's resume key
 * holds the target, K, the fine-tuning, the base network's SHA-256 and the data.
 */
public final class PruningSteps {

    public static final String CSV = "fig3-pruning-steps.csv";
    public static final String MULTI = "multi-step", SINGLE = "single-step";
    /** The paper's target: 95 % of the weights removed. */
    public static final double PAPER_REMAINING = 0.05;
    static final String[] HEADER = {"arm", "epoch", "remaining", "val_accuracy"};

    /** One measurement: an arm's network after {@code epoch} fine-tuning epochs, pruned to {@code remaining}. */
    public record Epoch(String arm, int epoch, double remaining, double valAccuracy) { }

    private PruningSteps() { }

    /**
     * The arms' fine-tuning: SGD with the reference's momentum and weight decay at a constant
     * learning rate {@code lr} for K = {@code epochs} epochs.
     */
    public static TrainConfig fineTuning(int epochs, int batch, double lr, long seed) {
        return new TrainConfig(epochs, batch, lr, 0.9, 5e-4, org.emomc4j.nn.Schedule.STEP, 1_000_000, seed);
    }

    /** The remaining fraction of an arm at a step s of K (s = 0: before fine-tuning). */
    public static double remaining(String arm, int step, int steps, double target) {
        if (arm.equals(SINGLE)) return target;
        return Math.pow(target, (double) step / steps);
    }

    /** What makes the run the same run. */
    public static ResumeKey resumeKey(double target, TrainConfig fineTune, Path base, ImageSet train, ImageSet val) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target_remaining", target);
        m.put("steps", fineTune.epochs());
        FineTuning.putRun(m, fineTune, "base_sha256", base, train, val, null);
        return ResumeKey.of("fig3", m);
    }

    /**
     * Runs (or resumes, or reads) both arms in {@code dir}.
     *
     * @param target   remaining fraction both arms end at (the paper: {@link #PAPER_REMAINING})
     * @param fineTune fine-tuning settings; its epoch count is K, the epochs of each arm
     * @return the rows of both arms, multi-step first, epochs 0..K
     */
    public static List<Epoch> run(double target, TrainConfig fineTune, Path base, ImageSet train, ImageSet val, Path dir,
                                  Consumer<String> log) throws IOException {
        if (!(target > 0 && target <= 1)) throw new UserError("the target remaining fraction must be in (0, 1], got " + target);
        if (!Files.isRegularFile(base)) throw new UserError("base checkpoint " + base + " does not exist");
        int k = fineTune.epochs();
        if (k < 1) throw new UserError("Fig. 3 needs at least one epoch per arm, got " + k);
        List<Epoch> out = new ArrayList<>();
        try (RunDirectory claim = RunDirectory.claim(dir, resumeKey(target, fineTune, base, train, val), true)) {
            for (String arm : List.of(MULTI, SINGLE)) {
                Path rows = dir.resolve(arm + ".csv");
                Path done = dir.resolve(arm + ".ckpt");
                if (!Files.exists(done)) {
                    Model model = Model.load(base);
                    Stage1.applyDynamicPruning(model, remaining(arm, 0, k, target));
                    double a0 = model.accuracy(val, 256);
                    List<String> first = List.of(Csv.line(arm, 0, remaining(arm, 0, k, target), a0));
                    FineTuning.run(model, fineTune, train, dir.resolve(arm + ".partial.ckpt"), rows, HEADER, first, new FineTuning.Epochs() {
                        @Override
                        public void before(int e) { Stage1.applyDynamicPruning(model, remaining(arm, e, k, target)); }

                        @Override
                        public Object[] after(int e) {
                            double a = model.accuracy(val, 256);
                            log.accept(String.format(Locale.ROOT, "Fig. 3 %s: epoch %d/%d, r = %.3f, val %.2f %%", arm, e, k,
                                    remaining(arm, e, k, target), 100 * a));
                            return new Object[]{arm, e, remaining(arm, e, k, target), a};
                        }
                    });
                    model.clearWeightTransforms();
                    model.save(done);
                    Files.deleteIfExists(dir.resolve(arm + ".partial.ckpt"));
                }
                for (String[] r : Csv.readRows(rows))
                    out.add(new Epoch(r[0], Integer.parseInt(r[1]), Double.parseDouble(r[2]), Double.parseDouble(r[3])));
            }
        }
        write(dir.resolve(CSV), out);
        return out;
    }

    /** Writes the figure's data. */
    public static void write(Path file, List<Epoch> rows) throws IOException {
        Csv.Builder csv = new Csv.Builder(HEADER);
        for (Epoch e : rows) csv.row(e.arm(), e.epoch(), e.remaining(), e.valAccuracy());
        csv.write(file);
    }

    /** Reads the figure's data. */
    public static List<Epoch> read(Path file) throws IOException {
        List<Epoch> out = new ArrayList<>();
        for (String[] r : Csv.readRows(file))
            out.add(new Epoch(r[0], Integer.parseInt(r[1]), Double.parseDouble(r[2]), Double.parseDouble(r[3])));
        return out;
    }

    /** Per arm, {epochs, accuracies}, for the chart. */
    public static Map<String, double[][]> curves(List<Epoch> rows) {
        Map<String, List<Epoch>> by = new LinkedHashMap<>();
        for (Epoch e : rows) by.computeIfAbsent(e.arm(), a -> new ArrayList<>()).add(e);
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (var e : by.entrySet()) {
            double[][] c = new double[2][e.getValue().size()];
            for (int i = 0; i < c[0].length; i++) {
                c[0][i] = e.getValue().get(i).epoch();
                c[1][i] = e.getValue().get(i).valAccuracy();
            }
            out.put(e.getKey(), c);
        }
        return out;
    }
}
