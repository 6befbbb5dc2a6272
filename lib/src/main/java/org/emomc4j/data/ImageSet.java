package org.emomc4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A set of 32x32 RGB images with labels, held as unsigned bytes in NHWC order (the engine's
 * layout): image i occupies {@code pixels[i*3072 .. i*3072+3071]}, (row, column, channel).
 * Immutable; subsets copy.
 */
public final class ImageSet {

    public static final int SIDE = 32, CHANNELS = 3, PIXELS = SIDE * SIDE * CHANNELS, CLASSES = 10;

    private final byte[] pixels;
    private final byte[] labels;

    /**
     * @param pixels NHWC unsigned bytes, {@code labels.length * 3072} long
     * @param labels class indices 0..9
     */
    public ImageSet(byte[] pixels, byte[] labels) {
        if (pixels.length != (long) labels.length * PIXELS)
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, expected "
                    + labels.length + " x " + PIXELS);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= CLASSES)
                throw new IllegalArgumentException("label of image " + i + " is " + labels[i] + ", not in 0..9");
        this.pixels = pixels;
        this.labels = labels;
    }

    public int size() { return labels.length; }

    public int label(int i) { return labels[i]; }

    /** Unsigned value of image i at (row, col, channel). */
    public int pixel(int i, int row, int col, int channel) {
        return pixels[i * PIXELS + (row * SIDE + col) * CHANNELS + channel] & 0xff;
    }

    private volatile String fingerprint;

    /**
     * SHA-256 of the labels and pixels: the identity of a run's data in its resume key (a run
     * resumed on other images is refused). Computed once per set.
     */
    public String fingerprint() {
        String f = fingerprint;
        if (f == null) {
            fingerprint = f = org.emomc4j.util.Hashes.sha256(labels, pixels);
        }
        return f;
    }

    /** The backing NHWC bytes (not copied: do not modify). */
    public byte[] rawPixels() { return pixels; }

    /** The backing labels (not copied: do not modify). */
    public byte[] rawLabels() { return labels; }

    /** Number of images of each class 0..9. */
    public int[] classCounts() {
        int[] c = new int[CLASSES];
        for (byte l : labels) c[l]++;
        return c;
    }

    /** The images at the given indices, in that order. */
    public ImageSet subset(int[] indices) {
        byte[] p = new byte[indices.length * PIXELS];
        byte[] l = new byte[indices.length];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * PIXELS, p, k * PIXELS, PIXELS);
            l[k] = labels[indices[k]];
        }
        return new ImageSet(p, l);
    }

    /** The first n images. */
    public ImageSet head(int n) {
        int m = Math.min(n, size());
        return new ImageSet(Arrays.copyOf(pixels, m * PIXELS), Arrays.copyOf(labels, m));
    }

    /** Only images of the given classes, relabelled 0..k-1 in the order given (e.g. two-class slices). */
    public ImageSet classes(int... keep) {
        int[] map = new int[CLASSES];
        Arrays.fill(map, -1);
        for (int k = 0; k < keep.length; k++) map[keep[k]] = k;
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < size(); i++) if (map[labels[i]] >= 0) idx.add(i);
        ImageSet s = subset(idx.stream().mapToInt(Integer::intValue).toArray());
        for (int i = 0; i < s.labels.length; i++) s.labels[i] = (byte) map[s.labels[i]];
        return s;
    }

    /**
     * A class-balanced sample of about n images (n/10 per class where available), chosen with
     * a seeded shuffle; the same seed gives the same sample.
     */
    public ImageSet balancedSample(int n, long seed) {
        int[][] split = Splits.balancedIndices(this, n, seed);
        return subset(split[0]);
    }

    @Override
    public String toString() {
        return "ImageSet[" + size() + " images, per class " + Arrays.toString(classCounts()) + "]";
    }

    /** Random images with random labels, for tests and benchmarks (no real data needed). */
    public static ImageSet random(int n, long seed) {
        Random r = new Random(seed);
        byte[] p = new byte[n * PIXELS];
        r.nextBytes(p);
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) r.nextInt(CLASSES);
        return new ImageSet(p, l);
    }
}
