package org.emomc4j.nn;

import org.bytedeco.dnnl.memory;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN convolutions (bytedeco's oneDNN 2.5) against references: ND4J's fp32 conv2d (ND4J's own
 * oneDNN 2.3, in the same JVM), a double-precision Java convolution, and an exact integer one.
 */
class DnnlConvTest {

    static final memory.data_type F32 = memory.data_type.f32, BF16 = memory.data_type.bf16,
            U8 = memory.data_type.u8, S8 = memory.data_type.s8, S32 = memory.data_type.s32;

    static LayerSpec layer(int h, int ic, int oc) {
        return new LayerSpec(0, "t", LayerSpec.Kind.CONV, 3, ic, oc, 1, h, h, h, h, false);
    }

    /** Plain convolution, NHWC x HWIO, stride 1, pad k/2, in double; also the sum of |products| per output (error scale). */
    static double[][] reference(float[] x, float[] w, int n, int h, int ic, int oc, int k) {
        double[] y = new double[n * h * h * oc], abs = new double[y.length];
        int p = k / 2;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < h; j++)
                    for (int o = 0; o < oc; o++) {
                        double s = 0, a = 0;
                        for (int kh = 0; kh < k; kh++)
                            for (int kw = 0; kw < k; kw++) {
                                int ii = i + kh - p, jj = j + kw - p;
                                if (ii < 0 || jj < 0 || ii >= h || jj >= h) continue;
                                for (int c = 0; c < ic; c++) {
                                    double v = (double) x[((b * h + ii) * h + jj) * ic + c] * w[((kh * k + kw) * ic + c) * oc + o];
                                    s += v;
                                    a += Math.abs(v);
                                }
                            }
                        y[((b * h + i) * h + j) * oc + o] = s;
                        abs[((b * h + i) * h + j) * oc + o] = a;
                    }
        return new double[][]{y, abs};
    }

    static long[] intReference(int[] x, int[] w, int n, int h, int ic, int oc, int k) {
        long[] y = new long[n * h * h * oc];
        int p = k / 2;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < h; j++)
                    for (int o = 0; o < oc; o++) {
                        long s = 0;
                        for (int kh = 0; kh < k; kh++)
                            for (int kw = 0; kw < k; kw++) {
                                int ii = i + kh - p, jj = j + kw - p;
                                if (ii < 0 || jj < 0 || ii >= h || jj >= h) continue;
                                for (int c = 0; c < ic; c++)
                                    s += (long) x[((b * h + ii) * h + jj) * ic + c] * w[((kh * k + kw) * ic + c) * oc + o];
                            }
                        y[((b * h + i) * h + j) * oc + o] = s;
                    }
        return y;
    }

    static float[] randn(int len, Random r) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** A memory of the given type holding f32 values (converted by a oneDNN reorder). */
    static memory filled(memory.desc d, float[] v, memory.desc f32Desc) {
        memory user = Dnnl.alloc(f32Desc);
        Dnnl.write(user, v, v.length);
        memory m = Dnnl.alloc(d);
        Dnnl.reorder(user, m, 1f);
        return m;
    }

    @Test
    void f32MatchesNd4jConvInTheSameJvm() {
        int n = 4, h = 8, ic = 16, oc = 24;
        Random r = new Random(1);
        float[] x = randn(n * h * h * ic, r), w = randn(9 * ic * oc, r);
        // ND4J (its bundled oneDNN 2.3) first, then bytedeco's oneDNN 2.5, then ND4J again.
        INDArray xa = Nd4j.create(x, new long[]{n, h, h, ic}, 'c'), wa = Nd4j.create(w, new long[]{3, 3, ic, oc}, 'c');
        INDArray ya = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, h, h, oc);
        NdOps.conv2d(xa, wa, null, ya, 3);
        float[] nd4j = ya.dup().data().asFloat();

        DnnlConv c = new DnnlConv(layer(h, ic, oc), F32, F32, F32, false, false);
        c.setWeights(w, null, null);
        memory src = Dnnl.alloc(c.srcDesc(n)), dst = Dnnl.alloc(c.dstDesc(n));
        Dnnl.write(src, x, x.length);
        c.forward(n, src, dst);
        float[] dnnl = new float[nd4j.length];
        Dnnl.read(dst, dnnl, dnnl.length);
        double[][] ref = reference(x, w, n, h, ic, oc, 3);
        for (int i = 0; i < dnnl.length; i++) {
            assertEquals(ref[0][i], nd4j[i], 1e-5 * ref[1][i] + 1e-6, "nd4j at " + i);
            assertEquals(ref[0][i], dnnl[i], 1e-5 * ref[1][i] + 1e-6, "oneDNN at " + i);
        }
        NdOps.conv2d(xa, wa, null, ya, 3);
        assertArrayEquals(nd4j, ya.dup().data().asFloat(), "ND4J still computes the same after oneDNN 2.5 ran");
    }

    /**
     * bf16 inputs, fp32 accumulation: the product of two bf16 numbers is exact in fp32, so with
     * bf16-exact data the only error is fp32 summation (tolerance 1e-5 x sum|products|); with
     * arbitrary fp32 data each operand is rounded to 8 significant bits (tolerance 2^-7 x sum|products|),
     * and a bf16 destination adds a relative 2^-8.
     */
    @Test
    void bf16AgainstFp32Reference() {
        int n = 3, h = 8, ic = 32, oc = 16;
        Random r = new Random(2);
        float[] x = randn(n * h * h * ic, r), w = randn(9 * ic * oc, r);
        float[] xb = x.clone(), wb = w.clone();
        for (int i = 0; i < xb.length; i++) xb[i] = Dnnl.toBf16(xb[i]);
        for (int i = 0; i < wb.length; i++) wb[i] = Dnnl.toBf16(wb[i]);
        double[][] exact = reference(xb, wb, n, h, ic, oc, 3), ref = reference(x, w, n, h, ic, oc, 3);
        for (memory.data_type dt : new memory.data_type[]{F32, BF16}) {
            DnnlConv c = new DnnlConv(layer(h, ic, oc), BF16, BF16, dt, false, false);
            for (float[][] data : new float[][][]{{xb, wb}, {x, w}}) {
                c.setWeights(data[1], null, null);
                memory src = filled(c.srcDesc(n), data[0], Dnnl.nhwc(n, ic, h, h, F32));
                memory dst = Dnnl.alloc(c.dstDesc(n));
                c.forward(n, src, dst);
                float[] y = new float[n * h * h * oc];
                if (dt == F32) Dnnl.read(dst, y, y.length); else Dnnl.readBf16(dst, y, y.length);
                boolean exactData = data[0] == xb;
                double[][] want = exactData ? exact : ref;
                double maxErr = 0;
                for (int i = 0; i < y.length; i++) {
                    double tol = (exactData ? 1e-5 : Math.pow(2, -7)) * want[1][i] + (dt == BF16 ? Math.pow(2, -8) * Math.abs(want[0][i]) : 0) + 1e-6;
                    assertEquals(want[0][i], y[i], tol, dt + (exactData ? " bf16-exact" : " fp32") + " data at " + i);
                    maxErr = Math.max(maxErr, Math.abs(want[0][i] - y[i]));
                }
                if (!exactData) assertTrue(maxErr > 0, "bf16 rounding must show on fp32 data");
            }
        }
    }

    /**
     * Small maps run as matrix products: 1x1 and 2x2 (every 3x3 window covers the map) as one dense
     * product, 3x3 and 4x4 as patches times weights; the same scaled, biased, ReLU'd convolution.
     * bf16-exact data and an f32 destination leave only fp32 summation error, so a tap or a padding
     * entry in the wrong place would show by whole products. Two batch sizes and two source buffers
     * per size exercise the per-size primitives and the re-pointed copies; a second weight version
     * after both sizes ran, that nothing keeps the first one's weights.
     */
    @Test
    void smallMapsRunAsMatrixProducts() {
        assertEquals(DnnlConv.Mode.CONV, new DnnlConv(layer(8, 512, 512), BF16, BF16, BF16, true, true).mode(), "an 8x8 map stays a convolution");
        assertEquals(DnnlConv.Mode.CONV, new DnnlConv(layer(2, 8, 8), U8, S8, U8, true, true).mode(), "int8 stays a convolution");
        assertEquals(DnnlConv.Mode.CONV, new DnnlConv(layer(4, 8, 8), F32, F32, F32, true, true).mode(), "fp32 stays a convolution");
        assertEquals(DnnlConv.Mode.CONV, new DnnlConv(layer(2, 128, 512), BF16, BF16, BF16, true, true).mode(), "narrow layers stay convolutions");
        Random r = new Random(4);
        for (int h : new int[]{1, 2, 3, 4}) {
            int ic = DnnlConv.WIDE, oc = DnnlConv.WIDE + 8;
            DnnlConv c = new DnnlConv(layer(h, ic, oc), BF16, BF16, F32, true, true);
            assertEquals(h <= 2 ? DnnlConv.Mode.DENSE : DnnlConv.Mode.PATCHES, c.mode(), h + "x" + h);
            // A second weight version after both batch sizes ran (a search's next candidate).
            for (int version = 0; version < 2; version++) {
                float[] w = randn(9 * ic * oc, r), bias = randn(oc, r), scale = new float[oc];
                for (int i = 0; i < w.length; i++) w[i] = Dnnl.toBf16(w[i]);
                for (int o = 0; o < oc; o++) scale[o] = (float) (0.5 + r.nextDouble());
                c.setWeights(w, bias, scale);
                for (int n : new int[]{3, 2, 3}) {
                    float[] x = randn(n * h * h * ic, r);
                    for (int i = 0; i < x.length; i++) x[i] = Dnnl.toBf16(x[i]);
                    memory src = filled(c.srcDesc(n), x, Dnnl.nhwc(n, ic, h, h, F32)), dst = Dnnl.alloc(c.dstDesc(n));
                    c.forward(n, src, dst);
                    float[] y = new float[n * h * h * oc];
                    Dnnl.read(dst, y, y.length);
                    double[][] ref = reference(x, w, n, h, ic, oc, 3);
                    int positive = 0;
                    for (int i = 0; i < y.length; i++) {
                        int o = i % oc;
                        double want = Math.max(0, scale[o] * (ref[0][i] + bias[o]));
                        assertEquals(want, y[i], 1e-5 * scale[o] * (ref[1][i] + Math.abs(bias[o])) + 1e-6, h + "x" + h + ", weights " + version + ", n " + n + " at " + i);
                        if (want > 0) positive++;
                    }
                    assertTrue(positive > 0 && positive < y.length, "the data must exercise the ReLU's both sides");
                }
            }
        }
    }

    @Test
    void int8EqualsIntegerReferenceExactly() {
        int n = 2, h = 6, ic = 19, oc = 13;
        Random r = new Random(3);
        for (memory.data_type st : new memory.data_type[]{U8, S8}) {
            int[] x = new int[n * h * h * ic], w = new int[9 * ic * oc];
            for (int i = 0; i < x.length; i++) x[i] = st == U8 ? r.nextInt(256) : r.nextInt(255) - 127;
            for (int i = 0; i < w.length; i++) w[i] = r.nextInt(255) - 127;
            float[] wf = new float[w.length];
            for (int i = 0; i < w.length; i++) wf[i] = w[i];
            byte[] xb = new byte[x.length];
            for (int i = 0; i < x.length; i++) xb[i] = (byte) x[i];
            long[] want = intReference(x, w, n, h, ic, oc, 3);

            DnnlConv c = new DnnlConv(layer(h, ic, oc), st, S8, S32, false, false);
            c.setWeights(wf, null, null);
            memory src = Dnnl.alloc(c.srcDesc(n)), dst = Dnnl.alloc(c.dstDesc(n));
            Dnnl.writeBytes(src, xb, xb.length);
            c.forward(n, src, dst);
            int[] y = new int[want.length];
            Dnnl.readInts(dst, y, y.length);
            for (int i = 0; i < y.length; i++) assertEquals(want[i], y[i], st + " at " + i);

            // Requantized to u8 with per-channel scales, bias and fused ReLU: the accelerator's
            // output stage, reproduced bit for bit by DnnlConv.requantizeU8.
            float[] scale = new float[oc], bias = new float[oc];
            for (int o = 0; o < oc; o++) { scale[o] = (float) (r.nextDouble() * 0.01); bias[o] = (float) (r.nextGaussian() * 2000); }
            DnnlConv q = new DnnlConv(layer(h, ic, oc), st, S8, U8, true, true);
            q.setWeights(wf, bias, scale);
            memory d8 = Dnnl.alloc(q.dstDesc(n));
            q.forward(n, src, d8);
            int[] y8 = new int[want.length];
            Dnnl.readU8(d8, y8, y8.length);
            int saturatedHigh = 0, zero = 0;
            for (int i = 0; i < y8.length; i++) {
                int o = i % oc;
                assertEquals(DnnlConv.requantizeU8((int) want[i], bias[o], scale[o]), y8[i], st + " requantized at " + i);
                if (y8[i] == 255) saturatedHigh++;
                if (y8[i] == 0) zero++;
            }
            assertTrue(saturatedHigh > 0 && zero > 0 && saturatedHigh + zero < y8.length, "the data must exercise both clamps and the interior");
        }
    }
}
