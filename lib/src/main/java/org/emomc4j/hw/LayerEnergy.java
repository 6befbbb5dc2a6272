package org.emomc4j.hw;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Energy of one layer for one inference, split by component (e.g. {@code mac}, {@code weight},
 * {@code ifmap}, {@code ofmap_write}, {@code ofmap_read} for the reference model, or memory levels
 * {@code dram}, {@code buffer}, {@code array}, {@code rf}, {@code mac} for the hierarchy model).
 *
 * @param index      compressible-layer index
 * @param name       layer name
 * @param total      sum of the components, in the report's unit
 * @param components component name to energy, in the report's unit
 */
public record LayerEnergy(int index, String name, double total, Map<String, Double> components) {
    public LayerEnergy {
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }
}
