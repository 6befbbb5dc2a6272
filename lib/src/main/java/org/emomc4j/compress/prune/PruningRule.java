package org.emomc4j.compress.prune;

import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A one-shot pruning rule: which weights of a whole network stay at a remaining fraction r. The
 * paper's rule is {@link #PER_LAYER} (unstructured magnitude pruning with the same r in every
 * layer, docs/method.md#pruning); {@link #GLOBAL} and {@link #FILTER} are the extensions notebook
 * 03 compares it with. One interface so notebooks, the CLI and tests loop over rules, not over
 * three hand-written blocks.
 */
public interface PruningRule {

    /** Short name used in tables and on the command line. */
    String name();

    /**
     * Keep masks, one per layer of {@code spec}, for the given weights (not modified).
     *
     * @param remaining the rule's target remaining fraction r in [0, 1]
     */
    boolean[][] masks(NetworkSpec spec, List<float[]> weights, double remaining);

    /** Sets the rule's masks on {@code model} (its weights read, masked in place) and returns them. */
    default boolean[][] apply(Model model, double remaining) {
        NetworkSpec spec = model.spec();
        List<float[]> w = new ArrayList<>(spec.size());
        for (int l = 0; l < spec.size(); l++) w.add(model.weights(l));
        boolean[][] m = masks(spec, w, remaining);
        for (int l = 0; l < spec.size(); l++) model.setMask(l, m[l]);
        return m;
    }

    /** Share of all weights the masks keep: what a rule really leaves (filter pruning rounds per filter). */
    static double keptFraction(boolean[][] masks) {
        long kept = 0, all = 0;
        for (boolean[] m : masks) {
            all += m.length;
            kept += MagnitudePruning.countKept(m);
        }
        return all == 0 ? 1.0 : (double) kept / all;
    }

    /** The paper's rule: in every layer of n weights the round(n (1 - r)) smallest |w| go. */
    PruningRule PER_LAYER = new PruningRule() {
        @Override public String name() { return "per-layer magnitude"; }
        @Override public boolean[][] masks(NetworkSpec spec, List<float[]> weights, double remaining) {
            check(spec, weights);
            boolean[][] m = new boolean[weights.size()][];
            for (int l = 0; l < m.length; l++) m[l] = MagnitudePruning.mask(weights.get(l), remaining);
            return m;
        }
        @Override public String toString() { return name(); }
    };

    /** One magnitude threshold over the whole network (every layer keeps at least one weight). */
    PruningRule GLOBAL = new PruningRule() {
        @Override public String name() { return "global magnitude"; }
        @Override public boolean[][] masks(NetworkSpec spec, List<float[]> weights, double remaining) {
            check(spec, weights);
            return GlobalMagnitudePruning.masks(weights, remaining, 1, 0.0);
        }
        @Override public String toString() { return name(); }
    };

    /**
     * Whole filters of every convolution by L1 norm (Li et al.); the fully connected layer, whose
     * outputs are the classes, by per-layer magnitude.
     */
    PruningRule FILTER = new PruningRule() {
        @Override public String name() { return "filter (L1)"; }
        @Override public boolean[][] masks(NetworkSpec spec, List<float[]> weights, double remaining) {
            check(spec, weights);
            boolean[][] m = new boolean[weights.size()][];
            for (int l = 0; l < m.length; l++) {
                var layer = spec.layer(l);
                m[l] = layer.isConv()
                        ? FilterPruning.weightMask(layer, FilterPruning.keptFilters(layer, weights.get(l), remaining))
                        : MagnitudePruning.mask(weights.get(l), remaining);
            }
            return m;
        }
        @Override public String toString() { return name(); }
    };

    /** Every rule, the paper's first. */
    static List<PruningRule> all() { return List.of(PER_LAYER, GLOBAL, FILTER); }

    /** Parses {@code per-layer}, {@code global}, {@code filter} (case-insensitive). */
    static PruningRule parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (PruningRule r : all()) if (r.name().startsWith(t) && !t.isEmpty()) return r;
        throw new UserError("unknown pruning rule '" + text + "': use per-layer, global or filter");
    }

    private static void check(NetworkSpec spec, List<float[]> weights) {
        if (weights.size() != spec.size())
            throw new IllegalArgumentException(spec.id() + " has " + spec.size() + " layers, got weights of " + weights.size());
    }
}
