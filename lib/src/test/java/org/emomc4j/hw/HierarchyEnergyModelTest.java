package org.emomc4j.hw;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HierarchyEnergyModelTest {

    static final NetworkSpec VGG = NetworkSpec.vgg16();

    @Property(tries = 60)
    void monotoneInBitsRemainingAndActivationBits(@ForAll @IntRange(min = 1, max = 31) int b,
                                                  @ForAll @IntRange(min = 1, max = 31) int a,
                                                  @ForAll @DoubleRange(min = 0.01, max = 0.99) double r) {
        for (Accelerator acc : new Accelerator[]{Accelerator.eyeriss(), Accelerator.horowitz45()}) {
            HierarchyEnergyModel m = HierarchyEnergyModel.of(VGG, acc);
            for (Dataflow d : Dataflow.values()) {
                double e = m.energy(CompressionPlan.uniform(VGG, r, b).withActivationBits(a), d);
                assertTrue(m.energy(CompressionPlan.uniform(VGG, r, b + 1).withActivationBits(a), d) >= e);
                assertTrue(m.energy(CompressionPlan.uniform(VGG, r, b).withActivationBits(a + 1), d) >= e);
                assertTrue(m.energy(CompressionPlan.uniform(VGG, Math.min(1, r + 0.01), b).withActivationBits(a), d) >= e);
            }
        }
    }

    @Test
    void componentsSumToTotalAndZeroSkippingSaves() {
        HierarchyEnergyModel m = HierarchyEnergyModel.of(VGG, Accelerator.eyeriss());
        CompressionPlan p = CompressionPlan.uniform(VGG, 0.3, 6);
        EnergyReport rep = m.report(p, Dataflow.XY);
        double sum = rep.components().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(rep.total(), sum, 1e-9 * rep.total());
        assertEquals(14, rep.layers().size());
        assertTrue(m.withZeroSkipping(false).energy(p, Dataflow.XY) > rep.total());
        assertTrue(m.withActivationDensity(0.5).energy(p, Dataflow.XY) < rep.total());
        assertEquals("normalised", rep.unit());
        assertEquals("mJ", HierarchyEnergyModel.of(VGG, Accelerator.horowitz45()).unit());
    }

    @Test
    void modelsByName() {
        assertEquals("reference", EnergyModels.byName("reference", VGG).name());
        assertEquals("eyeriss", EnergyModels.byName("Eyeriss", VGG).name());
        assertEquals("horowitz45", EnergyModels.byName("horowitz45", VGG).name());
    }
}
