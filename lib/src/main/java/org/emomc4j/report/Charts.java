package org.emomc4j.report;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.metrics.AggregationScore;
import org.emomc4j.search.Evaluation;
import org.emomc4j.search.Reproduce;
import org.emomc4j.search.SearchRun;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The paper's figures as XChart charts: Pareto fronts (Figs. 5 and 6: accuracy against energy or
 * size, one series per dataflow or coding), our aggregation score along the fronts (Fig. 7),
 * hypervolume per generation, accuracy against the remaining fraction r (stage 1).
 *
 * <p>Figure rules: series carry the paper's names (X|Y, IC|OC, Fx|Fy, X|Fx; dense, CSR, COO); the
 * uncompressed baseline's accuracy and the loss-budget lines are drawn; the accuracy axis spans the
 * trade-off region ({@link #TRADE_OFF_WINDOW} below the baseline), and plans below it are drawn on
 * the axis floor with a down-triangle and counted in the legend, never stretching the axis; titles
 * are built from the figure's variables and the profile; every chart carries its data as CSV
 * ({@link #data}), which {@link Figures#save} writes beside the picture.
 */
public final class Charts {
    private Charts() { }

    /** How far below the baseline (in accuracy, a fraction) the front charts' axis reaches: 3 x the largest budget, at least 5 points. */
    public static final double TRADE_OFF_WINDOW = 0.05;

    private static final Map<Chart<?, ?>, String> DATA = Collections.synchronizedMap(new WeakHashMap<>());

    /** The data a chart was drawn from, as CSV (null for a chart this class did not make). */
    public static String data(Chart<?, ?> chart) { return DATA.get(chart); }

    /** Which cost a front chart puts on the x axis. */
    public enum Cost {
        ENERGY("energy per inference (mJ)", "energy_mJ", "energy"), SIZE("model size (KiB)", "size_KiB", "size");
        final String axis, column, noun;
        Cost(String axis, String column, String noun) { this.axis = axis; this.column = column; this.noun = noun; }
        double of(Evaluation e) { return this == ENERGY ? e.energyMilliJoules() : e.sizeKiB(); }
    }

    /** The paper's name of a dataflow or coding key (XY -> X|Y, csr -> CSR); other keys unchanged. */
    public static String paperName(String key) {
        try {
            return Dataflow.parse(key).label();
        } catch (UserError notADataflow) {
            try {
                return Reproduce.paperName(Coding.parse(key));
            } catch (UserError notACoding) {
                return key;
            }
        }
    }

    /** Longest title, in characters, that fits an 800-pixel chart in the 14-point title font. */
    public static final int TITLE_CHARS = 80;

    /**
     * A title that fits the chart: the figure's name and the profile in brackets; a profile label
     * too long for the line is dropped to its first clause ("profile quick, VGG-16 width 0.25, ..."
     * -> "profile quick"), then the whole is cut with an ellipsis.
     */
    static String title(String figure, String profile) {
        String t = figure + " [" + profile + "]";
        if (t.length() > TITLE_CHARS && profile.contains(",")) {
            String[] parts = profile.split(", ");
            StringBuilder p = new StringBuilder(parts[0]);
            for (int i = 1; i < parts.length && (figure + " [" + p + ", " + parts[i] + "]").length() <= TITLE_CHARS; i++)
                p.append(", ").append(parts[i]);
            t = figure + " [" + p + "]";
        }
        return t.length() <= TITLE_CHARS ? t : t.substring(0, TITLE_CHARS - 1) + "…";
    }

    private static XYChart chart(String title, String profile, int height, String x, String y) {
        XYChart c = new XYChartBuilder().width(800).height(height).title(title(title, profile)).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 14));
        return c;
    }

    /**
     * Fronts without a known baseline: the axis is ranged from the best member down
     * ({@link #fronts(String, String, Cost, Map, double, double...)} with the best accuracy as baseline, no budget lines).
     */
    public static XYChart fronts(String title, String profile, Cost cost, Map<String, List<Evaluation>> fronts) {
        double best = fronts.values().stream().flatMap(List::stream).mapToDouble(Evaluation::accuracy).max().orElse(1);
        return fronts(title, profile, cost, fronts, best, Double.NaN, new double[0]);
    }

    /**
     * Fronts (Figs. 5 and 6): accuracy (%) against cost, one series per key (named as the paper
     * does), the baseline's accuracy and the loss budgets as horizontal lines, the accuracy axis on
     * the trade-off region with the plans below it marked on its floor.
     *
     * @param baselineAccuracy the uncompressed network's accuracy (NaN: none drawn)
     * @param budgets          accuracy-loss budgets drawn below the baseline (fractions)
     */
    public static XYChart fronts(String title, String profile, Cost cost, Map<String, List<Evaluation>> fronts,
                                 double baselineAccuracy, double... budgets) {
        return fronts(title, profile, cost, fronts, baselineAccuracy, baselineAccuracy, budgets);
    }

    /** @param top the accuracy the trade-off window hangs from (the baseline's, or the best member's when there is none) */
    private static XYChart fronts(String title, String profile, Cost cost, Map<String, List<Evaluation>> fronts, double top,
                                  double baselineAccuracy, double[] budgets) {
        double maxBudget = 0;
        for (double b : budgets) maxBudget = Math.max(maxBudget, b);
        double window = Math.max(TRADE_OFF_WINDOW, 3 * maxBudget), floor = top - window;
        double best = fronts.values().stream().flatMap(List::stream).mapToDouble(Evaluation::accuracy).max().orElse(top);
        XYChart c = chart(title, profile, 560, cost.axis, "top-1 accuracy (%)");
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Csv.Builder csv = new Csv.Builder("series", "remaining", "bits", "accuracy_%", cost.column, "on_axis");
        double xMax = 0, xMaxAll = 0;
        for (List<Evaluation> f : fronts.values())
            for (Evaluation e : f) {
                xMaxAll = Math.max(xMaxAll, cost.of(e));
                if (e.accuracy() >= floor) xMax = Math.max(xMax, cost.of(e));
            }
        if (xMax == 0) xMax = xMaxAll;
        List<double[]> below = new ArrayList<>();
        for (Map.Entry<String, List<Evaluation>> e : fronts.entrySet()) {
            String name = paperName(e.getKey());
            List<Evaluation> f = e.getValue().stream().sorted(Comparator.comparingDouble(cost::of)).toList();
            List<Evaluation> in = f.stream().filter(v -> v.accuracy() >= floor).toList();
            for (Evaluation v : f) {
                csv.row(name, v.genome().remaining(), bitsText(v), 100 * v.accuracy(), cost.of(v), v.accuracy() >= floor ? "yes" : "below");
                if (v.accuracy() < floor) below.add(new double[]{Math.min(cost.of(v), xMax), 100 * floor});
            }
            if (in.isEmpty()) continue;
            XYSeries s = c.addSeries(name, in.stream().mapToDouble(cost::of).toArray(), in.stream().mapToDouble(v -> 100 * v.accuracy()).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        if (!Double.isNaN(baselineAccuracy)) {
            hline(c, String.format(Locale.ROOT, "uncompressed %.2f %%", 100 * baselineAccuracy), 100 * baselineAccuracy, xMax,
                    SeriesLines.SOLID, Color.BLACK);
            java.awt.BasicStroke[] styles = {SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};
            for (int i = 0; i < budgets.length; i++)
                hline(c, String.format(Locale.ROOT, "-%s %% loss", trim(100 * budgets[i])), 100 * (baselineAccuracy - budgets[i]), xMax,
                        styles[i % styles.length], Color.GRAY);
        }
        if (!below.isEmpty()) {
            XYSeries s = c.addSeries(String.format(Locale.ROOT, "%d plans below %.1f %%", below.size(), 100 * floor),
                    below.stream().mapToDouble(p -> p[0]).toArray(), below.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.TRIANGLE_DOWN);
            s.setMarkerColor(Color.RED);
        }
        c.getStyler().setYAxisMin(100 * floor);
        c.getStyler().setYAxisMax(100 * Math.max(top, best) + 0.5);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(xMax * 1.05);
        DATA.put(c, csv.text());
        return c;
    }

    private static void hline(XYChart c, String name, double y, double xMax, java.awt.BasicStroke style, Color color) {
        XYSeries s = c.addSeries(name, new double[]{0, xMax * 1.05}, new double[]{y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(style);
        s.setLineColor(color);
    }

    static String trim(double v) { return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Math.round(v * 100) / 100.0); }

    private static String bitsText(Evaluation v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.genome().layers(); i++) sb.append(i == 0 ? "" : " ").append(v.genome().bits(i));
        return sb.toString();
    }

    /**
     * Fig. 7 with our aggregation score ({@link AggregationScore}, not the paper's formula): the score
     * against test accuracy along every energy front for one weighting r/tau, the peak of each front
     * marked.
     *
     * @param baselines per front key, {uncompressed accuracy, uncompressed energy (mJ)}
     */
    public static XYChart aggregation(String profile, double weight, Map<String, List<Evaluation>> fronts, Map<String, double[]> baselines) {
        XYChart c = chart("Fig. 7, our score (E0/E)(a/a0)^w, w = r/tau = " + trim(weight), profile, 560,
                "top-1 accuracy (%)", "our aggregation score (uncompressed = 1)");
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        Csv.Builder csv = new Csv.Builder("series", "weight", "remaining", "bits", "accuracy_%", "energy_mJ", "score", "peak");
        for (Map.Entry<String, List<Evaluation>> e : fronts.entrySet()) {
            String name = paperName(e.getKey());
            double[] b = baselines.get(e.getKey());
            if (b == null || e.getValue().isEmpty()) continue;
            List<Evaluation> f = e.getValue().stream().sorted(Comparator.comparingDouble(Evaluation::accuracy)).toList();
            double[] x = new double[f.size()], y = new double[f.size()];
            int peak = 0;
            for (int i = 0; i < f.size(); i++) {
                x[i] = 100 * f.get(i).accuracy();
                y[i] = AggregationScore.score(f.get(i).accuracy(), f.get(i).energyMilliJoules(), b[0], b[1], weight);
                if (y[i] > y[peak]) peak = i;
            }
            for (int i = 0; i < f.size(); i++)
                csv.row(name, weight, f.get(i).genome().remaining(), bitsText(f.get(i)), x[i], f.get(i).energyMilliJoules(), y[i],
                        i == peak ? "yes" : "");
            XYSeries s = c.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            XYSeries p = c.addSeries(String.format(Locale.ROOT, "peak %s: %.2f at %.2f %%", name, y[peak], x[peak]),
                    new double[]{x[peak]}, new double[]{y[peak]});
            p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            p.setMarker(SeriesMarkers.DIAMOND);
            p.setMarkerColor(s.getMarkerColor() == null ? Color.BLACK : s.getMarkerColor().darker());
        }
        DATA.put(c, csv.text());
        return c;
    }

    /** Hypervolume per generation, one series per run label (runs of one objective: the volumes of energy and size are not comparable). */
    public static XYChart hypervolume(String title, String profile, Map<String, List<SearchRun.Progress>> runs) {
        XYChart c = chart(title, profile, 480, "generation", "hypervolume (fixed reference point)");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Csv.Builder csv = new Csv.Builder("run", "generation", "hypervolume");
        for (Map.Entry<String, List<SearchRun.Progress>> e : runs.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            double[] x = e.getValue().stream().mapToDouble(SearchRun.Progress::generation).toArray();
            double[] y = e.getValue().stream().mapToDouble(SearchRun.Progress::hypervolume).toArray();
            for (int i = 0; i < x.length; i++) csv.row(e.getKey(), (int) x[i], y[i]);
            c.addSeries(runName(e.getKey()), x, y).setMarker(SeriesMarkers.NONE);
        }
        DATA.put(c, csv.text());
        return c;
    }

    /** energy-XY -> energy X|Y, size-csr -> size CSR. */
    private static String runName(String run) {
        int dash = run.indexOf('-');
        return dash < 0 ? run : run.substring(0, dash) + " " + paperName(run.substring(dash + 1));
    }

    /** Accuracy (%) against remaining fraction r, one series per label (e.g. chained stage 1). */
    public static XYChart accuracyVsRemaining(String title, String profile, Map<String, double[][]> curves) {
        return accuracyLines(title, profile, "remaining fraction r", curves);
    }

    /**
     * The paper's Fig. 3: accuracy after every fine-tuning epoch of multi-step and single-step
     * pruning (curves {epochs, accuracies as fractions} per arm, from {@code search.PruningSteps#curves}).
     */
    public static XYChart pruningSteps(String title, String profile, Map<String, double[][]> curves) {
        return accuracyLines(title, profile, "fine-tuning epoch", curves);
    }

    private static XYChart accuracyLines(String title, String profile, String xTitle, Map<String, double[][]> curves) {
        XYChart c = chart(title, profile, 480, xTitle, "top-1 accuracy (%)");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        Csv.Builder csv = new Csv.Builder("series", "x", "accuracy_%");
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            double[] y = new double[xy[1].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = 100 * xy[1][i];
                csv.row(e.getKey(), xy[0][i], y[i]);
            }
            c.addSeries(e.getKey(), xy[0], y).setMarker(SeriesMarkers.CIRCLE);
        }
        DATA.put(c, csv.text());
        return c;
    }

    /**
     * Validation accuracy per epoch of training runs that continue one another (a baseline made in
     * several runs), on one axis of epochs counted on across the runs ({@link TrainingRun#startEpochs});
     * an SWA run's averaged network is a marker at its run's end. Test accuracies, where measured, are
     * in the legend and the data.
     *
     * @param yMin lowest accuracy (%) on the axis, NaN for the data's own range
     */
    public static XYChart trainingRuns(String title, String data, List<org.emomc4j.nn.TrainingRun> runs, double yMin) {
        XYChart c = chart(title, data, 560 + 22 * runs.size(), "epoch (counted on across the runs)", "validation accuracy (%)");
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);   // inside, it would hide the runs' last epochs
        Color[] palette = c.getStyler().getSeriesColors();
        if (!Double.isNaN(yMin)) c.getStyler().setYAxisMin(yMin);
        c.getStyler().setXAxisMin(0.0);   // round ticks (from the first epoch, 1, XChart would count 1, 10, 19, ...)
        c.getStyler().setXAxisDecimalPattern("#");
        Csv.Builder csv = new Csv.Builder("run", "recipe", "kind", "epoch_in_run", "epoch", "lr", "val_acc_%", "test_acc_%");
        int[] start = org.emomc4j.nn.TrainingRun.startEpochs(runs);
        for (int i = 0; i < runs.size(); i++) {
            org.emomc4j.nn.TrainingRun r = runs.get(i);
            if (r.epochs().isEmpty()) continue;
            boolean swa = r.swaValAccuracy().isPresent();
            // The test accuracy belongs to the run's network: the SWA average when it averaged, else its last epoch.
            Object test = r.testAccuracy().isPresent() ? hundredths(100 * r.testAccuracy().getAsDouble()) : "";
            String testText = r.testAccuracy().isPresent() ? String.format(Locale.ROOT, "test %.2f %%", 100 * r.testAccuracy().getAsDouble()) : "";
            double[] x = new double[r.epochs().size()], y = new double[x.length];
            for (int e = 0; e < x.length; e++) {
                var row = r.epochs().get(e);
                x[e] = start[i] + row.epoch();
                y[e] = 100 * row.valAccuracy();
                csv.row(r.label(), r.recipe(), "epoch", row.epoch(), (int) x[e], row.lr(), hundredths(y[e]),
                        !swa && e == x.length - 1 ? test : "");
            }
            String name = r.label() + ": " + r.recipe();
            if (!swa && !testText.isEmpty()) name += " (" + testText + ")";
            Color color = palette[i % palette.length];   // a run's line and its SWA average share a colour
            XYSeries line = c.addSeries(name, x, y);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(color);
            if (swa) {
                double v = 100 * r.swaValAccuracy().getAsDouble();
                csv.row(r.label(), r.recipe(), "swa_average", r.epochs().size(), (int) x[x.length - 1], "", hundredths(v), test);
                XYSeries s = c.addSeries(String.format(Locale.ROOT, "%s's SWA average: val %.2f %%%s", r.label(), v,
                                testText.isEmpty() ? "" : ", " + testText),
                        new double[]{x[x.length - 1]}, new double[]{v});
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setMarkerColor(color);
            }
        }
        DATA.put(c, csv.text());
        return c;
    }

    /** A percentage as the logs measure it (1 image in 10,000 is 0.01 points): 50.24, not 50.239999999999995. */
    private static double hundredths(double percent) { return Math.round(percent * 100) / 100.0; }
}
