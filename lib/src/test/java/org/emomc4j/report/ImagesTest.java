package org.emomc4j.report;

import org.emomc4j.data.Cifar10;
import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ImagesTest {

    @TempDir
    Path tmp;

    @Test
    void imageKeepsEveryPixelAtEveryScale() {
        ImageSet set = ImageSet.random(3, 7);
        BufferedImage img = Images.image(set, 2, 3);
        assertEquals(96, img.getWidth());
        for (int row = 0; row < 32; row += 5) {
            for (int col = 0; col < 32; col += 7) {
                int rgb = img.getRGB(col * 3 + 2, row * 3 + 1) & 0xFFFFFF;
                assertEquals(set.pixel(2, row, col, 0), rgb >> 16);
                assertEquals(set.pixel(2, row, col, 1), (rgb >> 8) & 0xFF);
                assertEquals(set.pixel(2, row, col, 2), rgb & 0xFF);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Images.image(set, 0, 0));
    }

    @Test
    void classGridHasOneRowPerClassAndSavesAsPng() throws Exception {
        ImageSet set = ImageSet.random(200, 3);
        BufferedImage grid = Images.classGrid(set, Cifar10.DEFAULT_CLASS_NAMES, 4, 2, "title");
        assertEquals(110 + 4 * (64 + 4), grid.getWidth());
        assertEquals(28 + 10 * (64 + 4), grid.getHeight());
        // The first image of class c sits at row c, column 0.
        int first = -1;
        for (int i = 0; i < set.size() && first < 0; i++) if (set.label(i) == 3) first = i;
        int rgb = grid.getRGB(110 + 2, 28 + 3 * 68 + 2) & 0xFFFFFF;
        assertEquals(set.pixel(first, 0, 0, 0), rgb >> 16);
        Path png = Images.savePng(grid, tmp.resolve("a/grid.png"));
        assertTrue(Files.size(png) > 0);
        assertEquals(grid.getWidth(), ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void roundedTablesPrintFewerDecimals() {
        var t = tech.tablesaw.api.Table.create("t", tech.tablesaw.api.DoubleColumn.create("x", new double[]{1.23456789}));
        String rounded = Tables.rounded(t, 2).printAll();
        assertTrue(rounded.contains("1.23"), rounded);
        assertFalse(rounded.contains("1.234"), rounded);
        assertEquals(1.23456789, t.doubleColumn("x").get(0)); // the original table is left as it was
    }
}
