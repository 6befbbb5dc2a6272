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

    static void assertComponents(LayerEnergy e, double dram, double buffer, double array, double rf, double mac, double total) {
        double[] exp = {dram, buffer, array, rf, mac};
        String[] names = {"dram", "buffer", "array", "rf", "mac"};
        assertEquals(java.util.List.of(names), java.util.List.copyOf(e.components().keySet()));
        for (int i = 0; i < 5; i++) assertEquals(exp[i], e.components().get(names[i]), 1e-9 * Math.abs(exp[i]) + 1e-18, names[i]);
        assertEquals(total, e.total(), 1e-9 * total, "layer total");
    }

    /**
     * Eyeriss preset, last convolution (conv5_3: 512 -> 512, 3x3, 2x2 map), r = 0.5, 4-bit weights,
     * activations not quantized (16 bit, partial sums 16 bit), dataflow X|Fx. By hand, from the model's
     * documented rules (docs/method.md#energy, "Hierarchy model") and Eyeriss' per-word energies
     * DRAM 200, buffer 6, array 2, RF 1, MAC = 0.9 * (w*a/256) + 0.1 * (p/16):
     * <pre>
     * MAC = 9 * 4 * 512 * 512 = 9,437,184;  MAC_eff = r * MAC = 4,718,592
     * X|Fx: ifmap reads MAC/3 = 3,145,728; weight reads MAC/sqrt(4) = 4,718,592;
     *       ofmap writes = reads = MAC/3 = 3,145,728; both thinned by 1-(1-r)^3 = 0.875; weights by r
     * dram words  = (2,359,296 * 0.5 * 4 + 2048 * 16 + 2048 * 16) / 16               = 299,008
     * chip words  = 3,145,728 * 0.875 + 4,718,592 * 0.5 * 4/16 + 6,291,456 * 0.875   = 8,847,360
     * rf words    = 4,718,592 * (4 + 16 + 2 * 16) / 16                                = 15,335,424
     * dram   = 299,008 * 200     = 59,801,600
     * buffer = 8,847,360 * 6     = 53,084,160
     * array  = 8,847,360 * 2     = 17,694,720
     * rf     = 15,335,424 * 1    = 15,335,424
     * mac    = 4,718,592 * (0.9 * 64/256 + 0.1) = 4,718,592 * 0.325 = 1,533,542.4
     * total                      = 147,449,446.4 (normalised units)
     * </pre>
     */
    @Test
    void eyerissLastConvolutionByHand() {
        HierarchyEnergyModel m = HierarchyEnergyModel.of(VGG, Accelerator.eyeriss());
        EnergyReport rep = m.report(CompressionPlan.uniform(VGG, 0.5, 4), Dataflow.XFX);
        LayerEnergy e = rep.layers().get(12);
        assertEquals("normalised", rep.unit());
        assertComponents(e, 59_801_600, 53_084_160, 17_694_720, 15_335_424, 1_533_542.4, 147_449_446.4);
    }

    /**
     * Horowitz 45 nm preset, first convolution (conv1_1: 3 -> 64, 3x3, 32x32 map), r = 0.5, 8-bit
     * weights, 8-bit activations (partial sums max(16, min(32, 8 + 8)) = 16 bit), dataflow Fx|Fy. By
     * hand, in pJ per 16-bit word DRAM 487.5, buffer 10, array 2, RF 0.5, MAC = 0.8 * (w*a/256) + 0.05 * (p/16):
     * <pre>
     * MAC = 9 * 1024 * 3 * 64 = 1,769,472;  MAC_eff = 884,736
     * Fx|Fy: ifmap reads MAC (thinned by r), weight reads MAC/1024 = 1728 (thinned by r),
     *        ofmap writes = reads = MAC/9 = 196,608, thinned by 1-(1-r)^9 = 511/512
     * dram words = (1728 * 0.5 * 8 + 3072 * 8 + 65,536 * 8) / 16              = 34,736
     * chip words = 1,769,472 * 0.5 * 8/16 + 1728 * 0.5 * 8/16 + 393,216 * 511/512
     *            = 442,368 + 432 + 392,448                                     = 835,248
     * rf words   = 884,736 * (8 + 8 + 2 * 16) / 16                             = 2,654,208
     * dram   = 34,736 * 487.5 pJ    = 16,933,800 pJ
     * buffer = 835,248 * 10         =  8,352,480 pJ
     * array  = 835,248 * 2          =  1,670,496 pJ
     * rf     = 2,654,208 * 0.5      =  1,327,104 pJ
     * mac    = 884,736 * (0.8 * 64/256 + 0.05) = 884,736 * 0.25 = 221,184 pJ
     * total                         = 28,505,064 pJ = 0.028505064 mJ
     * </pre>
     */
    @Test
    void horowitzFirstConvolutionByHand() {
        HierarchyEnergyModel m = HierarchyEnergyModel.of(VGG, Accelerator.horowitz45());
        EnergyReport rep = m.report(CompressionPlan.uniform(VGG, 0.5, 8).withActivationBits(8), Dataflow.FXFY);
        assertEquals("mJ", rep.unit());
        assertComponents(rep.layers().get(0), 16_933_800e-9, 8_352_480e-9, 1_670_496e-9, 1_327_104e-9, 221_184e-9,
                28_505_064e-9);
    }

    /**
     * Zero skipping off: every access and MAC of conv5_3 is paid, whatever r. Eyeriss, 4-bit weights,
     * X|Fx: chip words = 3,145,728 + 4,718,592 * 4/16 + 6,291,456 = 10,616,832; dram words =
     * (2,359,296 * 4 + 65,536) / 16 = 593,920; rf words = 9,437,184 * 3.25 = 30,670,848;
     * mac = 9,437,184 * 0.325 = 3,067,084.8.
     */
    @Test
    void zeroSkippingOffPaysEveryAccess() {
        HierarchyEnergyModel m = HierarchyEnergyModel.of(VGG, Accelerator.eyeriss()).withZeroSkipping(false);
        LayerEnergy e = m.report(CompressionPlan.uniform(VGG, 0.5, 4), Dataflow.XFX).layers().get(12);
        assertComponents(e, 593_920 * 200.0, 10_616_832 * 6.0, 10_616_832 * 2.0, 30_670_848, 3_067_084.8,
                593_920 * 200.0 + 10_616_832 * 8.0 + 30_670_848 + 3_067_084.8);
        CompressionPlan p = CompressionPlan.uniform(VGG, 0.3, 6);
        HierarchyEnergyModel on = HierarchyEnergyModel.of(VGG, Accelerator.eyeriss());
        assertTrue(on.withActivationDensity(0.5).energy(p, Dataflow.XY) < on.energy(p, Dataflow.XY));
        assertEquals(14, on.report(p, Dataflow.XY).layers().size());
    }

    @Test
    void modelsByName() {
        assertEquals("reference", EnergyModels.byName("reference", VGG).name());
        assertEquals("eyeriss", EnergyModels.byName("Eyeriss", VGG).name());
        assertEquals("horowitz45", EnergyModels.byName("horowitz45", VGG).name());
    }
}
