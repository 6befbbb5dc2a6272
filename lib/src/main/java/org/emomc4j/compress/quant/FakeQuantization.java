package org.emomc4j.compress.quant;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.WeightTransform;

import java.util.function.ToIntFunction;

/**
 * Fake quantization for quantization-aware training through the engine's forward weight hook:
 * the forward pass sees quantized weights, the engine passes the gradient straight through to the
 * fp32 weights (straight-through estimator). Chain after pruning:
 * {@code DynamicPruning.of(plan).andThen(FakeQuantization.symmetric(plan))}. Layers with 32 bits
 * or more pass through.
 */
public final class FakeQuantization {

    private FakeQuantization() { }

    /** The reference quantizer (symmetric per tensor) at the plan's weight bit-widths. */
    public static WeightTransform symmetric(CompressionPlan plan) {
        return symmetric(l -> plan.weightBits(l.index()));
    }

    /** Symmetric per tensor at bits chosen per layer. */
    public static WeightTransform symmetric(ToIntFunction<LayerSpec> bits) {
        return (layer, w) -> {
            int b = bits.applyAsInt(layer);
            return b >= 32 ? w : UniformQuantizer.symmetricInPlace(w, b);
        };
    }

    /** Symmetric per output channel at the plan's bit-widths. */
    public static WeightTransform perChannel(CompressionPlan plan) {
        return (layer, w) -> {
            int b = plan.weightBits(layer.index());
            return b >= 32 ? w : UniformQuantizer.symmetricPerChannel(w, b, layer.outChannels()).dequantize();
        };
    }

    /** Power-of-two at the plan's bit-widths. */
    public static WeightTransform powerOfTwo(CompressionPlan plan) {
        return (layer, w) -> {
            int b = plan.weightBits(layer.index());
            return b > 16 ? w : PowerOfTwoQuantizer.quantize(w, b);
        };
    }

    /** LQ-Nets learned quantizer at the plan's bit-widths, basis refitted on every pass. */
    public static WeightTransform learned(CompressionPlan plan, int qemIterations) {
        return (layer, w) -> {
            int b = plan.weightBits(layer.index());
            return b > LearnedQuantizer.MAX_BITS ? w : LearnedQuantizer.fit(w, b, qemIterations).quantized(w);
        };
    }
}
