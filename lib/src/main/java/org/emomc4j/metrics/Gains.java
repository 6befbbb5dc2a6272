package org.emomc4j.metrics;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The paper's gain metric (Tables II and III): among the compressed networks of a front whose
 * accuracy is within an accuracy-loss budget of the uncompressed baseline (0.3 % or 1 % in the
 * paper), the lowest cost, and the gain baseline cost / that cost. Works on any front element
 * through accessors, so the search (which writes the numbers into summary.json) and the report
 * (which draws them) share it without depending on each other.
 */
public final class Gains {
    private Gains() { }

    /** The paper's accuracy-loss budgets: 0.3 % and 1 %. */
    public static final double[] PAPER_LOSSES = {0.003, 0.01};

    /**
     * The best gain within an accuracy-loss budget.
     *
     * @param maxLoss accuracy loss allowed, as a fraction (0.003 = 0.3 points)
     * @return {cost, gain, accuracy} of the cheapest member within the budget, or NaNs when none is
     */
    public static <T> double[] best(List<T> front, ToDoubleFunction<T> accuracy, ToDoubleFunction<T> cost,
                                    double baselineAccuracy, double baselineCost, double maxLoss) {
        double best = Double.POSITIVE_INFINITY, acc = Double.NaN;
        for (T e : front) {
            double c = cost.applyAsDouble(e);
            if (accuracy.applyAsDouble(e) >= baselineAccuracy - maxLoss - 1e-12 && c < best) {
                best = c;
                acc = accuracy.applyAsDouble(e);
            }
        }
        if (Double.isInfinite(best)) return new double[]{Double.NaN, Double.NaN, Double.NaN};
        return new double[]{best, baselineCost / best, acc};
    }

    /**
     * Table II (energy, one row per dataflow) or III (size, one row per coding): per row its
     * baseline cost and the best cost and gain at 0.3 % and 1 % accuracy loss.
     *
     * @param rowLabel      name of the first column ("dataflow" or "coding")
     * @param baselineCosts per row, the uncompressed network's cost
     */
    public static <T> Table table(String name, String rowLabel, double baselineAccuracy, Map<String, Double> baselineCosts,
                                  Map<String, List<T>> fronts, ToDoubleFunction<T> accuracy, ToDoubleFunction<T> cost) {
        StringColumn label = StringColumn.create(rowLabel);
        DoubleColumn base = DoubleColumn.create("baseline"), c03 = DoubleColumn.create("best@0.3%"),
                g03 = DoubleColumn.create("gain@0.3%"), c1 = DoubleColumn.create("best@1%"), g1 = DoubleColumn.create("gain@1%");
        for (Map.Entry<String, List<T>> f : fronts.entrySet()) {
            double b = baselineCosts.get(f.getKey());
            double[] a = best(f.getValue(), accuracy, cost, baselineAccuracy, b, PAPER_LOSSES[0]);
            double[] z = best(f.getValue(), accuracy, cost, baselineAccuracy, b, PAPER_LOSSES[1]);
            label.append(f.getKey());
            base.append(b);
            c03.append(a[0]);
            g03.append(a[1]);
            c1.append(z[0]);
            g1.append(z[1]);
        }
        return Table.create(name, label, base, c03, g03, c1, g1);
    }
}
