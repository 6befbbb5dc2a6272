package org.emomc4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.emomc4j.nn.DnnlConvTest.BF16;
import static org.emomc4j.nn.DnnlConvTest.F32;
import static org.emomc4j.nn.DnnlConvTest.layer;
import static org.emomc4j.nn.DnnlConvTest.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oneDNN training convolutions ({@link DnnlTrainConv}) against double-precision references. */
class DnnlTrainConvTest {

    /**
     * Wide bf16 layers on maps of at most 16 pixels run all three passes as matrix products over
     * patch matrices with AMX's kernels; without AMX, 2x2 maps do and 3x3 and 4x4 ones are
     * convolutions. With bf16-exact operands the only difference from the double reference is
     * fp32 accumulation order, so forward, input gradient and weight gradient must agree to 1e-5
     * of each output's sum of |products|, for 2x2, 3x3 and 4x4 maps, either kernels, two batch
     * sizes, and fresh buffers at a repeated batch size (the patch copies re-point).
     */
    @Test
    void smallMapsTrainAsMatrixProducts() {
        assertFalse(new DnnlTrainConv(layer(8, 512, 512), BF16).asProducts, "an 8x8 map stays a convolution");
        assertFalse(new DnnlTrainConv(layer(4, 128, 512), BF16).asProducts, "a narrow layer stays a convolution");
        assertFalse(new DnnlTrainConv(layer(2, 512, 512), F32).asProducts, "fp32 stays a convolution");
        Random r = new Random(7);
        for (DnnlTrainConv.Kernels kernels : DnnlTrainConv.Kernels.values())
            for (int h : new int[]{2, 3, 4}) {
                int ic = DnnlConv.WIDE, oc = DnnlConv.WIDE + 8;
                DnnlTrainConv c = new DnnlTrainConv(layer(h, ic, oc), BF16, kernels);
                // Without AMX only maps that every window covers (2x2) run as products; 3x3 and 4x4 are convolutions.
                assertEquals(kernels == DnnlTrainConv.Kernels.AMX || h == 2, c.asProducts, kernels + ", " + h + "x" + h);
                agreesWithReferences(c, h, ic, oc, r, kernels + ", " + h + "x" + h);
            }
    }

    /**
     * Maps up to 16x16 take the weight gradient as nine per-tap products with AMX's kernels and as
     * oneDNN's weight-gradient convolution without: the same sums either way, on an 8x8 and a 16x16 map.
     */
    @Test
    void weightGradientOnMediumMapsWithEitherKernels() {
        Random r = new Random(8);
        for (DnnlTrainConv.Kernels kernels : DnnlTrainConv.Kernels.values())
            for (int h : new int[]{8, 16}) {
                DnnlTrainConv c = new DnnlTrainConv(layer(h, 16, 24), BF16, kernels);
                assertFalse(c.asProducts);
                agreesWithReferences(c, h, 16, 24, r, kernels + ", " + h + "x" + h);
            }
    }

    /**
     * A 5x5 kernel on a 4x4 map: no pixel keeps every tap, so without AMX the weight gradient over
     * the map's parts starts from zeros and every part adds.
     */
    @Test
    void aKernelWiderThanTheMapTrainsAsWell() {
        int h = 4, k = 5, ic = DnnlConv.WIDE, oc = DnnlConv.WIDE + 8;
        for (DnnlTrainConv.Kernels kernels : DnnlTrainConv.Kernels.values()) {
            DnnlTrainConv c = new DnnlTrainConv(new LayerSpec(0, "t", LayerSpec.Kind.CONV, k, ic, oc, 1, h, h, h, h, false), BF16, kernels);
            agreesWithReferences(c, h, k, ic, oc, new Random(9), kernels + ", 5x5 kernel on 4x4");
        }
    }

    /** Forward, input gradient and weight gradient of {@code c} against the double references, at batch sizes 2, 1, 2. */
    private static void agreesWithReferences(DnnlTrainConv c, int h, int ic, int oc, Random r, String what) {
        agreesWithReferences(c, h, 3, ic, oc, r, what);
    }

    private static void agreesWithReferences(DnnlTrainConv c, int h, int k, int ic, int oc, Random r, String what) {
        for (int n : new int[]{2, 1, 2}) {
            float[] x = bf16Randn(n * h * h * ic, r), w = bf16Randn(k * k * ic * oc, r), gz = bf16Randn(n * h * h * oc, r);
            // Outputs start as garbage: every pass must overwrite them, not add to them.
            INDArray z = Nd4j.ones(n, h, h, oc).muli(7), gX = Nd4j.ones(n, h, h, ic).muli(7), gW = Nd4j.ones(k, k, ic, oc).muli(7),
                    wA = Nd4j.createFromArray(w).reshape(k, k, ic, oc), xA = Nd4j.createFromArray(x).reshape(n, h, h, ic);
            c.forward(n, xA, wA, z);
            c.backward(n, xA, Nd4j.createFromArray(gz).reshape(n, h, h, oc), wA, gX, gW);
            String at = what + ", n " + n;
            assertClose(reference(x, w, n, h, ic, oc, k), z, "forward, " + at);
            assertClose(reference(gz, flippedTransposed(w, k, ic, oc), n, h, oc, ic, k), gX, "input gradient, " + at);
            assertClose(weightGradient(x, gz, n, h, ic, oc, k), gW, "weight gradient, " + at);
        }
    }

    private static float[] bf16Randn(int len, Random r) {
        float[] v = DnnlConvTest.randn(len, r);
        for (int i = 0; i < len; i++) v[i] = Dnnl.toBf16(v[i]);
        return v;
    }

    private static void assertClose(double[][] want, INDArray got, String what) {
        float[] g = got.data().asFloat();
        assertEquals(want[0].length, g.length, what);
        for (int i = 0; i < g.length; i++)
            assertEquals(want[0][i], g[i], 1e-5 * want[1][i] + 1e-6, what + " at " + i);
    }

    /** HWIO [k, k, oc, ic] with tap (k-1-ky, k-1-kx) of w, transposed: the kernel of backward data. */
    private static float[] flippedTransposed(float[] w, int k, int ic, int oc) {
        float[] f = new float[w.length];
        for (int t = 0; t < k * k; t++)
            for (int ci = 0; ci < ic; ci++)
                for (int co = 0; co < oc; co++)
                    f[((k * k - 1 - t) * oc + co) * ic + ci] = w[(t * ic + ci) * oc + co];
        return f;
    }

    /** gW[ky, kx, ci, co] = sum over images and pixels of x[y + ky - k/2, x + kx - k/2, ci] gZ[y, x, co]; with sums of |products|. */
    private static double[][] weightGradient(float[] x, float[] gz, int n, int h, int ic, int oc, int k) {
        double[] g = new double[k * k * ic * oc], abs = new double[g.length];
        int p = k / 2;
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                for (int b = 0; b < n; b++)
                    for (int i = 0; i < h; i++)
                        for (int j = 0; j < h; j++) {
                            int ii = i + ky - p, jj = j + kx - p;
                            if (ii < 0 || jj < 0 || ii >= h || jj >= h) continue;
                            int xo = ((b * h + ii) * h + jj) * ic, go = ((b * h + i) * h + j) * oc, wo = (ky * k + kx) * ic * oc;
                            for (int ci = 0; ci < ic; ci++)
                                for (int co = 0; co < oc; co++) {
                                    double v = (double) x[xo + ci] * gz[go + co];
                                    g[wo + ci * oc + co] += v;
                                    abs[wo + ci * oc + co] += Math.abs(v);
                                }
                        }
        return new double[][]{g, abs};
    }
}
