package org.emomc4j.compress.quant;

import org.emomc4j.util.UserError;

import java.util.Locale;

/**
 * The weight quantizers notebook 04 compares, behind one call: {@link #SYMMETRIC} is the paper's
 * (step = max|w| / (2^(b-1) - 1), w_q = round(w / step) step, docs/method.md#quantization); the
 * others are extensions. {@link #error} is the mean squared error a quantizer leaves on a tensor.
 */
public enum WeightQuantizer {
    /** The reference: symmetric, uniform, per tensor. */
    SYMMETRIC("symmetric") {
        @Override public float[] quantize(float[] w, int bits) { return UniformQuantizer.symmetric(w, bits).dequantize(); }
    },
    /** Uniform over [min, max] (always containing 0) with a zero point. */
    ASYMMETRIC("asymmetric") {
        @Override public float[] quantize(float[] w, int bits) { return UniformQuantizer.asymmetric(w, bits).dequantize(); }
    },
    /** Levels at signed powers of two: multiplications become shifts. */
    POWER_OF_TWO("power-of-two") {
        @Override public float[] quantize(float[] w, int bits) { return PowerOfTwoQuantizer.quantize(w, bits); }
    },
    /** LQ-Nets' learned basis, fitted to the tensor (10 QEM iterations). */
    LEARNED("learned (LQ-Nets)") {
        @Override public float[] quantize(float[] w, int bits) { return LearnedQuantizer.fit(w, bits, 10).quantized(w); }
    };

    private final String label;

    WeightQuantizer(String label) { this.label = label; }

    /** Name used in tables and figures. */
    public String label() { return label; }

    /** The quantized values of {@code w} (not modified) at {@code bits}. */
    public abstract float[] quantize(float[] w, int bits);

    /** Mean squared quantization error of {@code w} at {@code bits}. */
    public double error(float[] w, int bits) { return meanSquaredError(w, quantize(w, bits)); }

    /** Mean of (a_i - b_i)^2; 0 for empty arrays. */
    public static double meanSquaredError(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
        if (a.length == 0) return 0;
        double s = 0;
        for (int i = 0; i < a.length; i++) { double d = (double) a[i] - b[i]; s += d * d; }
        return s / a.length;
    }

    /** Parses a label or enum name, case-insensitive ({@code symmetric}, {@code power-of-two}, ...). */
    public static WeightQuantizer parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (WeightQuantizer q : values()) if (q.label.startsWith(t) && !t.isEmpty()) return q;
        throw new UserError("unknown quantizer '" + text + "': use symmetric, asymmetric, power-of-two or learned");
    }

    @Override public String toString() { return label; }
}
