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
