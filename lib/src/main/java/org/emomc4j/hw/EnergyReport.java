package org.emomc4j.hw;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The energy of one inference of a compressed network on one accelerator and dataflow: the
 * total and its per-layer, per-component breakdown.
 *
 * @param model    energy model name ({@code reference}, {@code eyeriss}, {@code horowitz45})
 * @param dataflow the dataflow
 * @param unit     unit of every number: {@code mJ}, or {@code normalised} (Eyeriss: one 16-bit MAC = 1)
 * @param total    total energy
 * @param layers   per-layer energies in layer order
 */
public record EnergyReport(String model, Dataflow dataflow, String unit, double total, List<LayerEnergy> layers) {
    public EnergyReport {
        layers = List.copyOf(layers);
    }

    /** Total per component over all layers. */
    public Map<String, Double> components() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (LayerEnergy l : layers) l.components().forEach((k, v) -> m.merge(k, v, Double::sum));
        return m;
    }
}
