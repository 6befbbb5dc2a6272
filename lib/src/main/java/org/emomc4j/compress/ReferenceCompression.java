package org.emomc4j.compress;

import org.emomc4j.compress.coding.ParameterCoder;
import org.emomc4j.compress.prune.DynamicPruning;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.compress.quant.FakeQuantization;
import org.emomc4j.compress.quant.QuantizedTensor;
import org.emomc4j.compress.quant.UniformQuantizer;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.WeightTransform;

/**
 * The reference pipeline for one plan in one place: magnitude pruning to the layer's remaining
 * fraction (round(n(1-r)) smallest |w| zeroed), then symmetric per-tensor quantization at its
 * bit-width. Use {@link #transform} in the engine's forward hook (stage-2 evaluation, QAT) and
 * {@link #compressLayer} to get the integer codes the coders write to disk.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#quantization}.
 */
public final class ReferenceCompression {

    private ReferenceCompression() { }

    /** Forward weight transform: dynamic pruning, then fake quantization (32 bits: no quantization). */
    public static WeightTransform transform(CompressionPlan plan) {
        return DynamicPruning.of(plan).andThen(FakeQuantization.symmetric(plan));
    }

    /** Prunes a copy of the layer's weights and quantizes it to integer codes. */
    public static QuantizedTensor compressLayer(LayerSpec layer, float[] weights, CompressionPlan plan) {
        if (weights.length != layer.weightCount())
            throw new IllegalArgumentException("layer " + layer.name() + " has " + layer.weightCount() + " weights, got " + weights.length);
        float[] w = weights.clone();
        MagnitudePruning.prune(w, plan.remaining(layer.index()));
        return UniformQuantizer.symmetric(w, plan.weightBits(layer.index()));
    }

    /** Exact on-disk size in bytes of the layer under {@code coder}. */
    public static long encodedBytes(LayerSpec layer, float[] weights, CompressionPlan plan, ParameterCoder coder) {
        return coder.encode(compressLayer(layer, weights, plan)).length;
    }

    /** Exact on-disk size in bytes of the whole network (every layer, its own stream) under {@code coder}. */
    public static long encodedBytes(org.emomc4j.nn.Model model, CompressionPlan plan, ParameterCoder coder) {
        var spec = model.spec();
        long bytes = 0;
        for (int l = 0; l < spec.size(); l++) bytes += encodedBytes(spec.layer(l), model.weights(l), plan, coder);
        return bytes;
    }
}
