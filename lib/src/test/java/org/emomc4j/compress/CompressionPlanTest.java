package org.emomc4j.compress;

import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionPlanTest {

    static void bad(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void validates() {
        bad("remaining fraction of layer 0 must be in (0, 1]", () -> CompressionPlan.of(0.0, 4, 4));
        bad("remaining fraction of layer 1", () -> CompressionPlan.of(new double[]{0.5, 1.5}, new int[]{4, 4}, null));
        bad("weight bit-width of layer 1 must be in 1..32, got 33", () -> CompressionPlan.of(0.5, 4, 33));
        bad("weight bit-width of layer 0", () -> CompressionPlan.of(0.5, 0));
        bad("activation bit-width of layer 0", () -> CompressionPlan.of(new double[]{1}, new int[]{4}, new int[]{40}));
        bad("2 remaining fractions but 1 weight", () -> CompressionPlan.of(new double[]{1, 1}, new int[]{4}, null));
        bad("NaN", () -> CompressionPlan.of(Double.NaN, 4));
    }

    @Test
    void genome() {
        NetworkSpec vgg = NetworkSpec.vgg16();
        double[] g = new double[15];
        g[0] = 0.3;
        for (int i = 1; i < 15; i++) g[i] = i % 11 + 2;
        CompressionPlan p = CompressionPlan.fromGenome(vgg, g);
        assertEquals(14, p.layers());
        assertEquals(0.3, p.remaining(13));
        assertEquals(3, p.weightBits(0));
        assertEquals(0, p.activationBits(0));
        bad("needs 1 + 14 = 15 numbers", () -> CompressionPlan.fromGenome(vgg, new double[]{0.3, 4}));
        g[3] = 4.5;
        bad("bit-width of layer 2 must be an integer", () -> CompressionPlan.fromGenome(vgg, g));
        bad("compressible layers", () -> CompressionPlan.uniform(3, 1, 4).requireLayers(vgg));
        assertEquals(CompressionPlan.uniform(vgg, 0.5, 4), CompressionPlan.uniform(vgg, 0.5, 4));
    }

    @Test
    void snapDown() {
        assertEquals(0.30, CompressionPlan.snapDown(0.29999999999, 0.01));
        assertEquals(0.30, CompressionPlan.snapDown(0.3099, 0.01));
        assertEquals(0.57, CompressionPlan.snapDown(0.57, 0.01));
        assertEquals(0.8, CompressionPlan.snapDown(0.8, 0.01));
    }
}
