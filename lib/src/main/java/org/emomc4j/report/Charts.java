package org.emomc4j.report;

import org.emomc4j.search.Evaluation;
import org.emomc4j.search.SearchRun;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The paper's figures as XChart charts: Pareto fronts (accuracy against energy or size, one
 * series per dataflow or coding scheme), hypervolume per generation, accuracy against the
 * remaining fraction r (stage 1). A chart's title names the profile that produced it.
 */
public final class Charts {
    private Charts() { }

    /** Which cost a front chart puts on the x axis. */
    public enum Cost {
        ENERGY("energy per inference (mJ)"), SIZE("model size (KiB)");
        final String axis;
        Cost(String axis) { this.axis = axis; }
        double of(Evaluation e) { return this == ENERGY ? e.energyMilliJoules() : e.sizeKiB(); }
    }

    /**
     * Fronts: accuracy (%) against cost, one series per label (e.g. per dataflow).
     *
     * @param profile shown in the title (e.g. "profile smoke, CIFAR-10 val")
     */
    public static XYChart fronts(String title, String profile, Cost cost, Map<String, List<Evaluation>> fronts) {
        XYChart c = new XYChartBuilder().width(800).height(560).title(title + " [" + profile + "]")
                .xAxisTitle(cost.axis).yAxisTitle("top-1 accuracy (%)").build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, List<Evaluation>> e : fronts.entrySet()) {
            List<Evaluation> f = e.getValue().stream().sorted(Comparator.comparingDouble(cost::of)).toList();
            if (f.isEmpty()) continue;
            double[] x = f.stream().mapToDouble(cost::of).toArray();
            double[] y = f.stream().mapToDouble(v -> 100 * v.accuracy()).toArray();
            XYSeries s = c.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        }
        return c;
    }

    /** Hypervolume per generation, one series per run label. */
    public static XYChart hypervolume(String title, String profile, Map<String, List<SearchRun.Progress>> runs) {
        XYChart c = new XYChartBuilder().width(800).height(480).title(title + " [" + profile + "]")
                .xAxisTitle("generation").yAxisTitle("hypervolume (fixed reference point)").build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, List<SearchRun.Progress>> e : runs.entrySet()) {
            if (e.getValue().isEmpty()) continue;
            double[] x = e.getValue().stream().mapToDouble(SearchRun.Progress::generation).toArray();
            double[] y = e.getValue().stream().mapToDouble(SearchRun.Progress::hypervolume).toArray();
            c.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    /** Accuracy (%) against remaining fraction r, one series per label (e.g. independent vs chained). */
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
        XYChart c = new XYChartBuilder().width(800).height(480).title(title + " [" + profile + "]")
                .xAxisTitle(xTitle).yAxisTitle("top-1 accuracy (%)").build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        for (Map.Entry<String, double[][]> e : curves.entrySet()) {
            double[][] xy = e.getValue();
            if (xy[0].length == 0) continue;
            double[] y = new double[xy[1].length];
            for (int i = 0; i < y.length; i++) y[i] = 100 * xy[1][i];
            c.addSeries(e.getKey(), xy[0], y).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }
}
