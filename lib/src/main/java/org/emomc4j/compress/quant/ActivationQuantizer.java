package org.emomc4j.compress.quant;

/**
 * Unsigned k-bit quantization of activations after ReLU: x in [0, range] maps to
 * round(x / step) * step with step = range / (2^k - 1), clipped at range. The range is calibrated
 * from observed activations: their maximum, a percentile (robust to outliers), or an exponential
 * moving average of per-batch maxima, as QAT frameworks do.
 */
public final class ActivationQuantizer {

    private final int bits;
    private double range;

    /** A quantizer with a fixed range. */
    public ActivationQuantizer(int bits, double range) {
        if (bits < 1 || bits > 31) throw new IllegalArgumentException("activation bit-width must be in 1..31, got " + bits);
        if (!(range >= 0) || Double.isInfinite(range)) throw new IllegalArgumentException("activation range must be finite and >= 0, got " + range);
        this.bits = bits;
        this.range = range;
    }

    /** Range = max of the samples. */
    public static ActivationQuantizer calibrateMax(float[] samples, int bits) {
        double m = 0;
        for (float v : samples) m = Math.max(m, v);
        return new ActivationQuantizer(bits, m);
    }

    /** Range = the given percentile (e.g. 99.99) of the samples. */
    public static ActivationQuantizer calibratePercentile(float[] samples, int bits, double percentile) {
        if (!(percentile > 0 && percentile <= 100)) throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        if (samples.length == 0) return new ActivationQuantizer(bits, 0);
        float[] s = samples.clone();
        java.util.Arrays.sort(s);
        int idx = (int) Math.ceil(percentile / 100.0 * s.length) - 1;
        return new ActivationQuantizer(bits, Math.max(0, s[Math.max(0, Math.min(s.length - 1, idx))]));
    }

    /** Updates the range with an exponential moving average of this batch's maximum. */
    public synchronized void observe(float[] batch, double momentum) {
        double m = 0;
        for (float v : batch) m = Math.max(m, v);
        range = range == 0 ? m : momentum * range + (1 - momentum) * m;
    }

    public int bits() { return bits; }

    public synchronized double range() { return range; }

    public double step() { return range() / ((1L << bits) - 1); }

    /** Quantizes in place (negative inputs clip to 0) and returns {@code x}. */
    public float[] apply(float[] x) {
        double step = step(), r = range();
        if (step == 0) { java.util.Arrays.fill(x, 0f); return x; }
        for (int i = 0; i < x.length; i++) {
            double v = Math.max(0, Math.min(r, x[i]));
            x[i] = (float) (Math.rint(v / step) * step);
        }
        return x;
    }
}
