package org.emomc4j.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class BatchLoaderTest {

    /** Images whose red channel encodes the column and green the row, blue = image id. */
    private static ImageSet coordinateImages(int n) {
        byte[] p = new byte[n * ImageSet.PIXELS];
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (i % 10);
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++) {
                    int o = i * ImageSet.PIXELS + (y * 32 + x) * 3;
                    p[o] = (byte) (x + 1);
                    p[o + 1] = (byte) (y + 1);
                    p[o + 2] = (byte) (i + 1);
                }
        }
        return new ImageSet(p, l);
    }

    private static int decode(float v, int channel) {
        return Math.round((v * Normalization.STD[channel] + Normalization.MEAN[channel]) * 255f);
    }

    @Test
    void evaluationBatchesAreNormalisedInOrderAndComplete() {
        ImageSet s = coordinateImages(10);
        BatchLoader l = new BatchLoader(s, 4, false, 0);
        assertEquals(3, l.batchesPerEpoch());
        assertEquals(2, l.batchLength(2));
        float[] f = new float[4 * ImageSet.PIXELS];
        int[] lab = new int[4];
        assertEquals(2, l.fill(0, 2, f, lab));
        assertEquals(8, lab[0]);
        // image 9, pixel (row 3, col 5)
        int o = ImageSet.PIXELS + (3 * 32 + 5) * 3;
        assertEquals(6, decode(f[o], 0));
        assertEquals(4, decode(f[o + 1], 1));
        assertEquals(10, decode(f[o + 2], 2));
        assertEquals((6 / 255f - Normalization.MEAN[0]) / Normalization.STD[0], f[o], 1e-6);
    }

    @Test
    void trainingAugmentsByShiftedCropAndFlip() {
        ImageSet s = coordinateImages(64);
        BatchLoader l = new BatchLoader(s, 64, true, 11);
        BatchLoader.Batch b = l.batch(0, 0);
        float[] f = b.features().data().asFloat();
        Set<Integer> shifts = new HashSet<>();
        int flips = 0;
        for (int k = 0; k < 64; k++) {
            int base = k * ImageSet.PIXELS;
            // Each row is the source columns shifted by dx (possibly mirrored), zero outside the image.
            int y = 16;
            int c0 = decode(f[base + (y * 32) * 3], 0), c31 = decode(f[base + (y * 32 + 31) * 3], 0);
            int c15 = decode(f[base + (y * 32 + 15) * 3], 0), c16 = decode(f[base + (y * 32 + 16) * 3], 0);
            boolean flipped = c16 < c15;
            if (flipped) flips++;
            // output column 15 reads source column (flipped ? 16 : 15) + dx, whose red value is that + 1
            int dx = flipped ? c15 - 17 : c15 - 16;
            shifts.add(dx);
            assertTrue(Math.abs(dx) <= 4, "shift " + dx);
            for (int x = 0; x < 32; x++) {
                int got = decode(f[base + (y * 32 + x) * 3], 0);
                int src = (flipped ? 31 - x : x) + dx;
                int want = src < 0 || src > 31 ? 0 : src + 1;
                assertEquals(want, got, "image " + k + " col " + x);
            }
            int id = decode(f[base + (16 * 32 + 16) * 3 + 2], 2);
            assertEquals(b.labels()[k], (id - 1) % 10, "label travels with its image");
            assertTrue(c0 >= 0 && c31 >= 0);
        }
        assertTrue(flips > 10 && flips < 54, "about half flipped: " + flips);
        assertTrue(shifts.size() >= 5, "several shifts: " + shifts);
    }

    @Test
    void trainingOrderIsAPermutationAndAPureFunctionOfSeedAndEpoch() {
        ImageSet s = coordinateImages(50);
        BatchLoader a = new BatchLoader(s, 10, true, 3);
        float[] f = new float[10 * ImageSet.PIXELS];
        int[] lab = new int[10];
        Set<Integer> seen = new HashSet<>();
        for (int b = 0; b < a.batchesPerEpoch(); b++) {
            a.fill(1, b, f, lab);
            for (int k = 0; k < 10; k++) seen.add(decode(f[k * ImageSet.PIXELS + (16 * 32 + 16) * 3 + 2], 2));
        }
        assertEquals(50, seen.size(), "every image once per epoch");

        float[] x = new float[10 * ImageSet.PIXELS], y = new float[10 * ImageSet.PIXELS];
        new BatchLoader(s, 10, true, 3).fill(2, 3, x, lab);
        BatchLoader fresh = new BatchLoader(s, 10, true, 3);
        fresh.fill(0, 0, y, lab); // touching another epoch first must not matter
        fresh.fill(2, 3, y, lab);
        assertArrayEquals(x, y);
        new BatchLoader(s, 10, true, 3).fill(3, 3, y, lab);
        assertFalse(Arrays.equals(x, y), "another epoch gives another batch");
    }

    @Test
    void trainingDropsIncompleteLastBatch() {
        BatchLoader l = new BatchLoader(coordinateImages(25), 10, true, 1);
        assertEquals(2, l.batchesPerEpoch());
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(coordinateImages(5), 0, true, 1));
    }

    @Test
    void cutoutBlanksOneClippedSquareAndLeavesTheRestOfTheAugmentedImage() {
        ImageSet s = coordinateImages(64);
        int side = 16;
        float[] plain = new BatchLoader(s, 64, true, 11).batch(3, 0).features().data().asFloat();
        float[] cut = new BatchLoader(s, 64, true, 11, side).batch(3, 0).features().data().asFloat();
        Set<Integer> corners = new HashSet<>();
        for (int k = 0; k < 64; k++) {
            int minY = 32, maxY = -1, minX = 32, maxX = -1, blanked = 0;
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++) {
                    int o = k * ImageSet.PIXELS + (y * 32 + x) * 3;
                    boolean same = plain[o] == cut[o] && plain[o + 1] == cut[o + 1] && plain[o + 2] == cut[o + 2];
                    if (same) continue;
                    // A changed pixel is blanked to the normalised mean in all three channels.
                    assertEquals(0f, cut[o]);
                    assertEquals(0f, cut[o + 1]);
                    assertEquals(0f, cut[o + 2]);
                    blanked++;
                    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
                    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
                }
            int h = maxY - minY + 1, w = maxX - minX + 1;
            // One axis-aligned rectangle, at most side x side, at least half the side each way (a centre at a border).
            assertEquals(h * w, blanked, "image " + k + ": the blanked pixels form one rectangle");
            assertTrue(h <= side && w <= side && h >= side / 2 && w >= side / 2, "image " + k + ": " + h + " x " + w);
            if (h == side && w == side) assertTrue(minY > 0 || maxY < 31);
            corners.add(minY * 32 + minX);
        }
        assertTrue(corners.size() > 32, "square positions vary between images: " + corners.size());
        // Same (seed, epoch, batch) -> the same batch again: resumed runs see the same cutouts.
        assertArrayEquals(cut, new BatchLoader(s, 64, true, 11, side).batch(3, 0).features().data().asFloat());
    }

    @Test
    void cutoutIsRefusedOutsideTheImage() {
        ImageSet s = coordinateImages(4);
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(s, 4, true, 1, 33));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(s, 4, true, 1, -1));
    }
}
