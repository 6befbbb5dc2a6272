package org.emomc4j.nn;

import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Model#recalibrateBatchNorm}: the running statistics become the set's. Checked on the
 * first layer given a kernel with only its centre tap, so that its output at a pixel is W^T x of
 * that pixel's normalised input and its statistics follow from the input alone.
 */
class BatchNormRecalibrationTest {

    static final int N = 40;

    @Test
    void runningStatisticsBecomeTheSetsBatchStatistics() {
        NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
        LayerSpec first = spec.layer(0);
        int ic = first.inChannels(), oc = first.outChannels(), k = first.kernel(), centre = (k / 2) * k + k / 2;
        float[] w = new float[k * k * ic * oc];
        Random r = new Random(5);
        for (int i = 0; i < ic; i++) for (int o = 0; o < oc; o++) w[(centre * ic + i) * oc + o] = (float) r.nextGaussian();
        Model m = Model.create(spec, 3);
        m.setWeights(0, w);
        // Each batch of 8 images a brightness of its own, so that batch statistics differ from the set's.
        byte[] px = new byte[N * ImageSet.PIXELS], labels = new byte[N];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (r.nextInt(64) + 40 * (i / ImageSet.PIXELS / 8));
        ImageSet set = new ImageSet(px, labels);
        float[] x = new float[N * ImageSet.PIXELS];
        new BatchLoader(set, N, false, 0).fill(0, 0, x, new int[N]);
        int pixels = ImageSet.SIDE * ImageSet.SIDE;

        // One batch of the whole set: mean and unbiased variance over all its pixels.
        m.recalibrateBatchNorm(new BatchLoader(set, N, false, 0), 0);
        double[][] whole = stats(x, 0, N, w, ic, oc, centre, pixels);
        assertClose(whole, m.batchNormStats(0), "one batch");

        // Five batches of 8: the mean of the batch means, the mean of the batches' unbiased variances.
        m.recalibrateBatchNorm(new BatchLoader(set, 8, false, 0), 0);
        double[][] avg = new double[2][oc];
        for (int b = 0; b < 5; b++) {
            double[][] s = stats(x, 8 * b, 8, w, ic, oc, centre, pixels);
            for (int o = 0; o < oc; o++) { avg[0][o] += s[0][o] / 5; avg[1][o] += s[1][o] / 5; }
        }
        assertClose(avg, m.batchNormStats(0), "batches of 8");
        double differ = 0;
        for (int o = 0; o < oc; o++) differ = Math.max(differ, Math.abs(avg[1][o] - whole[1][o]) / whole[1][o]);
        assertTrue(differ > 0.01, "the two rules give different variances here, so the check tells them apart: " + differ);
    }

    /** Per output channel {mean, unbiased variance} of W^T x over the pixels of images [from, from + n). */
    static double[][] stats(float[] x, int from, int n, float[] w, int ic, int oc, int centre, int pixels) {
        double[] sum = new double[oc], sq = new double[oc];
        for (int p = from * pixels; p < (from + n) * pixels; p++)
            for (int o = 0; o < oc; o++) {
                double y = 0;
                for (int i = 0; i < ic; i++) y += (double) x[p * ic + i] * w[(centre * ic + i) * oc + o];
                sum[o] += y;
                sq[o] += y * y;
            }
        long m = (long) n * pixels;
        double[][] out = new double[2][oc];
        for (int o = 0; o < oc; o++) {
            out[0][o] = sum[o] / m;
            out[1][o] = (sq[o] - m * out[0][o] * out[0][o]) / (m - 1);
        }
        return out;
    }

    static void assertClose(double[][] want, float[][] got, String what) {
        for (int s = 0; s < 2; s++)
            for (int o = 0; o < want[s].length; o++)
                assertEquals(want[s][o], got[s][o], 1e-4 * (1 + Math.abs(want[s][o])), what + (s == 0 ? " mean" : " variance") + " of channel " + o);
    }
}
