package org.emomc4j.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Stage 2 of EMOMC as one step, the same for {@code ./emomc search}, the reproduction and the
 * ablations: build the problem from the {@link SearchConfig}, run (or resume) the search in its
 * directory, re-score the final front on the test split and write {@code summary.json}. A search
 * that had finished and been summarised is read back: nothing is measured again.
 */
public final class Stage2 {
    private Stage2() { }

    /**
     * What one search runs on.
     *
     * @param name             how progress lines name the search (e.g. "energy-XY")
     * @param grid             remaining fractions r may take (the stage-1 grid, or a one-stage grid)
     * @param costs            the energy and size models (also the baseline's costs)
     * @param searchAccuracy   the accuracy candidates are selected on (validation)
     * @param testAccuracy     the accuracy the final front is re-scored on (test)
     * @param baselineAccuracy the uncompressed network's test accuracy (asked only when a summary is written)
     * @param dir              the search's run directory
     */
    public record Plan(String name, SearchConfig config, RemainingGrid grid, ReferenceCosts costs, AccuracyOracle searchAccuracy,
                       AccuracyOracle testAccuracy, DoubleSupplier baselineAccuracy, Path dir) { }

    /**
     * A finished search.
     *
     * @param front  the front with validation and test accuracies (summary.json)
     * @param worked whether this call measured, searched or re-scored anything
     */
    public record Outcome(SearchRun run, SearchRun.Result result, List<Summary.Member> front, Summary.Baseline baseline,
                          boolean worked) { }

    /**
     * {@value Summary#TEST_CORRECTNESS}: the front's and the uncompressed network's per-image
     * correctness on the test images, for the paired losses of Tables II and III (written only when
     * the test oracle keeps them).
     */
    private static void writeTestCorrectness(Plan plan, List<Summary.Member> front) throws IOException {
        if (plan.testAccuracy() == null) return;
        java.util.Map<String, org.emomc4j.metrics.Correctness> m = new java.util.LinkedHashMap<>();
        for (Summary.Member x : front) {
            org.emomc4j.metrics.Correctness c = plan.testAccuracy().correctness(x.genome());
            if (c != null) m.put(SearchRun.csvKey(x.genome()), c);
        }
        if (m.isEmpty()) return;
        org.emomc4j.metrics.Correctness base = plan.testAccuracy().uncompressedCorrectness();
        java.util.Map<String, org.emomc4j.metrics.Correctness> all = new java.util.LinkedHashMap<>();
        if (base != null) all.put(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED, base);
        all.putAll(m);
        org.emomc4j.metrics.CorrectnessFile.write(plan.dir().resolve(Summary.TEST_CORRECTNESS), all);
    }

    /**
     * The time a search still needs after generation {@code p}: its evaluations left at the mean
     * time per evaluation so far. The search's own recorded time (summed over the sessions it ran
     * in) and evaluations, not the time since this process started: a search resumed at generation
     * 60 would otherwise divide one generation's time by 61. {@code evaluations}: the search's
     * planned total ({@link SearchConfig#plannedEvaluations}).
     */
    public static double secondsLeft(SearchRun.Progress p, int evaluations) {
        return p.evaluations() <= 0 ? Double.NaN : p.elapsedSeconds() / p.evaluations() * Math.max(0, evaluations - p.evaluations());
    }

    /** Runs, resumes or reads one search; {@code log} gets one line per generation. */
    public static Outcome run(Plan plan, boolean resume, Consumer<String> log) throws IOException {
        SearchConfig cfg = plan.config();
        EmomcProblem problem = EmomcProblem.of(cfg, plan.grid(), plan.costs().spec().size(), plan.searchAccuracy(), plan.costs());
        SearchRun run = new SearchRun(cfg, problem, plan.dir());
        int evaluations = cfg.evaluationsAfter(cfg.generations());
        SearchRun.Result r = run.run(resume, p -> log.accept(String.format(Locale.ROOT,
                "stage 2 %s: generation %d/%d, %d evaluations (%d measured), hypervolume %.4f, front %d, ETA %s", plan.name(),
                p.generation(), p.generations(), p.evaluations(), p.measured(), p.hypervolume(), p.frontSize(),
                Reproduce.eta(secondsLeft(p, evaluations)))));
        Path summary = plan.dir().resolve(Summary.FILE);
        if (r.generationsRun() == 0 && Files.isRegularFile(summary)) {
            log.accept("stage 2 " + plan.name() + ": finished earlier (" + cfg.generations() + " generations, "
                    + r.evaluations().size() + " genomes measured); read " + summary);
            return new Outcome(run, r, Summary.readFront(plan.dir()), Summary.readBaseline(plan.dir()), false);
        }
        log.accept("stage 2 " + plan.name() + ": re-scoring the front (" + r.front().size() + " genomes) on the test split ...");
        long t1 = System.nanoTime();
        List<Summary.Member> front = Summary.rescore(r.front(), plan.testAccuracy());
        Summary.Baseline baseline = new Summary.Baseline(plan.baselineAccuracy().getAsDouble(), plan.costs().baselineEnergy(),
                plan.costs().baselineSize());
        writeTestCorrectness(plan, front);
        Summary.write(plan.dir(), cfg, r, front, baseline, run.hypervolumeReference(), (System.nanoTime() - t1) / 1e9);
        return new Outcome(run, r, front, baseline, true);
    }
}
