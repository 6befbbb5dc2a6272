package org.emomc4j.metrics;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The paper's gain metric (Tables II and III): among the compressed networks of a front whose
 * accuracy is within an accuracy-loss budget of the uncompressed baseline (0.3 % in the paper; any
 * list of budgets here), the lowest cost, and the gain baseline cost / that cost.
 *
 * <p>Two definitions, both labelled in the tables ({@link Kind}):
 * <ul>
 *   <li>energy: the uncompressed network (r = 1, 32 bit) on the same dataflow divided by the plan;</li>
 *   <li>size: the dense 32-bit network (14,715,584 weights x 4 B = 58.9 MB for VGG-16) divided by the
 *       plan's size in its coding, the paper's rule for every coding (Table III: 58.9 / 24.5 = 2.4x
 *       for COO); beside it the same-coding ratio (the coding's own uncompressed size / the plan's).</li>
 * </ul>
 * Each row carries the paired 95 % interval of its accuracy loss ({@link PairedLoss}) when both
 * networks' per-image correctness is known, and whether the interval's upper end is within the
 * budget. Works on plain numbers, so the search (summary.json), the report and the notebooks share it.
 */
public final class Gains {
    private Gains() { }

    /** The paper's accuracy-loss budgets: 0.3 % and 1 % (summary.json). */
    public static final double[] PAPER_LOSSES = {0.003, 0.01};

    /** The budgets of the reproduced Tables II and III: 0.3 %, 1 % and 2 %. */
    public static final double[] TABLE_BUDGETS = {0.003, 0.01, 0.02};

    /** MB (10^6 bytes, the paper's unit) of a size in KiB. */
    public static double megabytes(double kib) { return kib * 1024 / 1e6; }

    /** Which table: the cost's unit and the gain's definition. */
    public enum Kind {
        /** Table II: energy per inference in mJ, one row per dataflow. */
        ENERGY("dataflow"),
        /** Table III: model size (costs in KiB, shown in MB too), one row per coding. */
        SIZE("coding");

        private final String rowLabel;

        Kind(String rowLabel) { this.rowLabel = rowLabel; }

        public String rowLabel() { return rowLabel; }
    }

    /**
     * One compressed network of a front.
     *
     * @param cost    energy (mJ) or size (KiB)
     * @param correct its per-image correctness on the images {@code accuracy} was measured on (null: unknown)
     * @param id      which network it is, for a table's reader (a peer grid point, a stage-3 plan); null when not shown
     */
    public record Candidate(double accuracy, double cost, Correctness correct, String id) {
        /** A front member that the table does not name. */
        public Candidate(double accuracy, double cost, Correctness correct) { this(accuracy, cost, correct, null); }
    }

    /**
     * Another method's networks shown as columns beside EMOMC's in Tables II and III (the peer method
     * "Pruning Filters", stage 3): per row label (dataflow or coding) its candidates, on the same
     * test images and under the same cost model, judged by the same rule at each budget (the
     * cheapest within it, its paired interval, whether the interval's upper end is within it).
     *
     * @param prefix   the columns' prefix ("peer", "stage3")
     * @param fronts   per row label its candidates; null when the method was not run
     * @param baseline per-image correctness of the uncompressed network the method's losses pair with
     *                 (null: the row's baseline's)
     * @param note     shown in every row when the method was not run (null otherwise)
     */
    public record Beside(String prefix, Map<String, List<Candidate>> fronts, Correctness baseline, String note) {
        /** A method that was not run: its columns stay empty, each row saying {@code why}. */
        public static Beside notRun(String prefix, String why) { return new Beside(prefix, null, null, why); }

        /** The method's best candidate for one row label and budget (its loss paired with the method's baseline). */
        Row row(String label, double budget, Baseline base) {
            Baseline b = baseline == null ? base : new Baseline(base.accuracy(), base.cost(), base.sameCodingCost(), baseline);
            return atBudgets(label, fronts.getOrDefault(label, List.of()), b, budget).get(0);
        }
    }

    /**
     * The uncompressed network a row compares against.
     *
     * @param cost           the gain's denominator: energy at r = 1, 32 bit on the row's dataflow; or the dense 32-bit size
     * @param sameCodingCost size only: the uncompressed network in the row's own coding (NaN for energy)
     * @param correct        per-image correctness on the candidates' images (null: unknown)
     */
    public record Baseline(double accuracy, double cost, double sameCodingCost, Correctness correct) { }

    /**
     * The best member within one loss budget.
     *
     * @param best the cheapest member within the budget, or null when none is
     * @param loss its paired loss with interval, or null when a correctness is unknown
     */
    public record Row(String label, double budget, Baseline baseline, Candidate best, PairedLoss loss) {
        /** baseline cost / best cost (the paper's gain; NaN when no member is within the budget). */
        public double gain() { return best == null ? Double.NaN : baseline.cost() / best.cost(); }

        /** The same-coding ratio (size only; NaN otherwise). */
        public double sameCodingGain() { return best == null ? Double.NaN : baseline.sameCodingCost() / best.cost(); }

        /** Baseline accuracy minus the best member's (NaN when none). */
        public double pointLoss() { return best == null ? Double.NaN : baseline.accuracy() - best.accuracy(); }

        /** "yes" when the loss interval's upper end is within the budget, "no" when not, "-" when unknown. */
        public String upperWithinBudget() { return loss == null ? "-" : loss.upperWithin(budget) ? "yes" : "no"; }
    }

    /**
     * The fronts of one table (per dataflow or coding, under the paper's names) and their baselines:
     * what a reproduction hands to the tables, Fig. 7 and the notebooks.
     */
    public record Fronts(Kind kind, Map<String, List<Candidate>> fronts, Map<String, Baseline> baselines) {
        /** The best member of every front at every budget ({@link Gains#rows}). */
        public List<Row> rows(double... budgets) { return Gains.rows(fronts, baselines, budgets); }

        /** Table II or III at the given budgets ({@link Gains#table}). */
        public Table table(String name, double... budgets) { return Gains.table(name, kind, rows(budgets)); }

        /** Table II or III at the given budgets with other methods' columns beside EMOMC's ({@link Gains#table(String, Kind, List, List)}). */
        public Table table(String name, List<Beside> beside, double... budgets) { return Gains.table(name, kind, rows(budgets), beside); }
    }

    /**
     * The best gain within an accuracy-loss budget.
     *
     * @param maxLoss accuracy loss allowed, as a fraction (0.003 = 0.3 points)
     * @return {cost, gain, accuracy} of the cheapest member within the budget, or NaNs when none is
     */
    public static <T> double[] best(List<T> front, ToDoubleFunction<T> accuracy, ToDoubleFunction<T> cost,
                                    double baselineAccuracy, double baselineCost, double maxLoss) {
        int i = cheapestWithin(front, accuracy, cost, baselineAccuracy, maxLoss);
        if (i < 0) return new double[]{Double.NaN, Double.NaN, Double.NaN};
        double c = cost.applyAsDouble(front.get(i));
        return new double[]{c, baselineCost / c, accuracy.applyAsDouble(front.get(i))};
    }

    /**
     * Index of the cheapest member whose accuracy is within {@code maxLoss} of the baseline's (the
     * first one on ties), or -1 when none is.
     */
    public static <T> int cheapestWithin(List<T> front, ToDoubleFunction<T> accuracy, ToDoubleFunction<T> cost,
                                         double baselineAccuracy, double maxLoss) {
        double best = Double.POSITIVE_INFINITY;
        int at = -1;
        for (int i = 0; i < front.size(); i++) {
            T e = front.get(i);
            double c = cost.applyAsDouble(e);
            if (accuracy.applyAsDouble(e) >= baselineAccuracy - maxLoss - 1e-12 && c < best) {
                best = c;
                at = i;
            }
        }
        return at;
    }

    /**
     * The best member of a front at every budget (the public API the notebooks call).
     *
     * @param budgets accuracy-loss budgets as fractions (e.g. {@link #TABLE_BUDGETS})
     */
    public static List<Row> atBudgets(String label, List<Candidate> front, Baseline baseline, double... budgets) {
        List<Row> rows = new ArrayList<>();
        for (double budget : budgets) {
            int i = cheapestWithin(front, Candidate::accuracy, Candidate::cost, baseline.accuracy(), budget);
            Candidate c = i < 0 ? null : front.get(i);
            PairedLoss loss = c == null || c.correct() == null || baseline.correct() == null ? null
                    : PairedLoss.of(baseline.correct(), c.correct());
            rows.add(new Row(label, budget, baseline, c, loss));
        }
        return rows;
    }

    /** {@link #atBudgets} for every row label (dataflow or coding), in the map's order. */
    public static List<Row> rows(Map<String, List<Candidate>> fronts, Map<String, Baseline> baselines, double... budgets) {
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Candidate>> f : fronts.entrySet()) {
            Baseline b = baselines.get(f.getKey());
            if (b == null) throw new IllegalArgumentException("no baseline for " + f.getKey());
            out.addAll(atBudgets(f.getKey(), f.getValue(), b, budgets));
        }
        return out;
    }

    /**
     * Table II (energy) or III (size), one line per (row, budget): absolute cost first, then the
     * gain(s), the test accuracy, the loss with its 95 % interval, and whether the interval's upper
     * end is within the budget. Percentages are points (0.3 = 0.3 %).
     */
    public static Table table(String name, Kind kind, List<Row> rows) {
        StringColumn label = StringColumn.create(kind.rowLabel()), within = StringColumn.create("upper_within_budget");
        DoubleColumn budget = DoubleColumn.create("budget_%"), base = DoubleColumn.create(kind == Kind.ENERGY ? "baseline_mJ" : "dense32_MB"),
                baseSame = DoubleColumn.create("baseline_same_coding_MB"),
                cost = DoubleColumn.create(kind == Kind.ENERGY ? "energy_mJ" : "size_MB"), kib = DoubleColumn.create("size_KiB"),
                gain = DoubleColumn.create(kind == Kind.ENERGY ? "gain_x" : "rate_vs_dense32_x"),
                same = DoubleColumn.create("rate_vs_same_coding_x"), acc = DoubleColumn.create("test_accuracy_%"),
                baseAcc = DoubleColumn.create("baseline_accuracy_%"), loss = DoubleColumn.create("loss_%"),
                lo = DoubleColumn.create("loss_lo_%"), hi = DoubleColumn.create("loss_hi_%");
        IntColumn images = IntColumn.create("images");
        boolean size = kind == Kind.SIZE;
        for (Row r : rows) {
            label.append(r.label());
            budget.append(100 * r.budget());
            base.append(size ? megabytes(r.baseline().cost()) : r.baseline().cost());
            baseSame.append(megabytes(r.baseline().sameCodingCost()));
            double c = r.best() == null ? Double.NaN : r.best().cost();
            cost.append(size ? megabytes(c) : c);
            kib.append(c);
            gain.append(r.gain());
            same.append(r.sameCodingGain());
            acc.append(r.best() == null ? Double.NaN : 100 * r.best().accuracy());
            baseAcc.append(100 * r.baseline().accuracy());
            loss.append(100 * r.pointLoss());
            lo.append(r.loss() == null ? Double.NaN : 100 * r.loss().lower());
            hi.append(r.loss() == null ? Double.NaN : 100 * r.loss().upper());
            if (r.loss() == null) images.appendMissing();
            else images.append(r.loss().images());
            within.append(r.upperWithinBudget());
        }
        return size ? Table.create(name, label, budget, base, baseSame, cost, kib, gain, same, acc, baseAcc, loss, lo, hi, within, images)
                : Table.create(name, label, budget, base, cost, gain, acc, baseAcc, loss, lo, hi, within, images);
    }

    /**
     * {@link #table(String, Kind, List)} with, for every line, each other method's columns beside
     * EMOMC's, prefixed by {@link Beside#prefix}: its cost, gain(s), test accuracy, loss with 95 %
     * interval, whether the interval's upper end is within the budget, which network it is, and a
     * note ("not run ...", "none within budget", "no per-image results") where a column is empty.
     */
    public static Table table(String name, Kind kind, List<Row> rows, List<Beside> beside) {
        Table t = table(name, kind, rows);
        boolean size = kind == Kind.SIZE;
        for (Beside m : beside) {
            String p = m.prefix() + "_";
            StringColumn id = StringColumn.create(p + "network"), within = StringColumn.create(p + "upper_within_budget"),
                    note = StringColumn.create(p + "note");
            DoubleColumn cost = DoubleColumn.create(p + (size ? "size_MB" : "energy_mJ")),
                    gain = DoubleColumn.create(p + (size ? "rate_vs_dense32_x" : "gain_x")),
                    same = DoubleColumn.create(p + "rate_vs_same_coding_x"), acc = DoubleColumn.create(p + "test_accuracy_%"),
                    loss = DoubleColumn.create(p + "loss_%"), lo = DoubleColumn.create(p + "loss_lo_%"),
                    hi = DoubleColumn.create(p + "loss_hi_%");
            for (Row r : rows) {
                Row x = m.fronts() == null ? null : m.row(r.label(), r.budget(), r.baseline());
                Candidate c = x == null ? null : x.best();
                id.append(c == null || c.id() == null ? "" : c.id());
                cost.append(c == null ? Double.NaN : size ? megabytes(c.cost()) : c.cost());
                gain.append(c == null ? Double.NaN : x.gain());
                same.append(c == null ? Double.NaN : x.sameCodingGain());
                acc.append(c == null ? Double.NaN : 100 * c.accuracy());
                loss.append(c == null ? Double.NaN : 100 * x.pointLoss());
                lo.append(x == null || x.loss() == null ? Double.NaN : 100 * x.loss().lower());
                hi.append(x == null || x.loss() == null ? Double.NaN : 100 * x.loss().upper());
                within.append(x == null ? "-" : x.upperWithinBudget());
                note.append(m.fronts() == null ? m.note() : c == null ? "none within budget" : x.loss() == null ? "no per-image results" : "");
            }
            t.addColumns(cost, gain);
            if (size) t.addColumns(same);
            t.addColumns(acc, loss, lo, hi, within, id, note);
        }
        return t;
    }
}
