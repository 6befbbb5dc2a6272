package org.emomc4j.report;

import org.emomc4j.search.Evaluation;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tablesaw tables of fronts and of the paper's Table II / III (gains at an accuracy-loss budget). */
public final class Tables {
    private Tables() { }

    /** A front as a table: r, bits, accuracy (%), energy (mJ), size (KiB). */
    public static Table front(String name, List<Evaluation> front) {
        StringColumn bits = StringColumn.create("bits");
        DoubleColumn r = DoubleColumn.create("r"), acc = DoubleColumn.create("accuracy_%"),
                e = DoubleColumn.create("energy_mJ"), s = DoubleColumn.create("size_kB");
        for (Evaluation v : front) {
            r.append(v.genome().remaining());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.genome().layers(); i++) sb.append(i == 0 ? "" : " ").append(v.genome().bits(i));
            bits.append(sb.toString());
            acc.append(100 * v.accuracy());
            e.append(v.energyMilliJoules());
            s.append(v.sizeKiB());
        }
        return Table.create(name, r, bits, acc, e, s);
    }

    /**
     * The best gain within an accuracy-loss budget: among front members whose accuracy is at
     * least {@code baselineAccuracy - maxLoss}, the lowest cost, and baseline cost / that cost.
     *
     * @return {cost, gain, accuracy}, or NaNs when no member is within the budget
     */
    public static double[] bestGain(List<Evaluation> front, Charts.Cost cost, double baselineAccuracy,
                                    double baselineCost, double maxLoss) {
        double best = Double.POSITIVE_INFINITY, acc = Double.NaN;
        for (Evaluation e : front) {
            if (e.accuracy() >= baselineAccuracy - maxLoss - 1e-12 && cost.of(e) < best) {
                best = cost.of(e);
                acc = e.accuracy();
            }
        }
        if (Double.isInfinite(best)) return new double[]{Double.NaN, Double.NaN, Double.NaN};
        return new double[]{best, baselineCost / best, acc};
    }

    /**
     * The paper's Table II (energy) or III (size): per dataflow or coding, the best cost and gain at
     * 0.3 % and 1 % accuracy loss.
     */
    public static Table gains(String name, Charts.Cost cost, double baselineAccuracy, Map<String, Double> baselineCosts,
                              Map<String, List<Evaluation>> fronts) {
        StringColumn label = StringColumn.create(cost == Charts.Cost.ENERGY ? "dataflow" : "coding");
        DoubleColumn base = DoubleColumn.create("baseline"), c03 = DoubleColumn.create("best@0.3%"),
                g03 = DoubleColumn.create("gain@0.3%"), c1 = DoubleColumn.create("best@1%"), g1 = DoubleColumn.create("gain@1%");
        for (Map.Entry<String, List<Evaluation>> f : fronts.entrySet()) {
            double b = baselineCosts.get(f.getKey());
            double[] a = bestGain(f.getValue(), cost, baselineAccuracy, b, 0.003);
            double[] z = bestGain(f.getValue(), cost, baselineAccuracy, b, 0.01);
            label.append(f.getKey());
            base.append(b);
            c03.append(a[0]);
            g03.append(a[1]);
            c1.append(z[0]);
            g1.append(z[1]);
        }
        return Table.create(name, label, base, c03, g03, c1, g1);
    }

    /** Formats a gain like the paper: {@code 8.9x}. */
    public static String gain(double g) {
        return Double.isNaN(g) ? "-" : String.format(Locale.ROOT, "%.1fx", g);
    }

    /** Prints the table's decimal columns with {@code digits} decimals (for reading, not for CSV); returns it. */
    public static Table rounded(Table table, int digits) {
        for (tech.tablesaw.api.NumericColumn<?> c : table.numericColumns()) {
            if (c instanceof DoubleColumn d) d.setPrintFormatter(tech.tablesaw.columns.numbers.NumberColumnFormatter.fixedWithGrouping(digits));
        }
        return table;
    }
}
