package org.emomc4j.compress;

import org.emomc4j.nn.NetworkSpec;

import java.util.Arrays;
import java.util.Locale;

/**
 * The paper's compression plan: for every compressible layer, the remaining fraction r_l of its
 * weights (after magnitude pruning), the weight bit-width q_l and, optionally, an activation
 * bit-width (0 = activations not quantized, the reference's fp16 inference).
 *
 * <p>Immutable and cheap: three small arrays, validated once, so the cost models can score
 * millions of plans. The paper's genome [r, q_0 .. q_13] is one way to build a plan
 * ({@link #fromGenome}).
 */
public final class CompressionPlan {

    /** Smallest and largest weight / activation bit-widths a plan accepts. */
    public static final int MIN_BITS = 1, MAX_BITS = 32;

    private final double[] remaining;
    private final int[] weightBits;
    private final int[] activationBits;

    private CompressionPlan(double[] remaining, int[] weightBits, int[] activationBits) {
        this.remaining = remaining;
        this.weightBits = weightBits;
        this.activationBits = activationBits;
    }

    /**
     * A plan with per-layer values.
     *
     * @param remaining      remaining fraction of each layer, in (0, 1]
     * @param weightBits     weight bit-width of each layer, 1..32
     * @param activationBits activation bit-width of each layer, 1..32, or 0 for "not quantized";
     *                       {@code null} means not quantized everywhere
     * @throws IllegalArgumentException with a message naming the bad layer and value
     */
    public static CompressionPlan of(double[] remaining, int[] weightBits, int[] activationBits) {
        if (remaining == null || weightBits == null)
            throw new IllegalArgumentException("plan needs remaining fractions and weight bit-widths");
        int n = remaining.length;
        if (n == 0) throw new IllegalArgumentException("plan has no layers");
        if (weightBits.length != n)
            throw new IllegalArgumentException("plan has " + n + " remaining fractions but " + weightBits.length
                    + " weight bit-widths: give one of each per layer");
        int[] act = activationBits == null ? new int[n] : activationBits.clone();
        if (act.length != n)
            throw new IllegalArgumentException("plan has " + n + " layers but " + act.length + " activation bit-widths");
        for (int i = 0; i < n; i++) {
            checkRemaining(remaining[i], i);
            checkBits(weightBits[i], "weight", i);
            if (act[i] != 0) checkBits(act[i], "activation", i);
        }
        return new CompressionPlan(remaining.clone(), weightBits.clone(), act);
    }

    /** Per-layer weight bits with one shared remaining fraction (the paper's genome shape). */
    public static CompressionPlan of(double remaining, int... weightBits) {
        double[] r = new double[weightBits.length];
        Arrays.fill(r, remaining);
        return of(r, weightBits, null);
    }

    /** The same remaining fraction and weight bit-width in every layer of {@code spec}. */
    public static CompressionPlan uniform(NetworkSpec spec, double remaining, int weightBits) {
        return uniform(spec.size(), remaining, weightBits);
    }

    /** The same remaining fraction and weight bit-width in each of {@code layers} layers. */
    public static CompressionPlan uniform(int layers, double remaining, int weightBits) {
        int[] b = new int[layers];
        Arrays.fill(b, weightBits);
        return of(remaining, b);
    }

    /** The uncompressed network: r = 1, 32-bit weights. */
    public static CompressionPlan uncompressed(NetworkSpec spec) {
        return uniform(spec, 1.0, 32);
    }

    /**
     * The paper's genome [r, q_0 .. q_{L-1}] for {@code spec}: one remaining fraction shared by all
     * layers and one integer weight bit-width per layer. r is used as given (the search snaps it to
     * its grid, see {@link #snapDown}); bit-widths must be integral.
     */
    public static CompressionPlan fromGenome(NetworkSpec spec, double[] genome) {
        int layers = spec.size();
        if (genome == null || genome.length != layers + 1)
            throw new IllegalArgumentException("genome for " + spec.id() + " needs 1 + " + layers + " = " + (layers + 1)
                    + " numbers [r, q_0 .. q_" + (layers - 1) + "], got " + (genome == null ? 0 : genome.length));
        int[] b = new int[layers];
        for (int i = 0; i < layers; i++) {
            double q = genome[i + 1];
            if (q != Math.rint(q))
                throw new IllegalArgumentException("bit-width of layer " + i + " must be an integer, got " + q);
            b[i] = (int) q;
        }
        return of(genome[0], b);
    }

    /**
     * Snaps a remaining fraction down to a grid (the reference's 0.01 grid of stage-1 checkpoints),
     * tolerant of representation error: 0.29999999999 becomes 0.30, 0.305 becomes 0.30.
     */
    public static double snapDown(double r, double grid) {
        double k = Math.floor(r / grid + 1e-9);
        return Math.round(k * grid * 1e9) / 1e9;
    }

    private static void checkRemaining(double r, int layer) {
        if (!(r > 0 && r <= 1))
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "remaining fraction of layer %d must be in (0, 1], got %s", layer, r));
    }

    private static void checkBits(int b, String what, int layer) {
        if (b < MIN_BITS || b > MAX_BITS)
            throw new IllegalArgumentException(what + " bit-width of layer " + layer + " must be in "
                    + MIN_BITS + ".." + MAX_BITS + ", got " + b);
    }

    /** Checks that this plan has one entry per compressible layer of {@code spec}. */
    public CompressionPlan requireLayers(NetworkSpec spec) {
        if (remaining.length != spec.size())
            throw new IllegalArgumentException("plan has " + remaining.length + " layers but " + spec.id()
                    + " has " + spec.size() + " compressible layers");
        return this;
    }

    /** Same plan with these activation bit-widths (0 = not quantized) in every layer. */
    public CompressionPlan withActivationBits(int bits) {
        int[] a = new int[remaining.length];
        Arrays.fill(a, bits);
        return of(remaining, weightBits, a);
    }

    public int layers() { return remaining.length; }

    public double remaining(int layer) { return remaining[layer]; }

    public int weightBits(int layer) { return weightBits[layer]; }

    /** Activation bit-width of the layer's input, or 0 when activations are not quantized. */
    public int activationBits(int layer) { return activationBits[layer]; }

    public double[] remaining() { return remaining.clone(); }

    public int[] weightBits() { return weightBits.clone(); }

    public int[] activationBits() { return activationBits.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompressionPlan p && Arrays.equals(remaining, p.remaining)
                && Arrays.equals(weightBits, p.weightBits) && Arrays.equals(activationBits, p.activationBits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(remaining) + Arrays.hashCode(weightBits)) + Arrays.hashCode(activationBits);
    }

    @Override
    public String toString() {
        return "CompressionPlan{r=" + Arrays.toString(remaining) + ", weightBits=" + Arrays.toString(weightBits)
                + (Arrays.stream(activationBits).anyMatch(a -> a != 0) ? ", activationBits=" + Arrays.toString(activationBits) : "")
                + "}";
    }
}
