package org.emomc4j.report;

import org.emomc4j.search.Reproduce;
import org.emomc4j.search.Stage1;
import org.emomc4j.util.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes charts as PNG and SVG (atomically: a reader never sees half a figure). Every figure's
 * title or subtitle names the profile and data that produced it.
 */
public final class Figures {
    private Figures() { }

    /**
     * Saves {@code chart} as {@code base.png} and {@code base.svg}, and its data as {@code base.csv}
     * (the data {@link Charts} drew it from; for another chart, every series' points).
     *
     * @param base path without extension, e.g. {@code figures/front-energy-XY}
     */
    public static void save(Chart<?, ?> chart, Path base) throws IOException {
        String data = Charts.data(chart);
        if (data == null) data = seriesCsv(chart);
        Path csv = base.toAbsolutePath().getParent().resolve(base.getFileName() + ".csv");
        Files.createDirectories(csv.getParent());
        AtomicFiles.writeString(csv, data);
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = base.getFileName().toString();
        Path tmpPng = dir.resolve("." + name + ".tmp.png"), tmpSvg = dir.resolve("." + name + ".tmp.svg");
        BitmapEncoder.saveBitmapWithDPI(chart, tmpPng.toString(), BitmapEncoder.BitmapFormat.PNG, 150);
        VectorGraphicsEncoder.saveVectorGraphic(chart, tmpSvg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        AtomicFiles.move(tmpPng, dir.resolve(name + ".png"));
        AtomicFiles.move(tmpSvg, dir.resolve(name + ".svg"));
    }

    /** Every series' points of a chart as CSV (series, x, y). */
    static String seriesCsv(Chart<?, ?> chart) {
        org.emomc4j.util.Csv.Builder csv = new org.emomc4j.util.Csv.Builder("series", "x", "y");
        for (Object o : chart.getSeriesMap().values()) {
            if (!(o instanceof org.knowm.xchart.internal.series.AxesChartSeriesNumericalNoErrorBars s)) continue;
            double[] x = s.getXData(), y = s.getYData();
            for (int i = 0; i < x.length; i++) csv.row(s.getName(), x[i], y[i]);
        }
        return csv.text();
    }

    /**
     * The figures of the stages beyond the paper's pipeline that the report holds: the paper's
     * Fig. 3 ({@code fig3-pruning-steps}). The peer rows and stage 3 are tables in the report.
     */
    public static java.util.List<Path> saveExtras(Reproduce.Report r, Path dir) throws IOException {
        java.util.List<Path> out = new java.util.ArrayList<>();
        if (r.extras() != null && r.extras().fig3() != null) {
            Path f = dir.resolve("fig3-pruning-steps");
            save(fig3(r.extras().fig3(), r.profile().label() + ", CIFAR-10 val"), f);
            org.emomc4j.search.PruningSteps.write(dir.resolve("fig3-pruning-steps.csv"), r.extras().fig3());
            out.add(f);
        }
        return out;
    }

    /** The paper's Fig. 3 chart, titled with the arms' target. */
    public static org.knowm.xchart.XYChart fig3(java.util.List<org.emomc4j.search.PruningSteps.Epoch> rows, String data) {
        double target = rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1).remaining();
        return Charts.pruningSteps(String.format(java.util.Locale.ROOT, "Fig. 3: multi- vs single-step pruning, %.0f %% removed",
                100 * (1 - target)), data, org.emomc4j.search.PruningSteps.curves(rows));
    }

    /**
     * Fig. 7 with our aggregation score ({@link Charts#aggregation}) along a reproduction's energy
     * fronts for one weighting r/tau, each front's baseline the uncompressed network on its dataflow.
     */
    public static org.knowm.xchart.XYChart fig7(Reproduce.Report r, double weight) {
        java.util.Map<String, double[]> base = new java.util.LinkedHashMap<>();
        for (String key : r.energyTestFronts().keySet()) {
            org.emomc4j.metrics.Gains.Baseline b = r.energyGains().baselines().get(Charts.paperName(key));
            if (b != null) base.put(key, new double[]{b.accuracy(), b.cost()});
        }
        return Charts.aggregation(r.profile().label(), weight, r.energyTestFronts(), base);
    }

    /**
     * The figures of a reproduction, each with its data as CSV: the fronts per dataflow (Fig. 5)
     * and per coding (Fig. 6) on test accuracy with the baseline and the 0.3 / 1 / 2 % budget lines,
     * our aggregation score along the energy fronts for r/tau = 5, 1, 0.2 (Fig. 7), the stage-2
     * hypervolume of the energy and of the size searches (separate axes: their units differ), and
     * stage-1 accuracy against r.
     *
     * @return the files written, without extension
     */
    public static java.util.List<Path> saveReproduction(Reproduce.Report r, Path dir) throws IOException {
        String label = r.profile().label();
        double[] budgets = org.emomc4j.metrics.Gains.TABLE_BUDGETS;
        java.util.List<Path> out = new java.util.ArrayList<>();
        Path fe = dir.resolve("fronts-energy"), fs = dir.resolve("fronts-size");
        save(Charts.fronts("Fig. 5: test accuracy vs energy per dataflow", label, Charts.Cost.ENERGY, r.energyTestFronts(),
                r.baselineTestAccuracy(), budgets), fe);
        save(Charts.fronts("Fig. 6: test accuracy vs size per coding", label, Charts.Cost.SIZE, r.sizeTestFronts(),
                r.baselineTestAccuracy(), budgets), fs);
        out.add(fe);
        out.add(fs);
        for (double w : org.emomc4j.metrics.AggregationScore.PAPER_WEIGHTS) {
            Path f7 = dir.resolve("fig7-score-w" + (w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w)));
            save(fig7(r, w), f7);
            out.add(f7);
        }
        java.util.Map<String, java.util.List<org.emomc4j.search.SearchRun.Progress>> hvEnergy = new java.util.LinkedHashMap<>(),
                hvSize = new java.util.LinkedHashMap<>();
        r.hypervolume().forEach((k, v) -> (k.startsWith("energy") ? hvEnergy : hvSize).put(k, v));
        Path he = dir.resolve("hypervolume-energy"), hs = dir.resolve("hypervolume-size"), s1 = dir.resolve("stage1-accuracy");
        save(Charts.hypervolume("Stage-2 hypervolume, energy searches", label, hvEnergy), he);
        save(Charts.hypervolume("Stage-2 hypervolume, size searches", label, hvSize), hs);
        String mode = r.profile().stage1Mode().name().toLowerCase(java.util.Locale.ROOT);
        save(Charts.accuracyVsRemaining("Stage 1 (" + mode + "): val accuracy vs remaining fraction", label,
                java.util.Map.of(mode, Stage1.curve(r.stage1()))), s1);
        out.add(he);
        out.add(hs);
        out.add(s1);
        return out;
    }
}
