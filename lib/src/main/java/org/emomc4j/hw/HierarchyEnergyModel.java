package org.emomc4j.hw;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A general first-order energy model split as Timeloop/Accelergy split it: the <em>workload</em>
 * (layer shapes of a {@link NetworkSpec}) x the <em>architecture</em> ({@link Accelerator}: energy
 * per access of DRAM, global buffer, PE array, register file, MAC by precision) x the
 * <em>mapping</em> ({@link Dataflow}: how often each operand is delivered from the buffer
 * across the array).
 *
 * <p>Per layer, with MAC_eff the MACs actually performed:
 * <ul>
 *   <li>dram: compulsory traffic, every weight (only the kept ones with zero skipping), input
 *       activation and output activation moved once;</li>
 *   <li>buffer and array: the dataflow's operand deliveries (the reference table), each read
 *       from the buffer and sent over the array once, thinned by the survival factors when zeros
 *       are skipped;</li>
 *   <li>rf: per MAC_eff one weight read, one input read, one partial-sum read and write;</li>
 *   <li>mac: MAC_eff times the MAC energy at (weight bits, activation bits).</li>
 * </ul>
 * Word widths: weights at the plan's bit-width, activations at the plan's activation bit-width
 * (16 = fp16 when not quantized), partial sums at max(16, min(32, w + a)) when activations are
 * quantized, else 16. Zero skipping (default on) skips MACs with a zero weight (fraction 1-r) or a
 * zero activation (1 - activation density, default density 1).
 *
 * <p>The method, formulas and choices: {@code docs/method.md#energy}.
 */
public final class HierarchyEnergyModel implements EnergyModel {

    private final NetworkSpec spec;
    private final Accelerator acc;
    private final boolean zeroSkipping;
    private final double activationDensity;

    private HierarchyEnergyModel(NetworkSpec spec, Accelerator acc, boolean zeroSkipping, double activationDensity) {
        if (!(activationDensity > 0 && activationDensity <= 1))
            throw new IllegalArgumentException("activation density must be in (0, 1], got " + activationDensity);
        this.spec = spec;
        this.acc = acc;
        this.zeroSkipping = zeroSkipping;
        this.activationDensity = activationDensity;
    }

    /** Model of {@code spec} on {@code accelerator}, with zero skipping and dense activations. */
    public static HierarchyEnergyModel of(NetworkSpec spec, Accelerator accelerator) {
        return new HierarchyEnergyModel(spec, accelerator, true, 1.0);
    }

    /** Same model with zero skipping switched on or off. */
    public HierarchyEnergyModel withZeroSkipping(boolean on) {
        return new HierarchyEnergyModel(spec, acc, on, activationDensity);
    }

    /** Same model with this fraction of non-zero input activations (e.g. ~0.5 after ReLU). */
    public HierarchyEnergyModel withActivationDensity(double density) {
        return new HierarchyEnergyModel(spec, acc, zeroSkipping, density);
    }

    public Accelerator accelerator() { return acc; }

    @Override public String name() { return acc.name(); }

    @Override public String unit() { return acc.unit(); }

    @Override
    public double energy(CompressionPlan plan, Dataflow dataflow) {
        return report(plan, dataflow).total();
    }

    @Override
    public EnergyReport report(CompressionPlan plan, Dataflow dataflow) {
        plan.requireLayers(spec);
        List<LayerEnergy> layers = new ArrayList<>();
        double total = 0;
        for (int l = 0; l < spec.size(); l++) {
            LayerEnergy e = layer(spec.layer(l), plan, dataflow);
            layers.add(e);
            total += e.total();
        }
        return new EnergyReport(name(), dataflow, unit(), total, layers);
    }

    private LayerEnergy layer(LayerSpec ls, CompressionPlan plan, Dataflow df) {
        int l = ls.index();
        double r = plan.remaining(l);
        int wb = plan.weightBits(l);
        int ab = plan.activationBits(l) == 0 ? 16 : plan.activationBits(l);
        int pb = plan.activationBits(l) == 0 ? 16 : Math.max(16, Math.min(32, wb + ab));
        double macs = ls.macs();
        double density = zeroSkipping ? r * activationDensity : 1.0;
        double macEff = macs * density;
        Dataflow.Accesses a = df.accessesOf(ls);
        double fIf = zeroSkipping ? Dataflow.Accesses.survival(r, a.ifmapSparsity()) : 1;
        double fO = zeroSkipping ? Dataflow.Accesses.survival(r, a.ofmapSparsity()) : 1;
        double fW = zeroSkipping ? r : 1;

        double inputs = (double) ls.inChannels() * ls.inH() * ls.inW();
        double outputs = (double) ls.outChannels() * ls.outputMapSize();
        double dramWords = (ls.weightCount() * fW * wb + inputs * ab + outputs * ab) / 16.0;
        double onChipWords = (a.ifmapReads() * fIf * ab + a.weightReads() * fW * wb
                + (a.ofmapWrites() + a.ofmapReads()) * fO * pb) / 16.0;
        double rfWords = macEff * (wb + ab + 2.0 * pb) / 16.0;

        Map<String, Double> c = new LinkedHashMap<>();
        c.put("dram", dramWords * acc.dram() * acc.toUnit());
        c.put("buffer", onChipWords * acc.buffer() * acc.toUnit());
        c.put("array", onChipWords * acc.array() * acc.toUnit());
        c.put("rf", rfWords * acc.rf() * acc.toUnit());
        c.put("mac", macEff * acc.mac(wb, ab, pb) * acc.toUnit());
        double t = 0;
        for (double v : c.values()) t += v;
        return new LayerEnergy(l, ls.name(), t, c);
    }
}
