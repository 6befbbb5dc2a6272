package org.emomc4j.compress.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * When to prune how much (the schedule, kept apart from the pruning policy, as in Distiller):
 * the remaining fraction after step s of K, with step 0 = unpruned (1.0) and step K = the target.
 */
public interface PruningSchedule {

    /** Number of pruning steps K. */
    int steps();

    /** Remaining fraction in force after step {@code step} (0..K; clamped outside). */
    double remaining(int step);

    /** The reference's geometric schedule r^(s/K) (stage 1: K = 32 one-epoch steps). */
    static PruningSchedule geometric(double target, int steps) {
        check(target, steps);
        return new PruningSchedule() {
            @Override public int steps() { return steps; }
            @Override public double remaining(int s) {
                int c = Math.max(0, Math.min(steps, s));
                return c == steps ? target : Math.pow(target, (double) c / steps);
            }
            @Override public String toString() { return "geometric(" + target + ", " + steps + ")"; }
        };
    }

    /**
     * Zhu &amp; Gupta's cubic schedule ("To prune, or not to prune", 2017): sparsity
     * s_t = s_f + (s_i - s_f)(1 - t/K)^3, from initial remaining 1 to {@code target}; prunes fast
     * early, slowly near the end.
     */
    static PruningSchedule cubic(double target, int steps) {
        return cubic(1.0, target, steps);
    }

    /** Cubic schedule from {@code initial} remaining fraction to {@code target}. */
    static PruningSchedule cubic(double initial, double target, int steps) {
        check(target, steps);
        check(initial, steps);
        return new PruningSchedule() {
            @Override public int steps() { return steps; }
            @Override public double remaining(int s) {
                int c = Math.max(0, Math.min(steps, s));
                if (c == steps) return target;
                double si = 1 - initial, sf = 1 - target;
                double sparsity = sf + (si - sf) * Math.pow(1 - (double) c / steps, 3);
                return 1 - sparsity;
            }
            @Override public String toString() { return "cubic(" + initial + " -> " + target + ", " + steps + ")"; }
        };
    }

    /** The reference's stage-1 targets: r = 0.20, 0.21, ..., 0.80 (61 checkpoints). */
    static List<Double> referenceTargets() {
        List<Double> r = new ArrayList<>();
        for (int i = 20; i <= 80; i++) r.add(i / 100.0);
        return r;
    }

    private static void check(double r, int steps) {
        if (!(r > 0 && r <= 1)) throw new IllegalArgumentException("remaining fraction must be in (0, 1], got " + r);
        if (steps < 1) throw new IllegalArgumentException("a schedule needs at least 1 step, got " + steps);
    }
}
