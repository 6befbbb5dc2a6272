package org.emomc4j.compress.coding;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.NetworkSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference's model size: the closed-form size of every compressible layer under one
 * {@link Coding}, summed; KiB = bits / 8192. Needs only the network spec and a plan; per-layer
 * N and log2 N are precomputed, so a call is a handful of multiply-adds.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#model-size}.
 */
public final class SizeModel {

    private static final Map<NetworkSpec, SizeModel> CACHE = new ConcurrentHashMap<>();

    private final NetworkSpec spec;
    private final long[] n;
    private final double[] log2n;

    private SizeModel(NetworkSpec spec) {
        this.spec = spec;
        n = new long[spec.size()];
        log2n = new double[spec.size()];
        for (int l = 0; l < n.length; l++) {
            n[l] = spec.layer(l).weightCount();
            log2n[l] = Math.log(n[l]) / Math.log(2);
        }
    }

    /** The model for {@code spec} (built once per spec and cached). */
    public static SizeModel of(NetworkSpec spec) {
        return CACHE.computeIfAbsent(spec, SizeModel::new);
    }

    public NetworkSpec spec() { return spec; }

    /** Total size in bits. */
    public double bits(CompressionPlan plan, Coding coding) {
        if (plan.layers() != n.length) plan.requireLayers(spec);
        double sum = 0;
        for (int l = 0; l < n.length; l++) sum += coding.closedFormBits(n[l], plan.remaining(l), plan.weightBits(l), log2n[l]);
        return sum;
    }

    /** Total size in KiB (bits / 8192), the paper's size unit ("kB" in the CLI's JSON). */
    public double kibibytes(CompressionPlan plan, Coding coding) {
        return bits(plan, coding) / 8192.0;
    }

    /** Size of one layer in bits. */
    public double layerBits(int layer, CompressionPlan plan, Coding coding) {
        return coding.closedFormBits(n[layer], plan.remaining(layer), plan.weightBits(layer), log2n[layer]);
    }
}
