package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Precision;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A profile's planned cost (issue 12's budget arithmetic): training epochs per stage, stage-2
 * evaluations and images scored, under stated assumptions about the shared cache and racing, and
 * the time this takes at given throughputs. {@code ./emomc reproduce} prints it at the start.
 *
 * <p>Rules: the baseline trains {@code baselineEpochs} (all its runs, {@link Profile#baselineEpochsInAll}); chained stage 1 trains {@code steps}
 * epochs into its first (least pruned) point and one epoch over 1/M of the training images into
 * each further point (M = {@link Profile#stage1Parts}), independent
 * stage 1 {@code steps} per point; each of the 7 searches (4 dataflows, 3 codings) measures
 * population + generations x offspring candidates on the N scoring images, of which a fraction
 * {@code cacheHits} is found in the shared cache and, of the rest, a fraction {@code raced} costs
 * only the slice; each search's front (at most a population) is re-scored on the test images in
 * fp32; the extras train {@link Profile#extrasEpochs} epochs with {@link #STAGE3_PLANS} stage-3 plans.
 *
 * @param cacheHits assumed fraction of candidates another search already measured
 * @param raced     assumed fraction of measured candidates racing stops after the slice
 */
public record Budget(Profile profile, int trainImages, int scoringImages, int testImages, int baselineEpochs,
                     int stage1Points, double stage1Epochs, int searches, int evaluationsPerSearch, double cacheHits, double raced,
                     double extrasEpochs) {

    /** Stage-3 plans assumed: the knee and the three loss budgets on each of the 7 fronts (an upper bound). */
    public static final int STAGE3_PLANS = 4 * 7;

    /** The official split sizes: 45,000 training, 5,000 validation, 10,000 test images. */
    static final int TRAIN = 50_000 - Splits.DEFAULT_VAL_SIZE, VAL = Splits.DEFAULT_VAL_SIZE, TEST = 10_000;

    /** A profile's plan with assumed cache hits and raced fractions (0 and 0: the worst case). */
    public static Budget of(Profile p, double cacheHits, double raced) {
        int train = p.trainImages() > 0 ? p.trainImages() : TRAIN;
        int points = RemainingGrid.parse(p.grid()).values().length;
        double s1 = p.stage1Mode() == Stage1.Mode.CHAINED ? p.steps() + (points - 1.0) / p.stage1Parts() : p.steps() * points;
        int searches = Dataflow.values().length + Coding.PAPER.length;
        return new Budget(p, train, p.valImages() > 0 ? p.valImages() : VAL, p.testImages() > 0 ? p.testImages() : TEST,
                p.baselineEpochsInAll(), points, s1, searches, p.pop() + p.generations() * p.offspring(), cacheHits,
                p.racing().enabled() ? raced : 0, p.extrasEpochs(true, true, STAGE3_PLANS, train));
    }

    public int evaluations() { return searches * evaluationsPerSearch; }

    /** Candidates the scoring oracle measures: evaluations less the assumed cache hits. */
    public double measured() { return evaluations() * (1 - cacheHits); }

    /** Images scored in stage 2 without cache and racing (evaluations x N). */
    public long imagesWithoutSavings() { return (long) evaluations() * scoringImages; }

    /** Images scored in stage 2 under the assumptions: raced candidates cost the slice, the others N. */
    public double imagesScored() {
        int slice = Math.min(profile.racing().sliceImages(), scoringImages);
        return measured() * ((1 - raced) * scoringImages + raced * slice);
    }

    /** Test images of the fronts' re-scoring (at most a population per search). */
    public long testImagesScored() { return (long) searches * profile.pop() * testImages; }

    /**
     * Throughputs the time estimate uses (images per second).
     *
     * @param train training in the profile's training precision
     * @param score scoring candidates in the profile's scoring precision
     * @param test  scoring in fp32 (test re-scoring)
     * @param source where they come from ("measured in the run", "planned from the README's bench")
     */
    public record Throughput(double train, double score, double test, String source) {

        /**
         * The README's bench of the engine on this 2-core machine (VGG-16 width 1 and 1/4,
         * 2026-11-25), by precision; NaN for other widths (no estimate).
         */
        public static Throughput planned(Profile p) {
            boolean w1 = p.width() == 1.0, w4 = p.width() == 0.25;
            if (!w1 && !w4) return new Throughput(Double.NaN, Double.NaN, Double.NaN, "no planned throughput at this width");
            // Width 1 as measured here in the conditions of a run, not the kernels' bench: bf16 training on real
            // epochs (augmentation, cutout, validation) 225 img/s over the baseline's whole epochs, 270 since its 4x4 and
            // 2x2 layers train as matrix products (2026-11-26: 251 -> 301 img/s on 12,800-image epochs); a candidate scored on 5,120 images in 2.5-2.75 s
            // (2026-11-26, its 2x2 and 4x4 layers as matrix products; 3.5-3.7 s before), about 1,950 img/s in all; int8 379 and
            // fp32 304 img/s in eval --agreement (per-candidate calibration and fallback layers: int8 is slower than
            // bf16 for search candidates). Width 1/4: the README's bench.
            double train = p.trainPrecision() == Precision.BF16 ? (w1 ? 270 : 1700) : (w1 ? 97 : 717);
            double score = switch (p.precision()) {
                case BF16 -> w1 ? 1950 : 15_300;
                case INT8 -> w1 ? 380 : 7100;
                default -> w1 ? 300 : 3090;
            };
            return new Throughput(train, score, w1 ? 300 : 3090, "planned from throughputs measured on this machine");
        }

        /** These throughputs with measured values where given (NaN keeps the planned one). */
        public Throughput measured(double trainMeasured, double scoreMeasured) {
            boolean t = Double.isFinite(trainMeasured) && trainMeasured > 0, s = Double.isFinite(scoreMeasured) && scoreMeasured > 0;
            if (!t && !s) return this;
            return new Throughput(t ? trainMeasured : train, s ? scoreMeasured : score, test,
                    (t ? "training" : "") + (t && s ? " and " : "") + (s ? "scoring" : "") + " measured in the run, the rest " + source);
        }
    }

    /** One stage's planned work and time. */
    public record Line(String stage, String work, double seconds) { }

    /** Planned work and seconds per stage at the given throughputs. */
    public List<Line> lines(Throughput t) {
        List<Line> out = new ArrayList<>();
        String runs = profile.restarts().isEmpty() ? "" : " (" + profile.baselineEpochs() + profile.restarts().stream()
                .map(r -> " + " + r.epochs() + (r.swaEpochs() > 0 ? " SWA" : "")).reduce("", String::concat) + ")";
        out.add(new Line("baseline", baselineEpochs + " epochs" + runs + " x " + trainImages + " images", baselineEpochs * (double) trainImages / t.train()));
        out.add(new Line("stage1", Stage1.epochsText(stage1Epochs) + " epochs (" + stage1Points + " points, " + profile.stage1Mode().name().toLowerCase(Locale.ROOT)
                + ")", stage1Epochs * (double) trainImages / t.train() + stage1Points * (double) scoringImages / t.test()));
        out.add(new Line("stage2", String.format(Locale.ROOT, "%d searches x %d evaluations = %d; %.0f measured (cache hits %.0f %%), "
                        + "%.3g images scored (raced %.0f %% at %d of %d images; %.3g without cache and racing)", searches,
                evaluationsPerSearch, evaluations(), measured(), 100 * cacheHits, imagesScored(), 100 * raced,
                profile.racing().sliceImages(), scoringImages, (double) imagesWithoutSavings()), imagesScored() / t.score()));
        out.add(new Line("test", "fronts re-scored: at most " + testImagesScored() + " test images (fp32)", testImagesScored() / t.test()));
        out.add(new Line("extras", String.format(Locale.ROOT, "%.1f epochs (Fig. 3, peer, stage 3 for %d plans)", extrasEpochs, STAGE3_PLANS),
                extrasEpochs * trainImages / t.train()));
        return out;
    }

    /**
     * Work a run has done: baseline epochs, stage-1 epochs, stage-2 evaluations (of all searches),
     * test re-scorings finished (searches), from its records.
     */
    public record Done(int baselineEpochs, double stage1Epochs, int evaluations, int searchesFinished) { }

    /**
     * Seconds left: each stage's planned seconds times the fraction of its work not yet done (the
     * extras count as not started until the pipeline has finished).
     */
    public double secondsLeft(Throughput t, Done done) {
        List<Line> l = lines(t);
        double[] frac = {
                Math.min(1, (double) done.baselineEpochs() / Math.max(1, baselineEpochs)),
                Math.min(1, done.stage1Epochs() / Math.max(1, stage1Epochs)),
                Math.min(1, (double) done.evaluations() / Math.max(1, evaluations())),
                Math.min(1, (double) done.searchesFinished() / Math.max(1, searches)),
                0};
        double left = 0;
        for (int i = 0; i < l.size(); i++) left += l.get(i).seconds() * (1 - frac[i]);
        return left;
    }

    /** The plan as text lines, one per stage, with the total time. */
    public List<String> describe(Throughput t) {
        List<String> out = new ArrayList<>();
        double total = 0;
        for (Line l : lines(t)) {
            out.add(String.format(Locale.ROOT, "  %-8s %s: %s", l.stage(), l.work(), Reproduce.eta(l.seconds())));
            total += l.seconds();
        }
        out.add(String.format(Locale.ROOT, "  total %s (h:min:s; %s: train %.0f, score %.0f, test %.0f img/s)", Reproduce.eta(total),
                t.source(), t.train(), t.score(), t.test()));
        return out;
    }
}
