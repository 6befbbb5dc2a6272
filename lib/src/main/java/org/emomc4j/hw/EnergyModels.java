package org.emomc4j.hw;

import org.emomc4j.util.UserError;

import org.emomc4j.nn.NetworkSpec;

import java.util.List;
import java.util.Locale;

/** Names of the available energy models, as the CLI's {@code --energy-model} accepts them. */
public final class EnergyModels {

    private EnergyModels() { }

    /** {@code reference}, {@code eyeriss}, {@code horowitz45}. */
    public static final List<String> NAMES = List.of("reference", "eyeriss", "horowitz45");

    /** The energy model called {@code name} for {@code spec}. */
    public static EnergyModel byName(String name, NetworkSpec spec) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "reference" -> ReferenceEnergyModel.of(spec);
            case "eyeriss" -> HierarchyEnergyModel.of(spec, Accelerator.eyeriss());
            case "horowitz45" -> HierarchyEnergyModel.of(spec, Accelerator.horowitz45());
            default -> throw new UserError("unknown energy model '" + name + "': use one of " + NAMES);
        };
    }

    /**
     * Energy per component (MAC, weight, input, output ... as the model names them), one value per
     * dataflow in {@link Dataflow#values()} order: what a stacked bar chart of a plan shows.
     */
    public static java.util.Map<String, double[]> componentsByDataflow(EnergyModel model, org.emomc4j.compress.CompressionPlan plan) {
        Dataflow[] flows = Dataflow.values();
        java.util.Map<String, double[]> m = new java.util.LinkedHashMap<>();
        for (int d = 0; d < flows.length; d++) {
            final int k = d;
            model.report(plan, flows[d]).components().forEach((name, v) -> m.computeIfAbsent(name, x -> new double[flows.length])[k] = v);
        }
        return m;
    }
}
