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
     * Saves {@code chart} as {@code base.png} and {@code base.svg}.
     *
     * @param base path without extension, e.g. {@code figures/front-energy-XY}
     */
    public static void save(Chart<?, ?> chart, Path base) throws IOException {
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = base.getFileName().toString();
        Path tmpPng = dir.resolve("." + name + ".tmp.png"), tmpSvg = dir.resolve("." + name + ".tmp.svg");
        BitmapEncoder.saveBitmapWithDPI(chart, tmpPng.toString(), BitmapEncoder.BitmapFormat.PNG, 150);
        VectorGraphicsEncoder.saveVectorGraphic(chart, tmpSvg.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        AtomicFiles.move(tmpPng, dir.resolve(name + ".png"));
        AtomicFiles.move(tmpSvg, dir.resolve(name + ".svg"));
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
     * The figures of a reproduction (fronts per dataflow and per coding on test accuracy,
     * stage-2 hypervolume, stage-1 accuracy against r), each titled with its profile.
     *
     * @return the files written, without extension
     */
    public static java.util.List<Path> saveReproduction(Reproduce.Report r, Path dir) throws IOException {
        String label = r.profile().label();
        Path fe = dir.resolve("fronts-energy"), fs = dir.resolve("fronts-size"), hv = dir.resolve("hypervolume"),
                s1 = dir.resolve("stage1-accuracy");
        save(Charts.fronts("EMOMC fronts per dataflow", label + ", CIFAR-10 test", Charts.Cost.ENERGY, r.energyTestFronts()), fe);
        save(Charts.fronts("EMOMC fronts per coding scheme", label + ", CIFAR-10 test", Charts.Cost.SIZE, r.sizeTestFronts()), fs);
        save(Charts.hypervolume("Stage-2 hypervolume", label + ", CIFAR-10 val", r.hypervolume()), hv);
        save(Charts.accuracyVsRemaining("Stage 1: accuracy against remaining fraction", label + ", CIFAR-10 val",
                java.util.Map.of(r.profile().stage1Mode().name().toLowerCase(java.util.Locale.ROOT), Stage1.curve(r.stage1()))), s1);
        return java.util.List.of(fe, fs, hv, s1);
    }
}
