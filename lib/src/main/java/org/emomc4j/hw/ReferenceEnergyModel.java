package org.emomc4j.hw;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The EMOMC reference energy model (docs/method.md#energy: "Reference model"), exactly: per layer
 * E_mac = e_mac*MAC*r*(b+1), E_weight = e_read*weightReads*(b+1)/16, input reads and output
 * writes/reads thinned by the dataflow's survival factors; total / 1e8 in mJ.
 *
 * <p>Everything that depends only on the network and dataflow is precomputed when the model is
 * built, so {@link #energyMilliJoules} is a few multiply-adds and at most two {@code pow} per
 * layer. Instances are cached per spec ({@link #of}) and are immutable and thread-safe.
 */
public final class ReferenceEnergyModel implements EnergyModel {

    /** Energy constants of the reference (per access / per MAC-bit). */
    public static final double E_MAC = 0.102, E_READ = 0.728, E_WRITE = 0.447;
    /** The reference sums in units of 1e-8 mJ (it prints sum / 1e6 as "0.01 mJ"). */
    public static final double TO_MILLIJOULES = 1e-8;

    private static final Map<NetworkSpec, ReferenceEnergyModel> CACHE = new ConcurrentHashMap<>();

    private final NetworkSpec spec;
    private final int layers;
    // [dataflow][layer]
    private final double[][] macCoef, weightCoef, ifCoef, owCoef, orCoef;
    private final int[][] ifExp, ofExp;

    private ReferenceEnergyModel(NetworkSpec spec) {
        this.spec = spec;
        this.layers = spec.size();
        int d = Dataflow.values().length;
        macCoef = new double[d][layers];
        weightCoef = new double[d][layers];
        ifCoef = new double[d][layers];
        owCoef = new double[d][layers];
        orCoef = new double[d][layers];
        ifExp = new int[d][layers];
        ofExp = new int[d][layers];
        for (Dataflow df : Dataflow.values()) {
            int k = df.ordinal();
            for (int l = 0; l < layers; l++) {
                LayerSpec ls = spec.layer(l);
                Dataflow.Accesses a = df.accessesOf(ls);
                macCoef[k][l] = E_MAC * ls.macs();
                weightCoef[k][l] = E_READ * a.weightReads() / 16.0;
                ifCoef[k][l] = E_READ * a.ifmapReads();
                owCoef[k][l] = E_WRITE * a.ofmapWrites();
                orCoef[k][l] = E_READ * a.ofmapReads();
                ifExp[k][l] = a.ifmapSparsity();
                ofExp[k][l] = a.ofmapSparsity();
            }
        }
    }

    /** The model for {@code spec} (built once per spec and cached). */
    public static ReferenceEnergyModel of(NetworkSpec spec) {
        return CACHE.computeIfAbsent(spec, ReferenceEnergyModel::new);
    }

    public NetworkSpec spec() { return spec; }

    @Override public String name() { return "reference"; }

    @Override public String unit() { return "mJ"; }

    @Override public double energy(CompressionPlan plan, Dataflow dataflow) { return energyMilliJoules(plan, dataflow); }

    /** Energy of one inference in mJ. The plan must have one entry per layer of the spec. */
    public double energyMilliJoules(CompressionPlan plan, Dataflow dataflow) {
        if (plan.layers() != layers) plan.requireLayers(spec);
        int k = dataflow.ordinal();
        double[] mc = macCoef[k], wc = weightCoef[k], ic = ifCoef[k], owc = owCoef[k], orc = orCoef[k];
        int[] ie = ifExp[k], oe = ofExp[k];
        double sum = 0;
        for (int l = 0; l < layers; l++) {
            double r = plan.remaining(l);
            double b1 = plan.weightBits(l) + 1;
            double fo = Dataflow.Accesses.survival(r, oe[l]);
            sum += mc[l] * r * b1 + wc[l] * b1 + ic[l] * Dataflow.Accesses.survival(r, ie[l])
                    + owc[l] * fo + orc[l] * fo;
        }
        return sum * TO_MILLIJOULES;
    }

    /** Energy in mJ for the paper's genome shape: one remaining fraction, per-layer bit-widths. */
    public double energyMilliJoules(double remaining, int[] weightBits, Dataflow dataflow) {
        return energyMilliJoules(CompressionPlan.of(remaining, weightBits), dataflow);
    }

    @Override
    public EnergyReport report(CompressionPlan plan, Dataflow dataflow) {
        plan.requireLayers(spec);
        int k = dataflow.ordinal();
        List<LayerEnergy> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            double r = plan.remaining(l);
            double b1 = plan.weightBits(l) + 1;
            double fo = Dataflow.Accesses.survival(r, ofExp[k][l]);
            Map<String, Double> c = new LinkedHashMap<>();
            c.put("mac", macCoef[k][l] * r * b1 * TO_MILLIJOULES);
            c.put("weight", weightCoef[k][l] * b1 * TO_MILLIJOULES);
            c.put("ifmap", ifCoef[k][l] * Dataflow.Accesses.survival(r, ifExp[k][l]) * TO_MILLIJOULES);
            c.put("ofmap_write", owCoef[k][l] * fo * TO_MILLIJOULES);
            c.put("ofmap_read", orCoef[k][l] * fo * TO_MILLIJOULES);
            double t = c.values().stream().mapToDouble(Double::doubleValue).sum();
            out.add(new LayerEnergy(l, spec.layer(l).name(), t, c));
        }
        // the total is the fast path's number, so report and search never disagree in the last bit
        return new EnergyReport(name(), dataflow, unit(), energyMilliJoules(plan, dataflow), out);
    }
}
