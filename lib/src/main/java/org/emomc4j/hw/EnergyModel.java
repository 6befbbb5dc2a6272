package org.emomc4j.hw;

import org.emomc4j.compress.CompressionPlan;

/**
 * An accelerator energy model: the energy of one inference of a network (fixed when the model
 * is built) compressed by a plan, on one dataflow. Needs no weights.
 */
public interface EnergyModel {

    /** Short name: {@code reference}, {@code eyeriss}, {@code horowitz45}. */
    String name();

    /** Unit of {@link #energy}: {@code mJ} or {@code normalised}. */
    String unit();

    /** Total energy in {@link #unit()}. */
    double energy(CompressionPlan plan, Dataflow dataflow);

    /** Total plus per-layer, per-component breakdown. */
    EnergyReport report(CompressionPlan plan, Dataflow dataflow);
}
