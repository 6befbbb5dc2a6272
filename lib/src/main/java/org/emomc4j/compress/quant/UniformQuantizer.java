package org.emomc4j.compress.quant;

/**
 * Uniform quantizers of weight tensors. {@link #symmetric} is the reference's exactly:
 * step = max|w| / (2^(q-1) - 1), w_q = round(w / step) * step, with round half to even (as
 * torch.round); computed in double and stored as float. The error of every weight is at most
 * step/2 (plus float rounding of the result).
 *
 * <p>The method, formulas and choices: {@code docs/method.md#quantization}.
 */
public final class UniformQuantizer {

    private UniformQuantizer() { }

    /** The reference step for a tensor whose largest magnitude is {@code maxAbs}. */
    public static double symmetricStep(double maxAbs, int bits) {
        checkSymmetricBits(bits);
        return maxAbs / (Math.pow(2, bits - 1) - 1);
    }

    /** Largest |w| (NaN-free input assumed). */
    public static float maxAbs(float[] w) {
        return org.emomc4j.util.Parallel.maxAbs(w);
    }

    /** Symmetric per-tensor codes and step (the reference quantizer). An all-zero tensor gets step 0. */
    public static QuantizedTensor symmetric(float[] w, int bits) {
        double step = symmetricStep(maxAbs(w), bits);
        int[] codes = new int[w.length];
        if (step > 0) for (int i = 0; i < w.length; i++) codes[i] = (int) Math.rint(w[i] / step);
        return new QuantizedTensor(codes, bits, new float[]{(float) step}, 0);
    }

    /**
     * Fake-quantizes in place with the reference rule and returns {@code w}: w = round(w/step)*step.
     * The value is computed in double from the double step (no float step round-off).
     */
    public static float[] symmetricInPlace(float[] w, int bits) {
        double step = symmetricStep(maxAbs(w), bits);
        if (step == 0) return w;
        // A zero (a pruned weight: 20-80 % of a search candidate's) maps to itself with its sign, so
        // it is skipped: the double division dominates this loop, which runs for every candidate.
        org.emomc4j.util.Parallel.forRange(w.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = w[i];
                if (v != 0) w[i] = (float) (Math.rint(v / step) * step);
            }
        });
        return w;
    }

    /**
     * Symmetric per output channel: channel j = every index i with i % channels == j (the last axis
     * of HWIO / [in, out]); each channel has its own step max_j|w| / (2^(q-1)-1).
     */
    public static QuantizedTensor symmetricPerChannel(float[] w, int bits, int channels) {
        checkSymmetricBits(bits);
        if (channels < 1 || w.length % channels != 0)
            throw new IllegalArgumentException(w.length + " weights cannot be split into " + channels + " output channels");
        double[] max = new double[channels];
        for (int i = 0; i < w.length; i++) max[i % channels] = Math.max(max[i % channels], Math.abs(w[i]));
        double levels = Math.pow(2, bits - 1) - 1;
        double[] step = new double[channels];
        float[] scales = new float[channels];
        for (int j = 0; j < channels; j++) { step[j] = max[j] / levels; scales[j] = (float) step[j]; }
        int[] codes = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            double s = step[i % channels];
            codes[i] = s > 0 ? (int) Math.rint(w[i] / s) : 0;
        }
        return new QuantizedTensor(codes, bits, scales, 0);
    }

    /**
     * Asymmetric (affine) per tensor: the range [min(w, 0), max(w, 0)] mapped onto codes 0..2^q-1,
     * step = range / (2^q - 1), zero point round(-min/step) so that 0 stays exact.
     */
    public static QuantizedTensor asymmetric(float[] w, int bits) {
        if (bits < 1 || bits > 31) throw new IllegalArgumentException("asymmetric quantization needs 1..31 bits, got " + bits);
        double lo = 0, hi = 0;
        for (float v : w) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        long top = (1L << bits) - 1;
        double step = (hi - lo) / top;
        int[] codes = new int[w.length];
        if (step == 0) return new QuantizedTensor(codes, bits, new float[]{0f}, 0);
        long zp = Math.max(0, Math.min(top, Math.round(-lo / step)));
        for (int i = 0; i < w.length; i++)
            codes[i] = (int) Math.max(0, Math.min(top, (long) Math.rint(w[i] / step) + zp));
        return new QuantizedTensor(codes, bits, new float[]{(float) step}, (int) zp);
    }

    static void checkSymmetricBits(int bits) {
        if (bits < 2 || bits > 32)
            throw new IllegalArgumentException("symmetric uniform quantization needs 2..32 bits (2^(q-1)-1 levels per side), got " + bits);
    }
}
