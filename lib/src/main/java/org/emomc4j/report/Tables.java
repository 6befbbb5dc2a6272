package org.emomc4j.report;

import org.emomc4j.metrics.Gains;
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

    /** The best gain within an accuracy-loss budget ({@link Gains#best}): {cost, gain, accuracy}, or NaNs. */
    public static double[] bestGain(List<Evaluation> front, Charts.Cost cost, double baselineAccuracy,
                                    double baselineCost, double maxLoss) {
        return Gains.best(front, Evaluation::accuracy, cost::of, baselineAccuracy, baselineCost, maxLoss);
    }

    /** The paper's Table II (energy) or III (size) ({@link Gains#table}). */
    public static Table gains(String name, Charts.Cost cost, double baselineAccuracy, Map<String, Double> baselineCosts,
                              Map<String, List<Evaluation>> fronts) {
        return Gains.table(name, cost == Charts.Cost.ENERGY ? "dataflow" : "coding", baselineAccuracy, baselineCosts, fronts,
                Evaluation::accuracy, cost::of);
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
