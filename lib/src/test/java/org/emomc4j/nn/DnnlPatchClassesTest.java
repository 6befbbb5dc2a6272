package org.emomc4j.nn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of a small map ({@link DnnlPatchClasses}): which output pixels keep which taps. */
class DnnlPatchClassesTest {

    /**
     * Over every map up to 7x7 and odd kernels up to 7: the parts cover each output pixel exactly
     * once, and each part's taps are exactly those whose input pixel lies inside the map for
     * every one of its pixels (from the definition, pixel by pixel), so the parts' products
     * multiply every in-map tap once and no padding.
     */
    @Test
    void partsCoverEachPixelOnceWithExactlyItsInMapTaps() {
        for (int k = 1; k <= 7; k += 2)
            for (int h = 1; h <= 7; h++)
                for (int w = 1; w <= 7; w++) {
                    int p = k / 2;
                    int[][] covered = new int[h][w];
                    for (DnnlPatchClasses.Part part : DnnlPatchClasses.parts(h, w, k))
                        for (int y = part.y0(); y < part.y0() + part.ys(); y++)
                            for (int x = part.x0(); x < part.x0() + part.xs(); x++) {
                                covered[y][x]++;
                                for (int ky = 0; ky < k; ky++)
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = y + ky - p, ix = x + kx - p;
                                        boolean inMap = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                        boolean kept = ky >= part.ky0() && ky < part.ky1() && kx >= part.kx0() && kx < part.kx1();
                                        assertEquals(inMap, kept, "k " + k + ", " + h + "x" + w + ", pixel (" + y + "," + x + ") tap (" + ky + "," + kx + ")");
                                    }
                            }
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            assertEquals(1, covered[y][x], "k " + k + ", " + h + "x" + w + ": pixel (" + y + "," + x + ")");
                }
    }

    /** VGG-16's 4x4 maps: inner 2x2 with 9 taps, four edges of 2 pixels with 6, four corners with 4; 100 of 144 products. */
    @Test
    void aFourByFourMapHasNineParts() {
        List<DnnlPatchClasses.Part> parts = DnnlPatchClasses.parts(4, 4, 3);
        assertEquals(9, parts.size());
        int[] taps = parts.stream().mapToInt(DnnlPatchClasses.Part::taps).toArray();
        int[] pixels = parts.stream().mapToInt(DnnlPatchClasses.Part::pixels).toArray();
        assertEquals(List.of(4, 6, 4, 6, 9, 6, 4, 6, 4), java.util.Arrays.stream(taps).boxed().toList());
        assertEquals(List.of(1, 2, 1, 2, 4, 2, 1, 2, 1), java.util.Arrays.stream(pixels).boxed().toList());
        int products = 0;
        for (int i = 0; i < taps.length; i++) products += taps[i] * pixels[i];
        assertEquals(100, products);
        assertTrue(products < 16 * 9);
    }
}
