package org.emomc4j.data;

import java.util.SplittableRandom;

/**
 * CutMix (Yun et al. 2019) on a training batch of NHWC images: with probability {@code p} per
 * batch, each image gets a box cut from another image of the batch (a random permutation), the
 * box's area fraction 1 - lambda drawn uniformly (lambda ~ Beta(1, 1)), its centre uniform and
 * the box clipped at the border; lambda is then the exact fraction of the image's own pixels, and
 * the image's target is lambda on its label and 1 - lambda on its partner's. The draws are a pure
 * function of (seed, epoch, batch), as {@link BatchLoader}'s augmentation, so resumed runs repeat them.
 */
public final class CutMix {

    private CutMix() { }

    /**
     * A batch's mixing: the partner of each image (index into the batch) and its label, and
     * lambda, the fraction of each image's pixels that stayed its own.
     */
    public record Mix(int[] partner, int[] partnerLabels, double lambda) { }

    /**
     * Mixes batch {@code b} of {@code epoch} in place (features NHWC, {@code n} images), or leaves
     * it untouched and returns null when this batch is not mixed (probability 1 - p).
     */
    public static Mix apply(float[] features, int[] labels, int n, double p, long seed, int epoch, int b) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("CutMix probability must be in [0, 1], got " + p);
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ epoch * 0xC2B2AE3D27D4EB4FL ^ b * 0x165667B19E3779F9L ^ 0x5DEECE66DL);
        if (n < 2 || r.nextDouble() >= p) return null;
        int side = ImageSet.SIDE;
        double cut = r.nextDouble();   // 1 - lambda ~ U(0, 1)
        int w = (int) (side * Math.sqrt(cut)), h = w;
        int cy = r.nextInt(side), cx = r.nextInt(side);
        int y0 = Math.max(0, cy - h / 2), y1 = Math.min(side, cy + h / 2), x0 = Math.max(0, cx - w / 2), x1 = Math.min(side, cx + w / 2);
        int[] partner = new int[n];
        for (int i = 0; i < n; i++) partner[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = partner[i];
            partner[i] = partner[j];
            partner[j] = t;
        }
        int[] partnerLabels = new int[n];
        for (int i = 0; i < n; i++) partnerLabels[i] = labels[partner[i]];
        if (y1 > y0 && x1 > x0) {
            // Boxes come from the unmixed batch: copy the box of every image first.
            int rowLen = (x1 - x0) * ImageSet.CHANNELS;
            float[] boxes = new float[n * (y1 - y0) * rowLen];
            for (int i = 0; i < n; i++)
                for (int y = y0; y < y1; y++)
                    System.arraycopy(features, i * ImageSet.PIXELS + (y * side + x0) * ImageSet.CHANNELS, boxes,
                            (i * (y1 - y0) + (y - y0)) * rowLen, rowLen);
            for (int i = 0; i < n; i++)
                for (int y = y0; y < y1; y++)
                    System.arraycopy(boxes, (partner[i] * (y1 - y0) + (y - y0)) * rowLen, features,
                            i * ImageSet.PIXELS + (y * side + x0) * ImageSet.CHANNELS, rowLen);
        }
        double lambda = 1 - (double) (y1 - y0) * (x1 - x0) / (side * side);
        return new Mix(partner, partnerLabels, lambda);
    }
}
