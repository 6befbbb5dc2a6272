package org.emomc4j.search;

import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import org.emomc4j.util.AtomicFiles;
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
import java.util.TreeMap;

/**
 * Stage 1 of EMOMC: one pruned checkpoint per remaining fraction r of a grid.
 *
 * <p>{@link Mode#INDEPENDENT} is the reference: every grid point starts from the base network
 * and is pruned over K one-epoch fine-tuning steps, at step s (1..K) to r^(s/K) (61 x 32 epochs
 * with the paper's grid). {@link Mode#CHAINED} makes one pass from the largest r down: the first
 * grid point as in the reference, every later one with a single epoch from its neighbour's
 * weights (about 61 + K epochs in all), or, with {@code parts} = M &gt; 1, with one epoch over a
 * 1/M part of the training images (M consecutive points see each image once: 60/M + K epochs in
 * all, M grid steps pruned per epoch of fine-tuning, as a chain over a grid M times coarser does;
 * measured at quick scale with M = 5, each point ends less accurate than that coarser chain's, see
 * {@code results/quick/stage1-parts5}). Pruning uses
 * the reference's dynamic rule (the smallest |w| are re-selected on every forward pass; the
 * checkpoint keeps dense weights).
 *
 * <p>Resumable at step granularity: every finished step leaves {@code rX.partial.ckpt} (model
 * and optimizer), every finished grid point {@code rX.ckpt} and a row in {@code stage1.csv}. The
 * directory's resume key ({@link #resumeKey}) holds the grid, steps, mode, fine-tuning settings,
 * the base checkpoint's SHA-256 and the data's, so finished points are reused only by the same
 * stage 1.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#stage-1}.
 */
public final class Stage1 {

    public enum Mode {
        INDEPENDENT, CHAINED;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError("unknown stage-1 mode '" + s + "': use independent or chained");
            }
        }
    }

    /**
     * Accuracy of one finished grid point.
     *
     * @param epochs its fine-tuning in epochs over the training images (1/M for a point trained on a 1/M part)
     */
    public record Point(double remaining, double valAccuracy, double epochs, double seconds) {

        /** The epochs as stage1.csv and the logs write them: 4, 1, 0.2. */
        public String epochsText() { return Stage1.epochsText(epochs); }
    }

    /**
     * A listener that logs one line per finished grid point with its accuracy, one per finished
     * step of a point trained over several epochs (the first point of a chain: K epochs, which
     * would otherwise be a long silence), each with the time left in the running pass: the time
     * per planned epoch so far x the planned epochs left ({@link Listener#started}), so the first
     * point's K epochs do not make every later one-epoch point look K times dearer. What the CLI,
     * the reproduction and the notebooks print, so a long stage 1 never runs silently.
     */
    public static Listener progress(java.util.function.Consumer<String> log) {
        return progress(log, System::nanoTime);
    }

    /** {@link #progress(java.util.function.Consumer)} on a given clock (nanoseconds; tests). */
    static Listener progress(java.util.function.Consumer<String> log, java.util.function.LongSupplier nanos) {
        return new Listener() {
            long t0 = nanos.getAsLong();
            int index = -1, count, step, steps, firstStep;
            double remaining;
            /** The pass's grid points in run order and the epochs each still needed when it started; null: not told. */
            double[] order, plan;
            /** Planned epochs trained in this call: finished points', and the total still to train when it started. */
            double behind, total;
            int finished;

            @Override public void started(double[] remainingInRunOrder, double[] epochsPerPoint) {
                // A new pass (the stage-1 ablation runs two with one listener): its own clock and plan.
                t0 = nanos.getAsLong();
                index = -1;
                behind = 0;
                finished = 0;
                order = remainingInRunOrder.clone();
                count = order.length;
                plan = epochsPerPoint.clone();
                total = java.util.Arrays.stream(plan).sum();
            }

            @Override public void point(int i, int n, double r, int s, int k) {
                if (i != index && plan != null) {
                    // A point resumed at step s had s - 1 of its k steps trained before this call.
                    firstStep = s;
                    total -= plan[i] * (s - 1) / k;
                }
                index = i;
                count = n;
                remaining = r;
                step = s;
                steps = k;
            }

            @Override public void epoch(Trainer.EpochResult e) {
                if (steps <= 1 || plan == null) return;
                double at = behind + plan[index] * (step - firstStep + 1) / steps;
                log.accept(String.format(Locale.ROOT, "r = %.2f: step %d/%d done, %.0f s; ETA %s", remaining, step, steps,
                        e.seconds(), eta(at)));
            }

            @Override public void finished(Point p) {
                finished++;
                int at = plan == null ? index : java.util.stream.IntStream.range(0, order.length)
                        .filter(i -> order[i] == p.remaining()).findFirst().orElse(index);
                String left;
                if (plan != null) {
                    if (at != index) total -= plan[at];   // every step was trained before this call
                    else behind += plan[at] * (steps - firstStep + 1) / steps;
                    left = eta(behind);
                } else {   // not told the plan: the mean time per finished point
                    left = Reproduce.eta(elapsed() / finished * Math.max(0, count - index - 1));
                }
                log.accept(String.format(Locale.ROOT, "r = %.2f done (%d/%d): val accuracy %.2f %%, %s epoch(s), %.0f s; ETA %s",
                        p.remaining(), at + 1, count, 100 * p.valAccuracy(), p.epochsText(), p.seconds(), left));
                steps = 0;   // epochs reported after this (another run's) are not this point's steps
            }

            private double elapsed() { return (nanos.getAsLong() - t0) / 1e9; }

            private String eta(double epochsBehind) {
                return epochsBehind <= 0 ? "?" : Reproduce.eta(elapsed() / epochsBehind * Math.max(0, total - epochsBehind));
            }
        };
    }

    /** Progress callback: which grid point and step is running. */
    public interface Listener extends Trainer.Listener {
        /**
         * Once, before the first point: the grid points in run order and the epochs each needs (0:
         * finished earlier; a point resumed between its steps is told at its first {@link #point}).
         */
        default void started(double[] remainingInRunOrder, double[] epochsPerPoint) { }

        default void point(int index, int count, double remaining, int step, int steps) { }

        default void finished(Point p) { }
    }

    public static final String CSV = "stage1.csv";
    /** Holds the path of the base checkpoint the grid was pruned from (the uncompressed baseline). */
    public static final String BASE = "base.txt";

    /** The base checkpoint recorded in a stage-1 directory, or null. */
    public static Path baseOf(Path dir) throws IOException {
        Path f = dir.resolve(BASE);
        return Files.exists(f) ? Path.of(Files.readString(f).trim()) : null;
    }

    private final RemainingGrid grid;
    private final int steps;
    private final Mode mode;
    private final TrainConfig fineTune;
    private final int parts;

    /**
     * @param steps    K, fine-tuning steps (epochs) per grid point (the reference: 32)
     * @param fineTune optimiser settings of the fine-tuning epochs (its epoch count is ignored)
     */
    public Stage1(RemainingGrid grid, int steps, Mode mode, TrainConfig fineTune) {
        this(grid, steps, mode, fineTune, 1);
    }

    /**
     * @param parts M: in chained mode, each grid point after the first fine-tunes for one epoch over
     *              a 1/M part of the training images (a seeded split; point i after the first takes
     *              part (i - 1) mod M); 1: over all of them
     */
    public Stage1(RemainingGrid grid, int steps, Mode mode, TrainConfig fineTune, int parts) {
        if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
        if (parts < 1) throw new UserError("--parts must be >= 1, got " + parts);
        if (parts > 1 && mode != Mode.CHAINED)
            throw new UserError("--parts " + parts + " splits the epoch between chained grid points; independent mode prunes every "
                    + "point from the base over its K steps: use --parts 1 or --mode chained");
        this.grid = grid;
        this.steps = steps;
        this.mode = mode;
        this.fineTune = fineTune;
        this.parts = parts;
    }

    /** Epochs as the logs and CSVs write them: whole ones as integers (4, 20), parts with 4 digits (0.2, 0.3333). */
    public static String epochsText(double epochs) {
        return epochs == Math.rint(epochs) ? Long.toString((long) epochs)
                : String.format(Locale.ROOT, "%.4g", epochs).replaceAll("0+$", "");
    }

    /** M, the parts of the training images the chained grid points after the first take in turn (1: all of them). */
    public int parts() { return parts; }

    /**
     * Fine-tuning settings used by stage 1 and by the one-stage ablation: SGD with the reference's
     * momentum and weight decay, the learning rate decaying from {@code lr} to 0 (cosine) over the
     * run's epochs (a grid point's K steps, or a candidate's fine-tuning). Measured on the quick
     * profile: a constant rate (0.01) left every chained grid point 1-2 points of accuracy below a
     * fully trained one-cycle baseline (so no plan came within 1 % of it), because the weights
     * were left where a large step had thrown them.
     */
    public static TrainConfig fineTuning(int epochs, int batch, double lr, long seed) {
        return new TrainConfig(epochs, batch, lr, 0.9, 5e-4, org.emomc4j.nn.Schedule.COSINE, 1_000_000, seed);
    }

    /** The checkpoint file of a grid point. */
    public static Path checkpoint(Path dir, double r) { return dir.resolve(RemainingGrid.label(r) + ".ckpt"); }

    /** What makes stage 1 the same stage 1: grid, steps, mode, fine-tuning, base network and data. */
    public ResumeKey resumeKey(Path base, ImageSet train, ImageSet val) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("grid", java.util.Arrays.toString(grid.values()));
        m.put("steps", steps);
        m.put("mode", mode.name().toLowerCase(Locale.ROOT));
        if (parts > 1) m.put("parts", parts);   // absent for 1, so keys written before parts existed still match
        FineTuning.putRun(m, fineTune, "base_sha256", base, train, val, null);
        return ResumeKey.of("stage1", m);
    }

    /** Runs or resumes stage 1 (a directory holding another stage 1 is refused). */
    public List<Point> run(Path base, ImageSet train, ImageSet val, int evalBatch, Path dir, Listener listener) throws IOException {
        return run(base, train, val, evalBatch, dir, true, listener);
    }

    /**
     * Runs (or resumes) stage 1. Grid points whose checkpoint exists are skipped.
     *
     * @param base   the trained, uncompressed network's checkpoint
     * @param val    validation images for the per-point accuracy
     * @param resume continue the stage 1 in {@code dir}; false: {@code dir} must hold no run
     */
    public List<Point> run(Path base, ImageSet train, ImageSet val, int evalBatch, Path dir, boolean resume, Listener listener)
            throws IOException {
        if (!Files.isRegularFile(base))
            throw new UserError("base checkpoint " + base + " does not exist: train one with './emomc train'");
        try (RunDirectory claim = RunDirectory.claim(dir, resumeKey(base, train, val), resume)) {
            return runClaimed(base, train, val, evalBatch, dir, listener);
        }
    }

    private List<Point> runClaimed(Path base, ImageSet train, ImageSet val, int evalBatch, Path dir, Listener listener)
            throws IOException {
        AtomicFiles.writeString(dir.resolve(BASE), base.toAbsolutePath().toString());
        Map<Double, Point> done = new TreeMap<>();
        for (Point p : readCsv(dir)) done.put(p.remaining(), p);
        double[] rs = grid.values();
        // Descending: chained mode walks from little pruning to much; independent gives the easy points first.
        List<Double> order = new ArrayList<>();
        for (int i = rs.length - 1; i >= 0; i--) order.add(rs[i]);
        Path previous = base;
        int[] shuffled = parts > 1 ? permutation(train.size(), fineTune.seed()) : null;
        if (listener != null) {
            double[] plan = new double[order.size()], run = new double[order.size()];
            for (int i = 0; i < plan.length; i++) {
                run[i] = order.get(i);
                plan[i] = Files.exists(checkpoint(dir, run[i])) && done.containsKey(run[i]) ? 0
                        : mode == Mode.INDEPENDENT || i == 0 ? steps : 1.0 / parts;
            }
            listener.started(run, plan);
        }
        for (int i = 0; i < order.size(); i++) {
            double r = order.get(i);
            Path ck = checkpoint(dir, r);
            if (Files.exists(ck) && done.containsKey(r)) {
                previous = ck;
                continue;
            }
            long t0 = System.nanoTime();
            boolean fromBase = mode == Mode.INDEPENDENT || i == 0;
            int k = fromBase ? steps : 1;
            ImageSet images = fromBase || parts == 1 ? train : part(train, shuffled, (i - 1) % parts, parts);
            TrainConfig cfg = fineTune.withEpochs(k).withSeed(fineTune.seed() + Math.round(r * 10_000));
            Path partial = dir.resolve(RemainingGrid.label(r) + ".partial.ckpt");
            Model model = Model.load(fromBase ? base : previous);
            Trainer trainer = new Trainer(model, cfg);
            if (Files.exists(partial)) trainer.restore(partial);
            double startR = fromBase ? 1.0 : previousRemaining(order, i);
            while (trainer.completedEpochs() < k) {
                int s = trainer.completedEpochs() + 1;
                // Geometric schedule from the starting fraction to r: r0 * (r/r0)^(s/k).
                double rs_ = startR * Math.pow(r / startR, (double) s / k);
                applyDynamicPruning(model, rs_);
                if (listener != null) listener.point(i, order.size(), r, s, k);
                trainer.trainEpoch(images, null, listener);
                trainer.save(partial);
            }
            applyDynamicPruning(model, r);
            double acc = val == null || val.size() == 0 ? Double.NaN : model.accuracy(val, evalBatch);
            model.clearWeightTransforms();
            model.save(ck);
            Point p = new Point(r, acc, fromBase ? k : (double) images.size() / train.size(), (System.nanoTime() - t0) / 1e9);
            done.put(r, p);
            writeCsv(dir, done.values());
            Files.deleteIfExists(partial);
            previous = ck;
            if (listener != null) listener.finished(p);
        }
        return new ArrayList<>(done.values());
    }

    private static double previousRemaining(List<Double> order, int i) { return order.get(i - 1); }

    /** A seeded permutation of 0..n-1 (Fisher-Yates), the order the parts are cut from. */
    static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Part j of M: the images at positions [j n / M, (j + 1) n / M) of the permutation. */
    static ImageSet part(ImageSet train, int[] shuffled, int j, int parts) {
        return train.subset(partIndices(shuffled, j, parts));
    }

    static int[] partIndices(int[] shuffled, int j, int parts) {
        int from = (int) ((long) j * shuffled.length / parts), to = (int) ((long) (j + 1) * shuffled.length / parts);
        return java.util.Arrays.copyOfRange(shuffled, from, to);
    }

    /** Sets the reference's dynamic magnitude pruning at fraction r on every layer. */
    public static void applyDynamicPruning(Model model, double r) {
        DynamicPruning t = DynamicPruning.uniform(r);
        for (int l = 0; l < model.spec().size(); l++) model.setWeightTransform(l, t);
    }

    /** Points as the {r values, accuracies} curve {@code report.Charts#accuracyVsRemaining} draws. */
    public static double[][] curve(List<Point> points) {
        double[][] c = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            c[0][i] = points.get(i).remaining();
            c[1][i] = points.get(i).valAccuracy();
        }
        return c;
    }

    /** Finished grid points recorded in a stage-1 directory. */
    public static List<Point> readCsv(Path dir) throws IOException {
        List<Point> out = new ArrayList<>();
        for (String[] row : Csv.readRows(dir.resolve(CSV)))
            out.add(new Point(Double.parseDouble(row[0]), Double.parseDouble(row[1]), Double.parseDouble(row[2]), Double.parseDouble(row[3])));
        return out;
    }

    private static void writeCsv(Path dir, Iterable<Point> points) throws IOException {
        Csv.Builder csv = new Csv.Builder("remaining", "val_accuracy", "epochs", "seconds");
        for (Point p : points)
            csv.row(String.format(Locale.ROOT, "%.4f", p.remaining()), p.valAccuracy(), p.epochsText(), String.format(Locale.ROOT, "%.2f", p.seconds()));
        csv.write(dir.resolve(CSV));
    }

    /** The grid points that have a checkpoint in a stage-1 directory. */
    public static RemainingGrid available(Path dir) throws IOException {
        List<Point> pts = readCsv(dir);
        List<Double> rs = new ArrayList<>();
        for (Point p : pts) if (Files.exists(checkpoint(dir, p.remaining()))) rs.add(p.remaining());
        if (rs.isEmpty())
            throw new UserError("no stage-1 checkpoints in " + dir + " (expected " + CSV
                    + " and r*.ckpt files): run './emomc prune --checkpoint BASE --out " + dir + "' first");
        return new RemainingGrid(rs.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
