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
}
