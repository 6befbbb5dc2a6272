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

    /**
     * The paper's Table II (energy) or III (size) ({@link Gains#table}) at the given budgets, from
     * fronts of evaluations (their per-image correctness, when kept, gives the paired intervals).
     *
     * @param baselineCosts per row, the gain's denominator (energy: the uncompressed network; size: dense 32 bit)
     */
    public static Table gains(String name, Charts.Cost cost, double baselineAccuracy, Map<String, Double> baselineCosts,
                              Map<String, List<Evaluation>> fronts, double... budgets) {
        Map<String, List<Gains.Candidate>> f = new java.util.LinkedHashMap<>();
        Map<String, Gains.Baseline> b = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<Evaluation>> e : fronts.entrySet()) {
            f.put(e.getKey(), e.getValue().stream().map(v -> new Gains.Candidate(v.accuracy(), cost.of(v), v.correct())).toList());
            b.put(e.getKey(), new Gains.Baseline(baselineAccuracy, baselineCosts.get(e.getKey()), Double.NaN, null));
        }
        Gains.Kind kind = cost == Charts.Cost.ENERGY ? Gains.Kind.ENERGY : Gains.Kind.SIZE;
        return Gains.table(name, kind, Gains.rows(f, b, budgets.length == 0 ? Gains.TABLE_BUDGETS : budgets));
    }

    /** A table as GitHub Markdown (numbers with {@code digits} decimals, NaN and missing as "-"). */
    public static String markdown(Table t, int digits) {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", t.columnNames())).append(" |\n|");
        sb.append("---|".repeat(t.columnCount())).append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (int c = 0; c < t.columnCount(); c++) {
                Object v = t.column(c).get(r);
                String s = v instanceof Double d ? (Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", d))
                        : v == null ? "-" : v.toString();
                sb.append(' ').append(s).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
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
