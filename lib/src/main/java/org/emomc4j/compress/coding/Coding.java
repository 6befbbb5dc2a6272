package org.emomc4j.compress.coding;

import org.emomc4j.util.UserError;

import java.util.Arrays;
import java.util.Locale;

/**
 * Parameter coding schemes of the paper's size objective, with the reference's closed-form
 * sizes (docs/method.md#model-size). A layer has N weights, remaining fraction r, bit-width b.
 *
 * <p>{@link #DENSE}, {@link #CSR} and {@link #COO} are the paper's three; {@link #BITMAP} (one
 * presence bit per weight plus the kept values) is an extra scheme with a closed form of the same
 * kind. The byte-stream coders that realise each scheme are in {@link ParameterCoder}.
 */
public enum Coding {
    /** "normal" coding: every weight, b bits: N*b. */
    DENSE("dense") {
        @Override public double closedFormBits(long n, double r, int b, double log2n) { return (double) n * b; }
    },
    /** Compressed sparse row with 3-bit relative indices: N*(b+3)*r. */
    CSR("csr") {
        @Override public double closedFormBits(long n, double r, int b, double log2n) { return (double) n * (b + 3) * r; }
    },
    /** Coordinate list, absolute index of log2 N bits: N*round(b+log2 N)*r. */
    COO("coo") {
        @Override public double closedFormBits(long n, double r, int b, double log2n) {
            return (double) n * Math.round(b + log2n) * r;
        }
    },
    /** One presence bit per weight plus b bits per kept weight: N*(1 + r*b). Not in the paper. */
    BITMAP("bitmap") {
        @Override public double closedFormBits(long n, double r, int b, double log2n) { return n * (1.0 + r * b); }
    };

    /** The paper's three schemes, in its order. */
    public static final Coding[] PAPER = {DENSE, CSR, COO};

    private final String cliName;

    Coding(String cliName) { this.cliName = cliName; }

    /** Lower-case name used on the command line and in JSON keys. */
    public String cliName() { return cliName; }

    /**
     * The reference's closed-form size of one layer, in bits.
     *
     * @param n     N, number of weights
     * @param r     remaining fraction
     * @param b     weight bit-width
     * @param log2n log2(N), passed in so callers can precompute it
     */
    public abstract double closedFormBits(long n, double r, int b, double log2n);

    /** Same as {@link #closedFormBits(long, double, int, double)}, computing log2 N. */
    public double closedFormBits(long n, double r, int b) {
        return closedFormBits(n, r, b, Math.log(n) / Math.log(2));
    }

    /**
     * The remaining fraction at which this scheme and {@code other} take the same bits for a layer
     * of N weights at b bits (docs/method.md, "Break-evens"). Every closed form is affine in r,
     * N (alpha + beta r), so the point is (alpha_o - alpha_t) / (beta_t - beta_o). Below it the scheme
     * with the larger slope beta (bits per kept weight) is the smaller one. NaN when the two lines are
     * parallel (never equal, or equal everywhere). The result may lie outside [0, 1]: then one scheme
     * wins for every r.
     */
    public double breakEven(Coding other, long n, int b) {
        double log2n = Math.log(n) / Math.log(2);
        double a1 = closedFormBits(n, 0, b, log2n), s1 = closedFormBits(n, 1, b, log2n) - a1;
        double a2 = other.closedFormBits(n, 0, b, log2n), s2 = other.closedFormBits(n, 1, b, log2n) - a2;
        if (s1 == s2) return Double.NaN;
        return (a2 - a1) / (s1 - s2);
    }

    /**
     * The remaining fraction below which this sparse scheme is smaller than dense coding, for a layer
     * of N weights at b bits: b / (b + 3) for CSR, b / round(b + log2 N) for COO, (b - 1) / b for the
     * bitmap. Dense against itself has none: an {@link IllegalArgumentException}.
     */
    public double breakEvenWithDense(long n, int b) {
        if (this == DENSE) throw new IllegalArgumentException("dense coding has no break-even with itself");
        return breakEven(DENSE, n, b);
    }

    /** Parses {@code dense}, {@code csr}, {@code coo}, {@code bitmap} (case-insensitive; "normal" = dense). */
    public static Coding parse(String text) {
        return parse(text, values());
    }

    /** Parses one of {@code allowed}, with an error listing them. */
    public static Coding parse(String text, Coding... allowed) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("normal")) t = "dense";
        for (Coding c : allowed) if (c.cliName.equals(t)) return c;
        throw new UserError("unknown coding '" + text + "': use one of "
                + Arrays.stream(allowed).map(Coding::cliName).toList());
    }
}
