package org.emomc4j.hw;

import org.emomc4j.util.UserError;

import org.emomc4j.nn.LayerSpec;

import java.util.Arrays;
import java.util.Locale;

/**
 * The paper's four accelerator dataflows, named by the two loop dimensions unrolled across the PE
 * array: X|Y (output x, y), IC|OC (input and output channels), Fx|Fy (filter x, y) and X|Fx.
 *
 * <p>A dataflow is the <em>mapping</em> part of the energy question: for a convolution it fixes
 * how many times each operand crosses into the array (reuse), and which access streams shrink
 * when weights are pruned (an output or input is skipped only if all the weights it meets are
 * zero, hence the factors 1-(1-r)^n of the reference). Fully connected layers are always
 * output-stationary, whatever the dataflow ({@link #fcAccesses}).
 *
 * <p>The method, formulas and choices: {@code docs/method.md#energy}.
 */
public enum Dataflow {
    /** Output rows and columns unrolled: weights broadcast over the map, each output written once. */
    XY("X|Y") {
        @Override public Accesses accesses(LayerSpec l) {
            double mac = l.macs(), k2 = (double) l.kernel() * l.kernel(), ci = ci(l);
            return new Accesses(mac, mac / l.outputMapSize(), mac / (k2 * ci), 0, 1, 0);
        }
    },
    /** Input and output channels unrolled: inputs broadcast over C_out, partial sums reduced over C_in. */
    ICOC("IC|OC") {
        @Override public Accesses accesses(LayerSpec l) {
            double mac = l.macs(), ci = ci(l), co = co(l);
            double w = mac / ci;
            return new Accesses(mac / co, mac, w, w, co > 24 ? 0 : (int) co, ci > 24 ? 0 : (int) ci);
        }
    },
    /** Filter rows and columns unrolled: weights stay over the map, partial sums reduced over k^2. */
    FXFY("Fx|Fy") {
        @Override public Accesses accesses(LayerSpec l) {
            double mac = l.macs(), k2 = (double) l.kernel() * l.kernel();
            double w = mac / k2;
            return new Accesses(mac, mac / l.outputMapSize(), w, w, 1, l.kernel() * l.kernel());
        }
    },
    /** Output columns and filter columns unrolled (row-stationary-like sliding window). */
    XFX("X|Fx") {
        @Override public Accesses accesses(LayerSpec l) {
            double mac = l.macs(), k = l.kernel();
            double w = mac / k;
            return new Accesses(mac / k, mac / Math.sqrt(l.outputMapSize()), w, w, l.kernel(), l.kernel());
        }
    };

    private final String label;

    Dataflow(String label) { this.label = label; }

    /** The paper's notation, e.g. {@code X|Fx}. */
    public String label() { return label; }

    /**
     * Array-level access counts of one inference of a convolution (dense, before pruning).
     */
    public abstract Accesses accesses(LayerSpec conv);

    /**
     * Access counts of a layer under this dataflow: {@link #accesses} for a convolution, the
     * output-stationary counts for a fully connected layer.
     */
    public Accesses accessesOf(LayerSpec layer) {
        return layer.isConv() ? accesses(layer) : fcAccesses(layer);
    }

    /** FC (in -> out), always output-stationary: every input and weight read once per MAC, each output written once. */
    public static Accesses fcAccesses(LayerSpec fc) {
        double mac = fc.macs();
        return new Accesses(mac, mac, fc.outChannels(), 0, 1, 0);
    }

    private static double ci(LayerSpec l) { return (double) l.inChannels() / l.groups(); }

    private static double co(LayerSpec l) { return (double) l.outChannels() / l.groups(); }

    /**
     * Parses {@code XY}, {@code X|Y}, {@code x_y}, {@code ICOC}, {@code IC|OC}, {@code FXFY}, {@code Fx|Fy},
     * {@code XFX}, {@code X|Fx} (case-insensitive).
     */
    public static Dataflow parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace("|", "").replace("_", "");
        for (Dataflow d : values()) if (d.name().equals(t)) return d;
        throw new UserError("unknown dataflow '" + text + "': use one of "
                + Arrays.stream(values()).map(Enum::name).toList() + " (or X|Y, IC|OC, Fx|Fy, X|Fx)");
    }

    /**
     * Per-inference access counts of a layer under a dataflow, and how pruning thins them.
     *
     * @param ifmapReads     input activation reads
     * @param weightReads    weight reads (zeros are read too)
     * @param ofmapWrites    output / partial-sum writes
     * @param ofmapReads     partial-sum reads
     * @param ifmapSparsity  n of the factor 1-(1-r)^n applied to input reads (0: not thinned; 1: factor r)
     * @param ofmapSparsity  n of the factor applied to output writes and reads
     */
    public record Accesses(double ifmapReads, double weightReads, double ofmapWrites, double ofmapReads,
                           int ifmapSparsity, int ofmapSparsity) {

        /** The reference's factor 1-(1-r)^n: the chance that at least one of n weights survives. */
        public static double survival(double r, int n) {
            if (n == 0) return 1.0;
            if (n == 1) return r;
            return 1.0 - Math.pow(1.0 - r, n);
        }
    }
}
