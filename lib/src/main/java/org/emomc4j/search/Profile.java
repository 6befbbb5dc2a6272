package org.emomc4j.search;

import org.emomc4j.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How big a reproduction is. {@code smoke} checks the whole pipeline in minutes (CI),
 * {@code quick} gives meaningful fronts in about two hours on 2 CPU cores, {@code full} is the
 * paper's network (VGG-16 width 1) and search budget on this CPU in bf16 with a shared evaluation
 * cache and racing (see {@link #FULL}), {@code paper} is the reference's settings (days on a CPU;
 * every stage resumes). {@link #budget} gives a profile's planned cost; {@link #builder} builds another, stage by stage.
 *
 * @param width           VGG-16 width multiplier
 * @param trainImages     training images used (0 = all 45,000)
 * @param valImages       validation images the search scores candidates on (0 = all 5,000)
 * @param testImages      test images of the final re-scoring (0 = all 10,000)
 * @param baselineEpochs  epochs of baseline training
 * @param schedule        baseline learning-rate schedule (step, cosine, onecycle)
 * @param lr              baseline peak learning rate
 * @param batch           training batch size
 * @param grid            stage-1 grid of remaining fractions
 * @param steps           stage-1 fine-tuning steps (epochs) per grid point from the base network
 * @param stage1Mode      independent (the reference) or chained
 * @param fineTuneLr      stage-1 fine-tuning learning rate (peak; cosine decay over each grid point's epochs)
 * @param pop             stage-2 population
 * @param offspring       stage-2 offspring per generation
 * @param generations     stage-2 generations
 * @param precision       arithmetic stage 2 scores candidates in (fp32, bf16, int8; see
 *                        {@link org.emomc4j.nn.Precision}); the test re-scoring of fronts is always fp32
 * @param trainPrecision  arithmetic of the training steps of the baseline, stage 1 and the stages
 *                        beyond the paper (fp32 or bf16)
 * @param racing          stage 2's racing ({@link Racing}; {@link Racing#OFF}: every candidate on every image)
 * @param stage1Parts     chained stage 1: each grid point after the first fine-tunes one epoch over a 1/M part of the
 *                        training images (M = this; {@link Stage1}); 1: over all of them
 * @param restarts        further baseline runs after the first, each a warm restart from the previous one's network
 *                        (fresh optimizer and schedule; {@link #baselineConfigs}); empty: the baseline is one run
 */
public record Profile(String name, double width, int trainImages, int valImages, int testImages, int baselineEpochs,
                      String schedule, double lr, int batch, String grid, int steps, Stage1.Mode stage1Mode,
                      double fineTuneLr, int pop, int offspring, int generations, org.emomc4j.nn.Precision precision,
                      org.emomc4j.nn.Precision trainPrecision, Racing racing, int stage1Parts, List<Restart> restarts) {

    /**
     * A baseline run that starts from the previous run's network: its epochs, schedule (step,
     * cosine, onecycle), peak learning rate, halving period (step) and SWA epochs
     * ({@link org.emomc4j.nn.TrainConfig#swaEpochs}; 0: none) and CutMix probability
     * ({@link org.emomc4j.nn.TrainConfig#cutmix}; 0: none). Batch, precision, label smoothing and
     * cutout are the first run's.
     */
    public record Restart(int epochs, String schedule, double lr, int stepEpochs, int swaEpochs, double cutmix) {
        public Restart(int epochs, String schedule, double lr, int stepEpochs, int swaEpochs) {
            this(epochs, schedule, lr, stepEpochs, swaEpochs, 0);
        }

        /** Without CutMix, the text it had before CutMix existed: a profile's text is part of its run's resume key. */
        @Override
        public String toString() {
            return "Restart[epochs=" + epochs + ", schedule=" + schedule + ", lr=" + lr + ", stepEpochs=" + stepEpochs
                    + ", swaEpochs=" + swaEpochs + (cutmix == 0 ? "" : ", cutmix=" + cutmix) + "]";
        }
    }

    public Profile {
        java.util.Objects.requireNonNull(precision, "precision");
        java.util.Objects.requireNonNull(trainPrecision, "trainPrecision");
        java.util.Objects.requireNonNull(racing, "racing");
        if (trainPrecision == org.emomc4j.nn.Precision.INT8) throw new UserError("a profile trains in fp32 or bf16, not int8");
        if (stage1Parts < 1) throw new UserError("a profile's stage-1 parts must be >= 1, got " + stage1Parts);
        restarts = restarts == null ? List.of() : List.copyOf(restarts);
    }

    /** This profile with candidates scored in another arithmetic. */
    public Profile withPrecision(org.emomc4j.nn.Precision p) { return toBuilder().precision(p).build(); }

    /** This profile with another stage-2 racing ({@link Racing#OFF}: none). */
    public Profile withRacing(Racing r) { return toBuilder().racing(r).build(); }

    public static Builder builder(String name) { return new Builder(name); }

    /** A builder holding this profile's settings. */
    public Builder toBuilder() {
        return new Builder(name).width(width).images(trainImages, valImages, testImages).baseline(baselineEpochs, schedule, lr, batch)
                .stage1(grid, steps, stage1Mode, fineTuneLr).stage1Parts(stage1Parts).search(pop, offspring, generations)
                .precision(precision).trainPrecision(trainPrecision).racing(racing).restarts(restarts);
    }

    /**
     * Builds a profile by stage. Unset: width 1, all images, fp32 scoring and training, no racing,
     * whole epochs between chained stage-1 points; the baseline, stage 1 and the search must be set.
     */
    public static final class Builder {
        private final String name;
        private double width = 1.0, lr = Double.NaN, fineTuneLr = Double.NaN;
        private int trainImages, valImages, testImages, baselineEpochs = -1, batch, steps, pop = -1, offspring, generations, stage1Parts = 1;
        private String schedule, grid;
        private Stage1.Mode stage1Mode;
        private org.emomc4j.nn.Precision precision = org.emomc4j.nn.Precision.FP32, trainPrecision = org.emomc4j.nn.Precision.FP32;
        private Racing racing = Racing.OFF;
        private final List<Restart> restarts = new ArrayList<>();

        private Builder(String name) { this.name = java.util.Objects.requireNonNull(name, "name"); }

        /** VGG-16's width multiplier. */
        public Builder width(double w) { width = w; return this; }

        /** Images used of each split (0: the whole split: 45,000 training, 5,000 validation, 10,000 test). */
        public Builder images(int train, int val, int test) { trainImages = train; valImages = val; testImages = test; return this; }

        /** The baseline's training: epochs, schedule (step, cosine, onecycle), peak learning rate, batch size. */
        public Builder baseline(int epochs, String schedule, double lr, int batch) {
            baselineEpochs = epochs; this.schedule = schedule; this.lr = lr; this.batch = batch; return this;
        }

        /** Stage 1: grid, steps (epochs) into a point from the base network, mode, fine-tuning peak learning rate. */
        public Builder stage1(String grid, int steps, Stage1.Mode mode, double fineTuneLr) {
            this.grid = grid; this.steps = steps; stage1Mode = mode; this.fineTuneLr = fineTuneLr; return this;
        }

        /** Chained stage 1: each point after the first on a 1/parts part of the training images. */
        public Builder stage1Parts(int parts) { stage1Parts = parts; return this; }

        /** Stage 2's NSGA-II budget. */
        public Builder search(int pop, int offspring, int generations) {
            this.pop = pop; this.offspring = offspring; this.generations = generations; return this;
        }

        /** The arithmetic candidates are scored in. */
        public Builder precision(org.emomc4j.nn.Precision p) { precision = p; return this; }

        /** The arithmetic of the training steps. */
        public Builder trainPrecision(org.emomc4j.nn.Precision p) { trainPrecision = p; return this; }

        public Builder racing(Racing r) { racing = r; return this; }

        /** A further baseline run, warm-started from the previous one: epochs, schedule, peak learning rate. */
        public Builder restart(int epochs, String schedule, double lr) {
            restarts.add(new Restart(epochs, schedule, lr, 30, 0)); return this;
        }

        /**
         * A last baseline run of stochastic weight averaging: {@code epochs} at the constant rate
         * {@code lr} (a step schedule that never halves), averaged over all of them.
         */
        public Builder swa(int epochs, double lr) {
            restarts.add(new Restart(epochs, "step", lr, 1000, epochs)); return this;
        }

        /** CutMix with probability {@code p} in the last run added by {@link #restart} or {@link #swa}. */
        public Builder cutmix(double p) {
            if (restarts.isEmpty()) throw new IllegalStateException("cutmix(p) applies to the last restart; add one first");
            Restart r = restarts.remove(restarts.size() - 1);
            restarts.add(new Restart(r.epochs(), r.schedule(), r.lr(), r.stepEpochs(), r.swaEpochs(), p));
            return this;
        }

        private Builder restarts(List<Restart> r) { restarts.clear(); restarts.addAll(r); return this; }

        public Profile build() {
            if (baselineEpochs < 0 || grid == null || pop < 0)
                throw new IllegalStateException("profile " + name + ": set baseline(...), stage1(...) and search(...)");
            return new Profile(name, width, trainImages, valImages, testImages, baselineEpochs, schedule, lr, batch, grid, steps, stage1Mode,
                    fineTuneLr, pop, offspring, generations, precision, trainPrecision, racing, stage1Parts, restarts);
        }
    }

    /**
     * The record's text, which run directories store in their resume key ({@code run-key.json} of
     * a reproduction): the three later components are written only when they differ from fp32
     * training without racing on whole epochs, so the key of a smoke, quick or paper run started
     * before they existed is unchanged and the run still resumes.
     */
    @Override
    public String toString() {
        String base = "Profile[name=" + name + ", width=" + width + ", trainImages=" + trainImages + ", valImages=" + valImages
                + ", testImages=" + testImages + ", baselineEpochs=" + baselineEpochs + ", schedule=" + schedule + ", lr=" + lr
                + ", batch=" + batch + ", grid=" + grid + ", steps=" + steps + ", stage1Mode=" + stage1Mode + ", fineTuneLr="
                + fineTuneLr + ", pop=" + pop + ", offspring=" + offspring + ", generations=" + generations + ", precision=" + precision;
        if (trainPrecision != org.emomc4j.nn.Precision.FP32 || racing.enabled())
            base += ", trainPrecision=" + trainPrecision + ", racing=" + racing;
        if (stage1Parts != 1) base += ", stage1Parts=" + stage1Parts;
        if (!restarts.isEmpty()) base += ", restarts=" + restarts;
        return base + "]";
    }

    public static final Profile SMOKE = builder("smoke").width(0.125).images(2000, 500, 1000).baseline(2, "onecycle", 0.05, 128)
            .stage1("0.30:0.70:0.20", 1, Stage1.Mode.CHAINED, 0.01).search(8, 4, 3).build();
    public static final Profile QUICK = builder("quick").width(0.25).images(0, 2000, 0).baseline(30, "onecycle", 0.1, 128)
            .stage1("0.20:0.80:0.05", 4, Stage1.Mode.CHAINED, 0.01).search(20, 10, 20).build();
    public static final Profile PAPER = builder("paper").baseline(300, "step", 0.05, 256)
            .stage1("0.20:0.80:0.01", 32, Stage1.Mode.INDEPENDENT, 0.005).search(40, 20, 120).build();

    /**
     * The paper at full scale on this CPU (issue 12): VGG-16 width 1, all 45,000 training, 5,000
     * validation (scoring) and 10,000 test images; the paper's stage 2 (NSGA-II, population 40,
     * 20 offspring, 120 generations, seed 1, 4 dataflows and 3 codings), candidates scored in
     * bf16 with the shared {@link EvaluationCache} and {@link Racing#DEFAULT}; training (baseline,
     * stage 1, stages beyond the paper) in bf16.
     *
     * <p>Stage 1 is chained over the paper's grid, r = 0.80 down to 0.20 in steps of 0.01 (61 points), 8
     * epochs into r = 0.80 and one epoch for each further point: 8 + 60 = 68 epochs, about 3.4 hours at
     * bf16 speed on a 2-core Xeon with AMX, 5.8 on a 2-core AMD EPYC without it (about 4.6 with its own training
     * kernels, {@code DnnlTrainConv.Kernels}, 2026-11-27). A coarser grid was measured not to give the same fronts: at quick scale
     * ({@code ./emomc ablation grid}, {@code results/quick/grid-0.01}) the seven searches on the 0.01 chain
     * found a cheaper plan within the loss budget than on the 0.05 chain in 17 of the 21 (search, budget)
     * cells (2 dearer, 2 equal): its networks at low r, reached through 61 fine-tuned steps rather than 13, are more accurate
     * (r = 0.20: +1.55 points on validation) and the search can choose r between the coarse points. The
     * same 20 epochs as the 0.05 chain spread over the 61 points (a fifth of an epoch per point,
     * {@link Stage1} parts) left every common grid point 0.25-1.7 points (mean 0.8) less accurate
     * ({@code results/quick/stage1-parts5}). The baseline's recipe is {@link #baselineConfig}
     * (80 epochs one-cycle, peak lr 0.1): 91.06 % test, short of issue 12's 92.5 %. Two runs follow
     * it, each from the previous network: a second one-cycle of 100 epochs at peak lr 0.05, then 20
     * epochs at lr 0.01 averaged (SWA, {@link org.emomc4j.nn.TrainConfig#swaEpochs}). Training runs in
     * bf16; stage 2 scores in int8 (8-bit activations, its 9-12-bit layers in a bf16 fallback): on this
     * CPU's VNNI kernels 1.21-1.27x bf16's speed on search candidates and within 0.06 points of fp32
     * there ({@code results/engine/int8-fallback-2026-11-27}); the fronts are re-scored on test in fp32.
     */
    public static final Profile FULL = builder("full").baseline(80, "onecycle", 0.1, 128).restart(100, "onecycle", 0.05).swa(20, 0.01)
            .stage1("0.20:0.80:0.01", 8, Stage1.Mode.CHAINED, 0.01).search(40, 20, 120)
            .precision(org.emomc4j.nn.Precision.INT8).trainPrecision(org.emomc4j.nn.Precision.BF16).racing(Racing.DEFAULT).build();

    public static Profile parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "smoke" -> SMOKE;
            case "quick" -> QUICK;
            case "paper" -> PAPER;
            case "full" -> FULL;
            default -> throw new UserError("unknown profile '" + s + "': use smoke, quick, full or paper");
        };
    }

    /** Profile named by the {@code EMOMC_PROFILE} environment variable (notebooks), default smoke. */
    public static Profile fromEnvironment() {
        String p = System.getenv("EMOMC_PROFILE");
        return parse(p == null || p.isBlank() ? "smoke" : p);
    }

    /** The profile's class-balanced slices of the three splits (0 in a size field keeps the whole split). */
    public org.emomc4j.data.Splits sample(org.emomc4j.data.Splits s, long seed) {
        return new org.emomc4j.data.Splits(
                trainImages > 0 ? s.train().balancedSample(trainImages, seed) : s.train(),
                valImages > 0 ? s.val().balancedSample(valImages, seed) : s.val(),
                testImages > 0 ? s.test().balancedSample(testImages, seed) : s.test());
    }

    /**
     * The baseline's training settings (reference momentum and weight decay; step schedule halves
     * every 30 epochs), in the profile's training precision. The full profile's recipe lives here.
     */
    public org.emomc4j.nn.TrainConfig baselineConfig(long seed) {
        org.emomc4j.nn.TrainConfig.Builder c = org.emomc4j.nn.TrainConfig.builder(baselineEpochs).batchSize(batch).lr(lr)
                .schedule(org.emomc4j.nn.Schedule.valueOf(schedule.toUpperCase(Locale.ROOT))).seed(seed).precision(trainPrecision);
        // Width 1 aims at 92.5-93.5 % (issue 12): the anchor recipe reached 88.9 % after 20 plain epochs, so the
        // full baseline trains longer with label smoothing 0.1 and 16-pixel cutout, the usual CIFAR-10 additions.
        return (name.equals("full") ? c.labelSmoothing(0.1).cutout(16) : c).build();
    }

    /**
     * Every baseline run in order: {@link #baselineConfig} and then each of {@link #restarts}
     * (seed + i for the i-th restart, the first run's batch, precision, smoothing and cutout).
     * Each run after the first starts from the previous run's network: its SWA result when it
     * averaged, else its last checkpoint.
     */
    public List<org.emomc4j.nn.TrainConfig> baselineConfigs(long seed) {
        org.emomc4j.nn.TrainConfig first = baselineConfig(seed);
        List<org.emomc4j.nn.TrainConfig> out = new ArrayList<>(List.of(first));
        for (int i = 0; i < restarts.size(); i++) {
            Restart r = restarts.get(i);
            out.add(first.toBuilder().epochs(r.epochs()).schedule(org.emomc4j.nn.Schedule.parse(r.schedule())).lr(r.lr())
                    .stepEpochs(r.stepEpochs()).swaEpochs(r.swaEpochs()).cutmix(r.cutmix()).seed(seed + i + 1).build());
        }
        return out;
    }

    /** Epochs of all baseline runs together. */
    public int baselineEpochsInAll() {
        return baselineEpochs + restarts.stream().mapToInt(Restart::epochs).sum();
    }

    /** Fine-tuning settings of stage 1 and the stages beyond the paper ({@link Stage1#fineTuning}) in the training precision. */
    public org.emomc4j.nn.TrainConfig fineTuning(int epochs, long seed) {
        return Stage1.fineTuning(epochs, batch, fineTuneLr, seed).withPrecision(trainPrecision);
    }

    /** Stage 1 as this profile runs it, in the given mode (the profile's own mode or the other, for the stage-1 modes comparison). */
    public Stage1 stage1(Stage1.Mode mode, long seed) {
        return new Stage1(RemainingGrid.parse(grid), steps, mode, fineTuning(1, seed), mode == Stage1.Mode.CHAINED ? stage1Parts : 1);
    }

    /**
     * Stage 1 with this profile's steps and fine-tuning on another grid (e.g. a coarser one for the
     * costlier mode), one whole epoch between its points (the parts belong to the profile's own grid).
     */
    public Stage1 stage1(Stage1.Mode mode, RemainingGrid grid, long seed) {
        return new Stage1(grid, steps, mode, fineTuning(1, seed));
    }

    /**
     * The stage-2 search of one objective as this profile runs it (NSGA-II, the profile's budget,
     * seed 1, bits 2..12, no constraint, the initial population seeded with the least-compressed
     * corner, {@link CornerInitialization}), scored on the profile's validation images.
     */
    public SearchConfig searchConfig(Objective objective, String dataflow, String coding) {
        java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
        extra.put("profile", name);
        extra.put("eval_split", "val");
        extra.put("eval_images", valImages);
        extra.put("precision", precision.id());
        return SearchConfig.builder(objective).dataflow(dataflow).coding(coding).budget(pop, offspring, generations).seed(1)
                .seedCorner(true).extra(extra).racing(racing).build();
    }

    /**
     * The stages beyond the paper's pipeline that {@code ./emomc reproduce} runs after it, sized
     * for this profile. Planned cost in training epochs over the profile's training images
     * ({@link #extrasEpochs}); quick: at most about 24 epochs over its 45,000 training images, some 30 minutes on 2 cores.
     *
     * @param fig3Steps      K, epochs of each arm of the paper's Fig. 3 (the paper: 32)
     * @param fig3Remaining  the arms' target remaining fraction (the paper: 0.05, 95 % removed)
     * @param peerPruned     the grid of filter fractions the peer method "Pruning Filters" removes
     * @param peerEpochs     fine-tuning epochs per grid point of the peer method
     * @param stage3Epochs   QAT epochs per plan in stage 3
     * @param stage3Images   training images of stage 3's epochs (a class-balanced slice; 0 = all)
     */
    public record Extras(int fig3Steps, double fig3Remaining, double[] peerPruned, int peerEpochs, int stage3Epochs,
                         int stage3Images) { }

    /** This profile's stages beyond the paper (Fig. 3, the peer method, stage 3); profiles not named quick, full or paper get smoke's. */
    public Extras extras() {
        return switch (name) {
            case "quick" -> new Extras(6, PruningSteps.PAPER_REMAINING, new double[]{0.1, 0.25, 0.4}, 2, 2, 5000);
            case "paper" -> new Extras(32, PruningSteps.PAPER_REMAINING, new double[]{0.1, 0.2, 0.3, 0.4, 0.5}, 20, 5, 0);
            // Width 1 in bf16 (~3 min per epoch): Fig. 3's arms 2 x 6 epochs, the peer 3 x 2, stage 3 one epoch on
            // 10,000 images per plan; about 20 epochs in all for a dozen stage-3 plans.
            case "full" -> new Extras(6, PruningSteps.PAPER_REMAINING, new double[]{0.1, 0.25, 0.4}, 2, 1, 10000);
            // smoke, and any profile of another name (tests, notebooks): the cheapest sizes.
            default -> new Extras(2, PruningSteps.PAPER_REMAINING, new double[]{0.25, 0.5}, 1, 1, 0);
        };
    }

    /**
     * Planned cost of the extras in epochs over the profile's whole training set: the two Fig. 3
     * arms, the peer grid, and stage 3 for {@code stage3Plans} plans (0: stage 3 not run).
     */
    public double extrasEpochs(boolean fig3, boolean peer, int stage3Plans, int trainSize) {
        Extras x = extras();
        double s3 = x.stage3Images() == 0 ? 1 : Math.min(1.0, (double) x.stage3Images() / trainSize);
        return (fig3 ? 2.0 * x.fig3Steps() : 0) + (peer ? x.peerPruned().length * x.peerEpochs() : 0)
                + stage3Plans * x.stage3Epochs() * s3;
    }

    /**
     * The planned cost of this profile ({@link Budget}) with assumed fractions of cache hits and of
     * raced candidates (0 and 0: the worst case).
     */
    public Budget budget(double cacheHits, double raced) { return Budget.of(this, cacheHits, raced); }

    /** Describes the data a figure came from, for titles. */
    public String label() {
        // 1, not 1.0: the paper's VGG-16 is "width 1" in every title and table
        String w = width == Math.rint(width) ? String.valueOf((long) width) : String.valueOf(width);
        return "profile " + name + ", VGG-16 width " + w + (trainImages > 0 ? ", " + trainImages + " train images" : "");
    }
}
