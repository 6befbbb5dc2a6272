package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.EngineBench;
import org.emomc4j.nn.NetworkSpec;
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
     * @param source where they come from ("measured in the run", "planned from a probe")
     */
    public record Throughput(double train, double score, double test, String source) {

        /**
         * Real runs' rates per rate of {@link EngineBench#probe}'s kernels, as measured on the 2-core development
         * machines: a whole bf16 epoch (augmentation, cutout, validation) 0.885x the probed training step on the Xeon
         * with AMX (301 / 340 img/s) and 0.95x on the AMD EPYC (159 / 167.5); a width-1 candidate scored on 5,120
         * images in bf16, preparation included, 0.87x (1,950 / 2,243); fp32 test re-scoring 0.9x (300 / 335).
         */
        static final double TRAIN_PER_PROBE = 0.9, SCORE_PER_PROBE = 0.87, TEST_PER_PROBE = 0.9;

        /**
         * Throughputs for a time estimate from a short probe of this machine ({@link EngineBench#probe}, about
         * 15 s at width 1) scaled to real runs ({@link #TRAIN_PER_PROBE} and the others). In int8 each candidate
         * also pays its calibration on 512 images, charged here at the fp32 rate (it runs on the bf16 path, about
         * 2.5x faster: pessimistic), while its 9-12-bit layers, which run in bf16, are charged at the int8 rate
         * (optimistic); the plan takes the searches' own rates once they have measured some.
         */
        public static Throughput probed(Profile p) {
            EngineBench.Probe pr = EngineBench.probe(NetworkSpec.vgg("vgg16", p.width()), p.trainPrecision(), p.precision());
            return fromProbe(pr, p.precision(), p.budget(0, 0).scoringImages());
        }

        /** {@link #probed}'s arithmetic: the probe's rates scaled to real runs, int8 candidates charged their calibration. */
        static Throughput fromProbe(EngineBench.Probe pr, Precision scoring, int scoringImages) {
            double score = SCORE_PER_PROBE * pr.score();
            if (scoring == Precision.INT8)
                score = scoringImages / (scoringImages / score + Precision.CALIBRATION_IMAGES / (TEST_PER_PROBE * pr.fp32Infer()));
            return new Throughput(TRAIN_PER_PROBE * pr.train(), score, TEST_PER_PROBE * pr.fp32Infer(),
                    String.format(Locale.ROOT, "planned from a %.0f-second probe of this machine's kernels", pr.seconds()));
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
