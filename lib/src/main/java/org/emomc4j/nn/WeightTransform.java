package org.emomc4j.nn;

/**
 * The engine's hook for compression: maps a layer's stored fp32 weights to the weights its
 * forward pass uses (pruning by magnitude, quantization, both). During training the gradient
 * passes straight through the transform (straight-through estimator) to the stored weights;
 * during evaluation the stored weights are left untouched.
 *
 * <p>Weights are flattened in the engine's layout ({@link LayerSpec#weightShape()}: conv HWIO,
 * FC [in, out]); element-wise transforms need not care.
 */
@FunctionalInterface
public interface WeightTransform {

    /**
     * @param layer   the layer being transformed
     * @param weights a copy of the stored weights that the engine owns: the transform may modify
     *                it in place and return it, or return a new array of the same length
     * @return the weights to use in the forward pass
     */
    float[] apply(LayerSpec layer, float[] weights);

    /**
     * Whether {@link #apply} reads the stored weights for this layer now; when false the engine
     * passes null instead of copying them out (a transform that remembers its result for weights
     * that cannot change, as stage 2's scoring oracle does). Default: it reads them.
     */
    default boolean readsWeights(LayerSpec layer) { return true; }

    /** Applies this transform, then {@code next} (e.g. prune, then quantize). */
    default WeightTransform andThen(WeightTransform next) {
        return (layer, w) -> next.apply(layer, apply(layer, w));
    }
}
