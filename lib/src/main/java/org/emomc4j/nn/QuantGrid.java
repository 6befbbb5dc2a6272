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
        float m = org.emomc4j.util.Parallel.maxAbs(w);
        if (m == 0) return new QuantGrid(1, 0, new float[w.length]);
        float[] codes = new float[w.length];
        for (int b = 2; b <= maxBits; b++) {
            double step = m / (Math.pow(2, b - 1) - 1);
            // Every part stops at its first weight off the grid, and all stop once one part has failed.
            java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
            org.emomc4j.util.Parallel.forRange(w.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    // A zero is on every grid, its code itself (sign kept, as rint(±0 / step) is);
                    // skipping its division saves half of this pass on a pruned tensor.
                    if (w[i] == 0) {
                        codes[i] = w[i];
                        continue;
                    }
                    double q = w[i] / step, r = Math.rint(q);
                    if (Math.abs(q - r) > 1e-3 || ((i & 4095) == 0 && failed.get())) {
                        failed.set(true);
                        return;
                    }
                    codes[i] = (float) r;
                }
            });
            if (!failed.get()) return new QuantGrid(b, step, codes);
        }
        return null;
    }
}
