package org.emomc4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Turns an {@link ImageSet} into normalised NHWC float batches for the engine.
 *
 * <p>With {@code train = true} each epoch visits the images in a fresh seeded order and
 * augments them as the reference does (random 32x32 crop of the image zero-padded by 4 pixels,
 * random horizontal flip), optionally followed by cutout: a square of the given side, centred
 * on a uniformly drawn pixel and clipped at the borders, set to 0 after normalisation (the
 * channel mean), as in DeVries and Taylor (2017). Order and augmentation are pure functions of (seed, epoch, batch),
 * so a resumed run sees exactly the batches an uninterrupted run would, with no RNG state to
 * save. With {@code train = false} the order is fixed and nothing is augmented.
 */
public final class BatchLoader {

    public static final int PAD = 4;

    private final ImageSet set;
    private final int batchSize;
    private final boolean train;
    private final long seed;
    private final int cutout;
    private int cachedEpoch = Integer.MIN_VALUE;
    private int[] order;

    /**
     * @param batchSize images per batch
     * @param train     shuffle + augment + drop the last incomplete batch (training) or not (evaluation)
     * @param seed      seed of order and augmentation
     */
    public BatchLoader(ImageSet set, int batchSize, boolean train, long seed) {
        this(set, batchSize, train, seed, 0);
    }

    /**
     * A loader whose training batches also get cutout.
     *
     * @param cutout side of the cutout square in pixels (0 = none; training only)
     */
    public BatchLoader(ImageSet set, int batchSize, boolean train, long seed, int cutout) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (cutout < 0 || cutout > ImageSet.SIDE)
            throw new IllegalArgumentException("cutout side must be in 0.." + ImageSet.SIDE + ", got " + cutout);
        this.set = set;
        this.batchSize = batchSize;
        this.train = train;
        this.seed = seed;
        this.cutout = cutout;
    }

    public ImageSet set() { return set; }

    public int batchSize() { return batchSize; }

    /** Batches per epoch: training drops an incomplete last batch (keeps BatchNorm statistics sane). */
    public int batchesPerEpoch() {
        int n = set.size();
        if (train) return Math.max(n >= batchSize ? n / batchSize : (n > 0 ? 1 : 0), 0);
        return (n + batchSize - 1) / batchSize;
    }

    /** Images in batch b (the last evaluation batch may be smaller). */
    public int batchLength(int b) {
        int n = set.size();
        if (train && n < batchSize) return n;
        return Math.min(batchSize, n - b * batchSize);
    }

    /**
     * Fills {@code features} (NHWC floats, at least len*3072) and {@code labels} with batch b of
     * the given epoch and returns its length. Reusing the arrays avoids allocation per batch.
     */
    public int fill(int epoch, int b, float[] features, int[] labels) {
        int len = batchLength(b);
        int[] ord = order(epoch);
        byte[] px = set.rawPixels();
        for (int k = 0; k < len; k++) {
            int pos = b * batchSize + k;
            int img = ord == null ? pos : ord[pos];
            labels[k] = set.label(img);
            int src = img * ImageSet.PIXELS, dst = k * ImageSet.PIXELS;
            if (!train) {
                for (int p = 0; p < ImageSet.PIXELS; p += 3) {
                    features[dst + p] = Normalization.TABLE[0][px[src + p] & 0xff];
                    features[dst + p + 1] = Normalization.TABLE[1][px[src + p + 1] & 0xff];
                    features[dst + p + 2] = Normalization.TABLE[2][px[src + p + 2] & 0xff];
                }
                continue;
            }
            SplittableRandom r = new SplittableRandom(mix(seed, epoch, pos));
            int dy = r.nextInt(2 * PAD + 1) - PAD, dx = r.nextInt(2 * PAD + 1) - PAD;
            boolean flip = r.nextBoolean();
            for (int y = 0; y < ImageSet.SIDE; y++) {
                int sy = y + dy;
                for (int x = 0; x < ImageSet.SIDE; x++) {
                    int sx = (flip ? ImageSet.SIDE - 1 - x : x) + dx;
                    int d = dst + (y * ImageSet.SIDE + x) * 3;
                    if (sy < 0 || sy >= ImageSet.SIDE || sx < 0 || sx >= ImageSet.SIDE) {
                        // Zero padding happens before normalisation, as in torchvision's RandomCrop.
                        features[d] = Normalization.TABLE[0][0];
                        features[d + 1] = Normalization.TABLE[1][0];
                        features[d + 2] = Normalization.TABLE[2][0];
                    } else {
                        int s = src + (sy * ImageSet.SIDE + sx) * 3;
                        features[d] = Normalization.TABLE[0][px[s] & 0xff];
                        features[d + 1] = Normalization.TABLE[1][px[s + 1] & 0xff];
                        features[d + 2] = Normalization.TABLE[2][px[s + 2] & 0xff];
                    }
                }
            }
            // Drawn after crop and flip, so runs without cutout see exactly the batches they always did.
            if (cutout > 0) {
                int cy = r.nextInt(ImageSet.SIDE), cx = r.nextInt(ImageSet.SIDE);
                int y0 = Math.max(0, cy - cutout / 2), y1 = Math.min(ImageSet.SIDE, cy - cutout / 2 + cutout);
                int x0 = Math.max(0, cx - cutout / 2), x1 = Math.min(ImageSet.SIDE, cx - cutout / 2 + cutout);
                for (int y = y0; y < y1; y++)
                    java.util.Arrays.fill(features, dst + (y * ImageSet.SIDE + x0) * 3, dst + (y * ImageSet.SIDE + x1) * 3, 0f);
            }
        }
        return len;
    }

    /** One batch as ND4J arrays: features [n, 32, 32, 3] (NHWC float) and class indices. */
    public Batch batch(int epoch, int b) {
        int len = batchLength(b);
        float[] f = new float[len * ImageSet.PIXELS];
        int[] l = new int[len];
        fill(epoch, b, f, l);
        return new Batch(Nd4j.create(f, new long[]{len, ImageSet.SIDE, ImageSet.SIDE, ImageSet.CHANNELS}, 'c'), l);
    }

    /** A batch: NHWC features and integer labels. */
    public record Batch(INDArray features, int[] labels) {
        public int size() { return labels.length; }
    }

    private int[] order(int epoch) {
        if (!train) return null;
        if (epoch != cachedEpoch) {
            int n = set.size();
            int[] a = new int[n];
            for (int i = 0; i < n; i++) a[i] = i;
            SplittableRandom r = new SplittableRandom(mix(seed, epoch, -1));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = a[i]; a[i] = a[j]; a[j] = t;
            }
            order = a;
            cachedEpoch = epoch;
        }
        return order;
    }

    private static long mix(long seed, int epoch, int pos) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + pos * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h * 0x9E3779B97F4A7C15L;
    }
}
