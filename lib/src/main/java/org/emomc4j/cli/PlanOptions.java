package org.emomc4j.cli;

import org.emomc4j.util.UserError;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.NetworkSpec;
import picocli.CommandLine.Option;

/**
 * The compression plan on the command line, shared by {@code cost}, {@code eval} and
 * {@code export}: one remaining fraction r for every layer and the per-layer weight bit-widths
 * (the paper's genome), optionally activation bit-widths for the hierarchy energy models.
 */
public final class PlanOptions {

    @Option(names = "--remaining", paramLabel = "R", description = "Remaining fraction of weights in every layer, in (0, 1].")
    String remaining;

    @Option(names = "--bits", paramLabel = "B|b0,b1,..",
            description = "Weight bit-width (1..32): one number for every layer, or one per compressible layer, comma-separated.")
    String bits;

    @Option(names = "--activation-bits", paramLabel = "A", description = "Activation bit-width for the hierarchy models (default: not quantized, fp16).")
    Integer activationBits;

    /** The plan for {@code spec}, or null when no plan option was given. */
    public CompressionPlan plan(NetworkSpec spec) {
        if (remaining == null && bits == null && activationBits == null) return null;
        return require(spec);
    }

    /** The plan for {@code spec}; --remaining and --bits must both be given. */
    public CompressionPlan require(NetworkSpec spec) {
        if (remaining == null || bits == null)
            throw new UserError("a plan needs both --remaining R and --bits B (missing "
                    + (remaining == null ? "--remaining" : "--bits") + ")");
        return parse(spec, remaining, bits, activationBits);
    }

    /** Refuses --activation-bits where only weights are compressed (eval, export). */
    public PlanOptions weightsOnly() {
        if (activationBits != null)
            throw new UserError("--activation-bits only prices activations in the cost models; "
                    + "eval and export compress weights: drop it");
        return this;
    }

    /** Builds the plan from the CLI's text values, with messages that name the option. */
    static CompressionPlan parse(NetworkSpec spec, String remainingText, String bitsText, Integer activationBits) {
        double r;
        try {
            r = Double.parseDouble(remainingText.trim());
        } catch (NumberFormatException e) {
            throw new UserError("--remaining must be a number in (0, 1], got '" + remainingText + "'");
        }
        if (!(r > 0 && r <= 1))
            throw new UserError("--remaining must be in (0, 1], got " + remainingText.trim());
        String[] parts = bitsText.split(",", -1);
        int layers = spec.size();
        if (parts.length != 1 && parts.length != layers)
            throw new UserError("--bits has " + parts.length + " bit-widths but " + spec.id() + " has "
                    + layers + " compressible layers: give one number for all layers or " + layers + " comma-separated");
        int[] b = new int[layers];
        for (int i = 0; i < parts.length; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--bits: '" + parts[i] + "' is not an integer bit-width"
                        + (parts.length > 1 ? " (layer " + i + ")" : ""));
            }
            if (v < CompressionPlan.MIN_BITS || v > CompressionPlan.MAX_BITS)
                throw new UserError("--bits: bit-width " + v + (parts.length > 1 ? " of layer " + i : "")
                        + " is out of range " + CompressionPlan.MIN_BITS + ".." + CompressionPlan.MAX_BITS);
            b[i] = v;
        }
        if (parts.length == 1) java.util.Arrays.fill(b, b[0]);
        if (activationBits != null && (activationBits < CompressionPlan.MIN_BITS || activationBits > CompressionPlan.MAX_BITS))
            throw new UserError("--activation-bits must be in " + CompressionPlan.MIN_BITS + ".."
                    + CompressionPlan.MAX_BITS + ", got " + activationBits);
        CompressionPlan p = CompressionPlan.of(r, b);
        return activationBits == null ? p : p.withActivationBits(activationBits);
    }

}
