package org.emomc4j.compress.quant;

/**
 * Power-of-two (logarithmic) weight quantization: every weight becomes 0 or +-2^e, so a multiply
 * is a shift. With q bits, one is the sign and the rest index 2^(q-1) - 1 exponents
 * e_max, e_max-1, ..., (code 0 is zero), e_max = round(log2 max|w|). A weight is rounded to the
 * nearest exponent in the log domain; below half the smallest level it becomes 0.
 */
public final class PowerOfTwoQuantizer {

    private PowerOfTwoQuantizer() { }

    /** Fake-quantized copy of {@code w}. */
    public static float[] quantize(float[] w, int bits) {
        if (bits < 2 || bits > 16) throw new IllegalArgumentException("power-of-two quantization needs 2..16 bits, got " + bits);
        float max = UniformQuantizer.maxAbs(w);
        float[] out = new float[w.length];
        if (max == 0) return out;
        int eMax = (int) Math.round(Math.log(max) / Math.log(2));
        int levels = (1 << (bits - 1)) - 1;
        int eMin = eMax - levels + 1;
        double smallest = Math.scalb(1.0, eMin);
        for (int i = 0; i < w.length; i++) {
            double a = Math.abs(w[i]);
            if (a < smallest / 2) continue;
            int e = (int) Math.round(Math.log(a) / Math.log(2));
            e = Math.max(eMin, Math.min(eMax, e));
            out[i] = (float) Math.copySign(Math.scalb(1.0, e), w[i]);
        }
        return out;
    }
}
