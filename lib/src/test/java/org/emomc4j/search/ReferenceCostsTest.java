package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ReferenceCostsTest {

    /** Golden values: docs/method.md#where-the-golden-values-come-from. */
    @Test
    void matchesGoldenValuesThroughTheGenomeInterface() {
        int[] four = new int[14];
        Arrays.fill(four, 4);
        Genome g = new Genome(0.5, four);
        NetworkSpec vgg = NetworkSpec.vgg16();
        assertEquals(1.973432, new ReferenceCosts(vgg, Dataflow.XY, Coding.CSR).energyMilliJoules(g), 1.973432e-6);
        assertEquals(2.660642, new ReferenceCosts(vgg, Dataflow.XFX, Coding.CSR).energyMilliJoules(g), 2.660642e-6);
        assertEquals(6287.1758, new ReferenceCosts(vgg, Dataflow.XY, Coding.CSR).sizeKiB(g), 6287.1758e-6);
        assertEquals(22108.3320, new ReferenceCosts(vgg, Dataflow.XY, Coding.COO).sizeKiB(g), 22108.3320e-6);
        assertEquals(13.044667, new ReferenceCosts(vgg, Dataflow.XY, Coding.DENSE).baselineEnergy(), 13.044667e-6);
        assertEquals(57482.75, new ReferenceCosts(vgg, Dataflow.XY, Coding.DENSE).baselineSize(), 57482.75e-6);
    }

    @Test
    void wrongGenomeLengthIsRefused() {
        ReferenceCosts c = new ReferenceCosts(NetworkSpec.vgg16(), Dataflow.XY, Coding.DENSE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.energyMilliJoules(new Genome(0.5, new int[]{4, 4})));
        assertTrue(e.getMessage().contains("14"), e.getMessage());
    }
}
