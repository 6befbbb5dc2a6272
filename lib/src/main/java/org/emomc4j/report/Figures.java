package org.emomc4j.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Files.move(tmpPng, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmpSvg, dir.resolve(name + ".svg"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
