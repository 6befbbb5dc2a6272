package org.emomc4j.metrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The knee of a two-objective front (accuracy against cost): the member farthest from the
 * straight line joining the front's two ends (the cheapest and the most accurate member), with
 * both objectives normalised to [0, 1] over the front. A common reading of "the best trade-off"
 * for a user who must pick one plan; the paper names none, so this is ours.
 */
public final class Knee {
    private Knee() { }

    /** Index of the knee in {@code front}, or -1 when the front is empty. Fronts of one or two members return their cheapest. */
    public static <T> int index(List<T> front, ToDoubleFunction<T> accuracy, ToDoubleFunction<T> cost) {
        int n = front.size();
        if (n == 0) return -1;
        double aMin = Double.POSITIVE_INFINITY, aMax = Double.NEGATIVE_INFINITY, cMin = Double.POSITIVE_INFINITY, cMax = Double.NEGATIVE_INFINITY;
        int cheapest = 0, best = 0;
        for (int i = 0; i < n; i++) {
            double a = accuracy.applyAsDouble(front.get(i)), c = cost.applyAsDouble(front.get(i));
            if (c < cMin) { cMin = c; cheapest = i; }
            if (a > aMax) { aMax = a; best = i; }
            aMin = Math.min(aMin, a);
            cMax = Math.max(cMax, c);
        }
        if (n <= 2 || aMax == aMin || cMax == cMin) return cheapest;
        // Normalised points (x = cost, y = accuracy); the chord from the cheapest end to the most accurate.
        double x0 = norm(cost.applyAsDouble(front.get(cheapest)), cMin, cMax),
                y0 = norm(accuracy.applyAsDouble(front.get(cheapest)), aMin, aMax),
                x1 = norm(cost.applyAsDouble(front.get(best)), cMin, cMax), y1 = norm(accuracy.applyAsDouble(front.get(best)), aMin, aMax);
        double dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
        int knee = cheapest;
        double far = -1;
        for (int i = 0; i < n; i++) {
            double x = norm(cost.applyAsDouble(front.get(i)), cMin, cMax), y = norm(accuracy.applyAsDouble(front.get(i)), aMin, aMax);
            // Signed distance, positive above the chord (more accurate for its cost than the ends' line).
            double d = len == 0 ? 0 : (dx * (y - y0) - dy * (x - x0)) / len;
            if (d > far) { far = d; knee = i; }
        }
        return knee;
    }

    private static double norm(double v, double lo, double hi) { return (v - lo) / (hi - lo); }
}
