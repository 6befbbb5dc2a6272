package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * BatchNorm + ReLU fused into two passes over NHWC activations (seen as [M, C], M = N*H*W),
 * forward and backward, in plain Java on reused float arrays.
 *
 * <p>Why: measured on VGG-16, libnd4j's {@code batchnorm_bp} alone took a quarter of a training
 * step (17x its forward op), and {@code moments}, {@code relu}, {@code relu_bp} another tenth;
 * these are memory-bound passes that the JIT vectorises well once they are fused, and copying
 * activations between ND4J's buffers and Java arrays runs at memcpy speed.
 *
 * <p>Deterministic: rows are split into a fixed number of blocks whose partial sums are added in
 * block order, so results do not depend on thread scheduling.
 */
final class FusedBn {

    /** Row blocks (work items); fixed so that the summation order is fixed. */
    private static final int BLOCKS = 8;
    /** Rows accumulated in float before folding into double sums. */
    private static final int CHUNK = 64;

    private float[] zA = new float[0], aA = new float[0], gA = new float[0];
    /**
     * Per layer, the training forward's copy of z and its scale/shift: the backward pass then
     * reads only the incoming gradient from ND4J and recomputes the ReLU mask from z (bit-identical
     * to the forward's), saving two of its three copies.
     */
    private final java.util.Map<Integer, float[]> zKeep = new java.util.HashMap<>();
    private final java.util.Map<Integer, float[][]> affine = new java.util.HashMap<>();

    private float[] grow(float[] a, long n) {
        return a.length >= n ? a : new float[Math.toIntExact(n)];
    }

    static void read(INDArray arr, float[] dst, int n) {
        FloatBuffer fb = arr.data().asNioFloat();
        fb.position((int) arr.offset());
        fb.get(dst, 0, n);
    }

    static void write(INDArray arr, float[] src, int n) {
        FloatBuffer fb = arr.data().asNioFloat();
        fb.position((int) arr.offset());
        fb.put(src, 0, n);
    }

    /**
     * Training forward: batch statistics of z, then a = relu(gamma * (z - mean) / sqrt(var + eps) + beta).
     *
     * @param mean out: batch mean per channel
     * @param var  out: biased batch variance per channel
     */
    void forwardTrain(int layer, INDArray z, INDArray a, float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        int C = gamma.length, n = (int) z.length(), M = n / C;
        float[] zk = zKeep.get(layer);
        if (zk == null || zk.length != n) zKeep.put(layer, zk = new float[n]);
        aA = grow(aA, n);
        read(z, zk, n);
        final float[] zz = zk;
        double[][] s1 = new double[BLOCKS][C], s2 = new double[BLOCKS][C];
        IntStream.range(0, BLOCKS).parallel().forEach(b -> {
            int r0 = (int) ((long) M * b / BLOCKS), r1 = (int) ((long) M * (b + 1) / BLOCKS);
            float[] f1 = new float[C], f2 = new float[C];
            double[] d1 = s1[b], d2 = s2[b];
            for (int r = r0; r < r1; r += CHUNK) {
                int re = Math.min(r1, r + CHUNK);
                java.util.Arrays.fill(f1, 0f);
                java.util.Arrays.fill(f2, 0f);
                for (int m = r; m < re; m++) {
                    int base = m * C;
                    for (int c = 0; c < C; c++) {
                        float v = zz[base + c];
                        f1[c] += v;
                        f2[c] += v * v;
                    }
                }
                for (int c = 0; c < C; c++) { d1[c] += f1[c]; d2[c] += f2[c]; }
            }
        });
        float[] sc = new float[C], sh = new float[C];
        for (int c = 0; c < C; c++) {
            double t1 = 0, t2 = 0;
            for (int b = 0; b < BLOCKS; b++) { t1 += s1[b][c]; t2 += s2[b][c]; }
            double mu = t1 / M, v = Math.max(0, t2 / M - mu * mu);
            mean[c] = (float) mu;
            var[c] = (float) v;
            double s = gamma[c] / Math.sqrt(v + eps);
            sc[c] = (float) s;
            sh[c] = (float) (beta[c] - mu * s);
        }
        affine.put(layer, new float[][]{sc, sh});
        apply(zz, aA, sc, sh, C, M);
        write(a, aA, n);
    }

    /** Inference forward with given (running) statistics. */
    void forwardInfer(INDArray z, INDArray a, float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        int C = gamma.length, n = (int) z.length(), M = n / C;
        zA = grow(zA, n);
        aA = grow(aA, n);
        read(z, zA, n);
        float[] sc = new float[C], sh = new float[C];
        for (int c = 0; c < C; c++) {
            double s = gamma[c] / Math.sqrt(var[c] + eps);
            sc[c] = (float) s;
            sh[c] = (float) (beta[c] - mean[c] * s);
        }
        apply(zA, aA, sc, sh, C, M);
        write(a, aA, n);
    }

    private static void apply(float[] zz, float[] out, float[] sc, float[] sh, int C, int M) {
        IntStream.range(0, BLOCKS).parallel().forEach(b -> {
            int r0 = (int) ((long) M * b / BLOCKS), r1 = (int) ((long) M * (b + 1) / BLOCKS);
            for (int m = r0; m < r1; m++) {
                int base = m * C;
                for (int c = 0; c < C; c++) out[base + c] = Math.max(zz[base + c] * sc[c] + sh[c], 0f);
            }
        });
    }

    /**
     * 1 if a > 0, else 0, for a ReLU output a >= 0, without a branch: a data-dependent branch
     * here mispredicts half the time and keeps the loop from vectorising (measured 4x slower).
     * The smallest positive float is 2^-149, so a * 2^127 * 2^22 >= 1 exactly when a > 0.
     */
    private static float reluMask(float a) {
        return Math.min(a * 0x1p127f * 0x1p22f, 1f);
    }

    /**
     * Training backward through ReLU and BatchNorm (batch statistics): from g = dL/da, writes
     * dz = dL/dz and returns {dGamma, dBeta}.
     *
     * @param layer the layer whose {@link #forwardTrain} ran last for this batch
     */
    float[][] backward(int layer, INDArray g, INDArray dz, float[] gamma, float[] mean, float[] var, double eps) {
        int C = gamma.length, n = (int) g.length(), M = n / C;
        float[] zk = zKeep.get(layer);
        if (zk == null || zk.length != n) throw new IllegalStateException("backward without matching forward for layer " + layer);
        gA = grow(gA, n);
        zA = grow(zA, n);
        read(g, gA, n);
        final float[] zz = zk, gg = gA, out = zA;
        final float[] sc = affine.get(layer)[0], sh = affine.get(layer)[1];
        double[][] s1 = new double[BLOCKS][C], s2 = new double[BLOCKS][C];
        IntStream.range(0, BLOCKS).parallel().forEach(b -> {
            int r0 = (int) ((long) M * b / BLOCKS), r1 = (int) ((long) M * (b + 1) / BLOCKS);
            float[] f1 = new float[C], f2 = new float[C];
            double[] d1 = s1[b], d2 = s2[b];
            for (int r = r0; r < r1; r += CHUNK) {
                int re = Math.min(r1, r + CHUNK);
                java.util.Arrays.fill(f1, 0f);
                java.util.Arrays.fill(f2, 0f);
                for (int m = r; m < re; m++) {
                    int base = m * C;
                    for (int c = 0; c < C; c++) {
                        float gy = gg[base + c] * reluMask(Math.max(zz[base + c] * sc[c] + sh[c], 0f));
                        f1[c] += gy;
                        f2[c] += gy * zz[base + c];
                    }
                }
                for (int c = 0; c < C; c++) { d1[c] += f1[c]; d2[c] += f2[c]; }
            }
        });
        float[] k1 = new float[C], k2 = new float[C], k3 = new float[C];
        float[] dGamma = new float[C], dBeta = new float[C];
        for (int c = 0; c < C; c++) {
            double sg = 0, sgz = 0;
            for (int b = 0; b < BLOCKS; b++) { sg += s1[b][c]; sgz += s2[b][c]; }
            double is = 1 / Math.sqrt(var[c] + eps), mu = mean[c];
            double dg = is * (sgz - mu * sg);
            dGamma[c] = (float) dg;
            dBeta[c] = (float) sg;
            double gi = gamma[c] * is;
            k1[c] = (float) gi;
            k2[c] = (float) (-gi * is * dg / M);
            k3[c] = (float) (-gi * sg / M + gi * is * mu * dg / M);
        }
        // dz = k1 * gy + k2 * z + k3.
        IntStream.range(0, BLOCKS).parallel().forEach(b -> {
            int r0 = (int) ((long) M * b / BLOCKS), r1 = (int) ((long) M * (b + 1) / BLOCKS);
            for (int m = r0; m < r1; m++) {
                int base = m * C;
                for (int c = 0; c < C; c++) {
                    float gy = gg[base + c] * reluMask(Math.max(zz[base + c] * sc[c] + sh[c], 0f));
                    out[base + c] = k1[c] * gy + k2[c] * zz[base + c] + k3[c];
                }
            }
        });
        write(dz, out, n);
        return new float[][]{dGamma, dBeta};
    }
}
