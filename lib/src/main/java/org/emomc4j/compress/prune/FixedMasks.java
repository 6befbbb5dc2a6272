package org.emomc4j.compress.prune;

import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.WeightTransform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed masks (Deep Compression style): a {@code boolean[] keep} per layer index, computed once.
 * The engine applies them with its {@code setMask(layer, keep)}; this class also offers them as a
 * forward weight transform for engines that only have the transform hook. Layers without a mask
 * pass through.
 */
public final class FixedMasks implements WeightTransform {

    private final Map<Integer, boolean[]> masks = new ConcurrentHashMap<>();

    /** Sets (or replaces) the mask of a layer. */
    public FixedMasks put(int layer, boolean[] keep) {
        masks.put(layer, keep.clone());
        return this;
    }

    /** The mask of a layer, or null. */
    public boolean[] get(int layer) {
        boolean[] m = masks.get(layer);
        return m == null ? null : m.clone();
    }

    public Map<Integer, boolean[]> asMap() { return Map.copyOf(masks); }

    @Override
    public float[] apply(LayerSpec layer, float[] weights) {
        boolean[] keep = masks.get(layer.index());
        return keep == null ? weights : MagnitudePruning.applyMask(weights, keep);
    }
}
