package org.emomc4j.compress.quant;

import java.util.Arrays;

/**
 * LQ-Nets learned weight quantizer (Zhang et al., ECCV 2018): a K-bit quantizer is a basis
 * v in R^K, its 2^K levels are v^T e for every e in {-1, +1}^K, and a weight is coded by the
 * nearest level. The basis is fitted to the weights by alternating quantization-error
 * minimisation (QEM): (1) with v fixed, code every weight by its nearest level; (2) with the
 * codes B fixed, v = (B B^T)^-1 B w, the least-squares basis. Any bit-width 1..{@link #MAX_BITS}.
 * The basis is initialised like LQ-Nets' code: v_i proportional to 2^i, scaled to the weights.
 */
public final class LearnedQuantizer {

    /** Largest bit-width (2^16 levels). */
    public static final int MAX_BITS = 16;

    private final float[] basis;
    private final double[] levels;   // sorted
    private final int[] levelCode;   // code (bit i set = e_i = +1) of each sorted level

    private LearnedQuantizer(double[] v) {
        basis = new float[v.length];
        for (int i = 0; i < v.length; i++) basis[i] = (float) v[i];
        int n = 1 << v.length;
        Long[] order = new Long[n];
        double[] value = new double[n];
        for (int c = 0; c < n; c++) {
            double s = 0;
            for (int i = 0; i < v.length; i++) s += ((c >> i) & 1) == 1 ? v[i] : -v[i];
            value[c] = s;
            order[c] = (long) c;
        }
        Arrays.sort(order, (a, b) -> Double.compare(value[a.intValue()], value[b.intValue()]));
        levels = new double[n];
        levelCode = new int[n];
        for (int k = 0; k < n; k++) { levelCode[k] = order[k].intValue(); levels[k] = value[levelCode[k]]; }
    }

    /** A quantizer with the given basis. */
    public static LearnedQuantizer ofBasis(double... basis) {
        if (basis.length < 1 || basis.length > MAX_BITS)
            throw new IllegalArgumentException("LQ basis needs 1.." + MAX_BITS + " vectors, got " + basis.length);
        return new LearnedQuantizer(basis.clone());
    }

    /** Fits a {@code bits}-bit basis to {@code w} by {@code iterations} QEM rounds. */
    public static LearnedQuantizer fit(float[] w, int bits, int iterations) {
        if (bits < 1 || bits > MAX_BITS) throw new IllegalArgumentException("LQ bit-width must be in 1.." + MAX_BITS + ", got " + bits);
        double meanAbs = 0;
        for (float x : w) meanAbs += Math.abs(x);
        meanAbs = w.length == 0 ? 0 : meanAbs / w.length;
        double[] v = new double[bits];
        // levels +-v0 +- 2 v0 ... span about +-2 * mean|w| initially
        double unit = meanAbs == 0 ? 1e-8 : 2 * meanAbs / ((1 << bits) - 1);
        for (int i = 0; i < bits; i++) v[i] = unit * (1 << i);
        LearnedQuantizer q = new LearnedQuantizer(v);
        for (int t = 0; t < iterations && w.length > 0; t++) {
            // step 1: codes with v fixed; step 2: least-squares basis for those codes
            double[][] btb = new double[bits][bits];
            double[] btw = new double[bits];
            for (float x : w) {
                int code = q.levelCode[q.nearest(x)];
                for (int i = 0; i < bits; i++) {
                    double ei = ((code >> i) & 1) == 1 ? 1 : -1;
                    btw[i] += ei * x;
                    for (int j = 0; j < bits; j++) btb[i][j] += ei * (((code >> j) & 1) == 1 ? 1 : -1);
                }
            }
            double[] nv = solve(btb, btw);
            if (nv == null) break; // codes do not span the basis (e.g. constant weights): keep v
            for (int i = 0; i < bits; i++) nv[i] = Math.abs(nv[i]);
            q = new LearnedQuantizer(nv);
        }
        return q;
    }

    public int bits() { return basis.length; }

    public float[] basis() { return basis.clone(); }

    /** The 2^K levels, ascending. */
    public double[] levels() { return levels.clone(); }

    /** Index into {@link #levels} of the level nearest to x (ties to the lower). */
    int nearest(double x) {
        int k = Arrays.binarySearch(levels, x);
        if (k >= 0) return k;
        int hi = -k - 1;
        if (hi == 0) return 0;
        if (hi == levels.length) return levels.length - 1;
        return (x - levels[hi - 1]) <= (levels[hi] - x) ? hi - 1 : hi;
    }

    /** K-bit code (bit i = 1 means e_i = +1) of every weight. */
    public int[] encode(float[] w) {
        int[] c = new int[w.length];
        for (int i = 0; i < w.length; i++) c[i] = levelCode[nearest(w[i])];
        return c;
    }

    /** Value v^T e of a code. */
    public float value(int code) {
        double s = 0;
        for (int i = 0; i < basis.length; i++) s += ((code >> i) & 1) == 1 ? basis[i] : -basis[i];
        return (float) s;
    }

    /** The quantized weights (a new array). */
    public float[] quantized(float[] w) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) out[i] = (float) levels[nearest(w[i])];
        return out;
    }

    /** Sum of squared quantization errors over {@code w}. */
    public double squaredError(float[] w) {
        double e = 0;
        for (float x : w) { double d = x - levels[nearest(x)]; e += d * d; }
        return e;
    }

    /** Solves A x = b by Gaussian elimination with partial pivoting; null if singular. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) { System.arraycopy(a[i], 0, m[i], 0, n); m[i][n] = b[i]; }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            if (Math.abs(m[p][c]) < 1e-12) return null;
            double[] t = m[c]; m[c] = m[p]; m[p] = t;
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = m[i][n] / m[i][i];
        return x;
    }
}
