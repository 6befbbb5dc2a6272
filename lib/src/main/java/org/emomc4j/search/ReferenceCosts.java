package org.emomc4j.search;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.ReferenceEnergyModel;
import org.emomc4j.nn.NetworkSpec;

/**
 * The reference's cost models for stage 2: energy on one dataflow, size under one coding scheme,
 * the shared remaining fraction applied to every layer.
 */
public final class ReferenceCosts implements CostOracle {

    private final NetworkSpec spec;
    private final ReferenceEnergyModel energy;
    private final SizeModel size;
    private final Dataflow dataflow;
    private final Coding coding;

    public ReferenceCosts(NetworkSpec spec, Dataflow dataflow, Coding coding) {
        this.spec = spec;
        this.energy = ReferenceEnergyModel.of(spec);
        this.size = SizeModel.of(spec);
        this.dataflow = dataflow;
        this.coding = coding;
    }

    @Override
    public double energyMilliJoules(Genome g) {
        check(g);
        return energy.energyMilliJoules(g.remaining(), g.bits(), dataflow);
    }

    @Override
    public double sizeKiB(Genome g) {
        check(g);
        return size.kibibytes(CompressionPlan.of(g.remaining(), g.bits()), coding);
    }

    /** Cost of the uncompressed network (r = 1, 32 bits): the baseline of the paper's gains. */
    public double baselineEnergy() { return energy.energyMilliJoules(CompressionPlan.uncompressed(spec), dataflow); }

    /**
     * The size gains' baseline, the paper's rule for every coding (Table III): the dense 32-bit
     * network (57,482.75 KiB = 58.9 MB for VGG-16), not the uncompressed network in this coding.
     */
    public double baselineSize() { return size.kibibytes(CompressionPlan.uncompressed(spec), Coding.DENSE); }

    /** The uncompressed network (r = 1, 32 bits) in this object's coding: the same-coding ratio's baseline. */
    public double baselineSameCodingSize() { return size.kibibytes(CompressionPlan.uncompressed(spec), coding); }

    public NetworkSpec spec() { return spec; }

    public Dataflow dataflow() { return dataflow; }

    public Coding coding() { return coding; }

    private void check(Genome g) {
        if (g.layers() != spec.size())
            throw new IllegalArgumentException("genome has " + g.layers() + " bit-widths but " + spec.id() + " has "
                    + spec.size() + " compressible layers");
    }
}
