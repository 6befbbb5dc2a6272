package org.emomc4j.compress.prune;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.WeightTransform;

import java.util.function.ToDoubleFunction;

/**
 * The reference's <em>dynamic</em> pruning as a forward weight transform: on every forward pass
 * it re-selects the round(n*(1-r)) smallest |w| of the current dense weights and zeroes them for
 * that pass only. No mask is stored; the engine's straight-through update changes all dense
 * weights, so a pruned weight can grow back (Dynamic Network Surgery style).
 *
 * <p>The remaining fraction comes from a function of the layer, so a schedule can change it
 * between steps (e.g. {@code new DynamicPruning(l -> schedule.remaining(step))}). Thread-safe if
 * that function is.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#pruning}.
 */
public final class DynamicPruning implements WeightTransform {

    private final ToDoubleFunction<LayerSpec> remaining;

    public DynamicPruning(ToDoubleFunction<LayerSpec> remaining) {
        this.remaining = remaining;
    }

    /** Each layer at the plan's remaining fraction. */
    public static DynamicPruning of(CompressionPlan plan) {
        return new DynamicPruning(l -> plan.remaining(l.index()));
    }

    /** Every layer at the same remaining fraction. */
    public static DynamicPruning uniform(double r) {
        MagnitudePruning.checkRemaining(r);
        return new DynamicPruning(l -> r);
    }

    @Override
    public float[] apply(LayerSpec layer, float[] weights) {
        double r = remaining.applyAsDouble(layer);
        int k = MagnitudePruning.prunedCount(weights.length, r);
        if (k == 0) return weights;
        long[] keys = Magnitude.keys(weights);
        Magnitude.selectSmallest(keys, k);
        for (int i = 0; i < k; i++) weights[Magnitude.position(keys[i])] = 0f;
        return weights;
    }
}
