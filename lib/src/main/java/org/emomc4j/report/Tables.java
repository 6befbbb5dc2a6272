package org.emomc4j.report;

import org.emomc4j.metrics.Gains;
import org.emomc4j.search.Evaluation;
import org.emomc4j.search.ExtraStages;
import org.emomc4j.search.PruningFilters;
import org.emomc4j.search.Reproduce;
import org.emomc4j.util.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Where our aggregation score ({@link org.emomc4j.metrics.AggregationScore}) peaks on each energy
     * front, for the paper's weightings r/tau = 5, 1, 0.2: the peak's accuracy, energy and score.
     */
    public static Table scorePeaks(Gains.Fronts energy) {
        tech.tablesaw.api.StringColumn df = tech.tablesaw.api.StringColumn.create("dataflow");
        DoubleColumn w = DoubleColumn.create("r/tau"), acc = DoubleColumn.create("peak_accuracy_%"),
                e = DoubleColumn.create("peak_energy_mJ"), score = DoubleColumn.create("peak_score");
        for (double weight : org.emomc4j.metrics.AggregationScore.PAPER_WEIGHTS) {
            for (Map.Entry<String, List<Gains.Candidate>> f : energy.fronts().entrySet()) {
                Gains.Baseline b = energy.baselines().get(f.getKey());
                int i = org.emomc4j.metrics.AggregationScore.peak(f.getValue(), b, weight);
                if (i < 0) continue;
                Gains.Candidate c = f.getValue().get(i);
                df.append(f.getKey());
                w.append(weight);
                acc.append(100 * c.accuracy());
                e.append(c.cost());
                score.append(org.emomc4j.metrics.AggregationScore.score(c.accuracy(), c.cost(), b.accuracy(), b.cost(), weight));
            }
        }
        return Table.create("Fig. 7 peaks (our score)", df, w, acc, e, score);
    }

    /** A table as GitHub Markdown (numbers with {@code digits} decimals, NaN and missing as "-", '|' in a cell escaped). */
    public static String markdown(Table t, int digits) {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", t.columnNames())).append(" |\n|");
        sb.append("---|".repeat(t.columnCount())).append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (int c = 0; c < t.columnCount(); c++) {
                Object v = t.column(c).get(r);
                String s = v instanceof Double d ? (Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", d))
                        : v == null ? "-" : v.toString();
                sb.append(' ').append(s.replace("|", "\\|")).append(" |"); // X|Y would end the cell
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** How the side-by-side tables are read (written above them). */
    public static final String BESIDE_NOTE = "Each method's cheapest network whose test accuracy is within the budget, judged "
            + "alike: gain (size: rate against dense 32 bit), loss in points with its paired 95 % interval [lo, hi] on the same "
            + "test images, and whether the upper end is within the budget. Pruning Filters (Li et al.) is computed by us: "
            + "32-bit weights, each layer's r the fraction of its weights the kept filters and input channels leave. Stage 3 "
            + "(beyond the paper) is QAT of the knee plan and of the plans that set EMOMC's rows; its costs are the plans' own. "
            + "Empty columns say why (not run, none within budget, no per-image results).";

    /** The columns of Table II / III that belong to EMOMC (the other methods' prefixed columns left out). */
    public static Table emomcColumns(Table t) {
        List<String> own = t.columnNames().stream()
                .filter(c -> !c.startsWith(PruningFilters.BESIDE + "_") && !c.startsWith(ExtraStages.STAGE3_BESIDE + "_")).toList();
        return t.selectColumns(own.toArray(String[]::new)).setName(t.name());
    }

    /**
     * Table II / III with EMOMC's, the peer's and stage 3's results side by side, one line per row
     * label and budget: per method its gain, loss [95 % interval] and whether the upper end is
     * within the budget, and for the others which network it is or why the cells are empty.
     */
    public static Table sideBySide(Table t) {
        boolean size = t.columnNames().contains("rate_vs_dense32_x");
        String g = size ? "rate_vs_dense32_x" : "gain_x";
        StringColumn label = t.stringColumn(0).copy();
        DoubleColumn budget = t.doubleColumn("budget_%").copy();
        Table out = Table.create(t.name() + ", side by side", label, budget);
        for (String p : new String[]{"", PruningFilters.BESIDE + "_", ExtraStages.STAGE3_BESIDE + "_"}) {
            if (!t.columnNames().contains(p + g)) continue;
            String m = p.isEmpty() ? "EMOMC " : p.replace('_', ' ');
            DoubleColumn gain = t.doubleColumn(p + g).copy().setName(m + (size ? "rate_x" : "gain_x"));
            StringColumn loss = StringColumn.create(m + "loss_% [95 %]"), within = StringColumn.create(m + "within");
            for (int i = 0; i < t.rowCount(); i++) {
                double l = t.doubleColumn(p + "loss_%").getDouble(i), lo = t.doubleColumn(p + "loss_lo_%").getDouble(i),
                        hi = t.doubleColumn(p + "loss_hi_%").getDouble(i);
                loss.append(Double.isNaN(l) ? "-" : Double.isNaN(lo) ? String.format(Locale.ROOT, "%.2f", l)
                        : String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", l, lo, hi));
                within.append(t.stringColumn(p + "upper_within_budget").get(i));
            }
            out.addColumns(gain, loss, within);
            if (!p.isEmpty()) {
                StringColumn what = StringColumn.create(m + "network");
                for (int i = 0; i < t.rowCount(); i++) {
                    String n = t.stringColumn(p + "note").get(i);
                    what.append(n == null || n.isEmpty() ? t.stringColumn(p + "network").get(i) : n);
                }
                out.addColumns(what);
            }
        }
        return out;
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

    /**
     * Tables II and III of a reproduction as Markdown, ours beside the paper's rows with the notes on
     * their baselines, written to {@code file}.
     */
    public static void saveReproduction(Reproduce.Report r, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# Tables II and III (").append(r.profile().label()).append(", CIFAR-10 test)\n\n");
        sb.append("Ours: for each loss budget, the cheapest front member whose test accuracy is within the budget of the ")
                .append("uncompressed network; the loss with its exact McNemar-based 95 % interval (paired, same test images; ")
                .append("docs/method.md), and whether the interval's upper end is within the budget.\n\n");
        sb.append("## Table II: energy (ours)\n\n").append(Tables.markdown(emomcColumns(r.tableII()), 3)).append('\n');
        sb.append("### Table II: EMOMC, the peer method and stage 3 side by side\n\n").append(BESIDE_NOTE).append("\n\n")
                .append(markdown(sideBySide(r.tableII()), 3)).append('\n');
        sb.append("## Table II as printed in the paper\n\n").append(Tables.markdown(org.emomc4j.metrics.PaperResults.tableII(), 1))
                .append('\n').append(org.emomc4j.metrics.PaperResults.ENERGY_NOTE).append("\n\n");
        sb.append("## Table III: size (ours)\n\n").append(Tables.markdown(emomcColumns(r.tableIII()), 3)).append('\n');
        sb.append("### Table III: EMOMC, the peer method and stage 3 side by side\n\n").append(BESIDE_NOTE).append("\n\n")
                .append(markdown(sideBySide(r.tableIII()), 3)).append('\n');
        sb.append("## Table III as printed in the paper\n\n").append(Tables.markdown(org.emomc4j.metrics.PaperResults.tableIII(), 1))
                .append('\n').append(org.emomc4j.metrics.PaperResults.SIZE_NOTE).append('\n');
        sb.append("\n## Fig. 7 peaks, our aggregation score S = (E0/E)(a/a0)^w (not the paper's formula)\n\n")
                .append(markdown(scorePeaks(r.energyGains()), 3));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.writeString(file, sb.toString());
    }
}
