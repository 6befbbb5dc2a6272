package org.emomc4j.nn;

/**
 * Recognises weights that lie on a symmetric per-tensor quantization grid, the reference
 * quantizer's output ({@code step = max|w| / (2^(b-1) - 1)}, {@code w = code * step}): the
 * low-precision backends then compute with the integer codes and apply the step after the
 * convolution, so a plan's quantized weights enter bf16 and int8 kernels exactly. Detection
 * needs no hint from the caller: the largest weight fixes the step for each candidate b, and
 * every weight must be within 10^-3 steps of an integer multiple of it.
 *
 * @param bits  the smallest b whose grid holds all weights (1 for an all-zero tensor)
 * @param step  the real value of code 1
 * @param codes the integer codes, as floats
 */
record QuantGrid(int bits, double step, float[] codes) {

    /** The grid of {@code w} with at most {@code maxBits} bits, or null when there is none. */
    static QuantGrid detect(float[] w, int maxBits) {
        float m = 0;
        for (float v : w) m = Math.max(m, Math.abs(v));
        if (m == 0) return new QuantGrid(1, 0, new float[w.length]);
        for (int b = 2; b <= maxBits; b++) {
            double step = m / (Math.pow(2, b - 1) - 1);
            float[] codes = new float[w.length];
            boolean ok = true;
            for (int i = 0; i < w.length && ok; i++) {
                double q = w[i] / step, r = Math.rint(q);
                ok = Math.abs(q - r) <= 1e-3;
                codes[i] = (float) r;
            }
            if (ok) return new QuantGrid(b, step, codes);
        }
        return null;
    }
}
