package org.emomc4j.hw;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceEnergyModelTest {

    static final NetworkSpec VGG = NetworkSpec.vgg16();
    static final ReferenceEnergyModel MODEL = ReferenceEnergyModel.of(VGG);

    static void assertRel(double expected, double actual, double rel, String what) {
        assertTrue(Math.abs(actual - expected) <= rel * Math.abs(expected),
                what + ": expected " + expected + " got " + actual);
    }

    /** The golden table of docs/method.md#where-the-golden-values-come-from (rounded there to 6 decimals, so 1e-6 relative holds). */
    @ParameterizedTest
    @CsvSource({
            "1.0, 32, 13.044667, 15.286510, 13.452326, 13.344794",
            "0.2, 2,  0.669024,  0.657040,  1.021802,  1.235354",
            "0.5, 4,  1.973432,  1.551732,  2.380293,  2.660642"})
    void goldenEnergies(double r, int bits, double xy, double icoc, double fxfy, double xfx) {
        CompressionPlan p = CompressionPlan.uniform(VGG, r, bits);
        double[] expected = {xy, icoc, fxfy, xfx};
        for (Dataflow d : Dataflow.values()) {
            double e = MODEL.energyMilliJoules(p, d);
            // the table is rounded to 1e-6 mJ; 1e-6 relative of the smallest golden value is 6.6e-7 mJ
            assertEquals(expected[d.ordinal()], e, 5.0000001e-7, d + " r=" + r + " b=" + bits);
            assertRel(expected[d.ordinal()], e, 1e-6, d.name());
            // the breakdown is computed apart from the fast path: its layers must add up to the golden value too
            double layers = MODEL.report(p, d).layers().stream().mapToDouble(LayerEnergy::total).sum();
            assertRel(expected[d.ordinal()], layers, 1e-6, d + " per-layer breakdown");
        }
    }

    @Test
    void mixedBitGenomesMatchStraightforwardRecomputation() {
        java.util.Random rnd = new java.util.Random(42);
        for (int trial = 0; trial < 50; trial++) {
            double r = 0.2 + 0.01 * rnd.nextInt(61);
            int[] bits = new int[14];
            for (int i = 0; i < 14; i++) bits[i] = 2 + rnd.nextInt(11);
            CompressionPlan p = CompressionPlan.of(r, bits);
            for (Dataflow d : Dataflow.values())
                assertRel(straightforward(r, bits, d.name()), MODEL.energyMilliJoules(p, d), 1e-9,
                        d + " " + Arrays.toString(bits));
        }
        int[] bits = {8, 2, 12, 3, 4, 5, 6, 7, 2, 9, 10, 11, 12, 3};
        CompressionPlan p = CompressionPlan.fromGenome(VGG, new double[]{0.37, 8, 2, 12, 3, 4, 5, 6, 7, 2, 9, 10, 11, 12, 3});
        for (Dataflow d : Dataflow.values())
            assertRel(straightforward(0.37, bits, d.name()), MODEL.energyMilliJoules(p, d), 1e-9, d.name());
    }

    /** The reference formulas written out independently of the model's precomputation (hand-listed VGG-16 shapes). */
    static double straightforward(double r, int[] bits, String df) {
        int[][] conv = { // cin, cout, S
                {3, 64, 1024}, {64, 64, 1024}, {64, 128, 256}, {128, 128, 256}, {128, 256, 64}, {256, 256, 64},
                {256, 256, 64}, {256, 512, 16}, {512, 512, 16}, {512, 512, 16}, {512, 512, 4}, {512, 512, 4}, {512, 512, 4}};
        double em = 0.102, er = 0.728, ew = 0.447, k = 3, E = 0;
        for (int l = 0; l < 13; l++) {
            double ci = conv[l][0], co = conv[l][1], S = conv[l][2], b = bits[l];
            double mac = k * k * S * ci * co, in, w, W, R;
            E += em * mac * r * (b + 1);
            switch (df) {
                case "XY" -> { in = mac; w = mac / S; W = mac / (k * k * ci); R = 0;
                    E += er * w * (b + 1) / 16 + er * in * r + ew * W + er * R; }
                case "ICOC" -> { in = mac / co; w = mac; W = mac / ci; R = W;
                    double fi = co > 24 ? 1 : 1 - Math.pow(1 - r, co), fo = ci > 24 ? 1 : 1 - Math.pow(1 - r, ci);
                    E += er * w * (b + 1) / 16 + er * in * fi + ew * W * fo + er * R * fo; }
                case "FXFY" -> { in = mac; w = mac / S; W = mac / (k * k); R = W;
                    double f = 1 - Math.pow(1 - r, k * k);
                    E += er * w * (b + 1) / 16 + er * in * r + ew * W * f + er * R * f; }
                default -> { in = mac / k; w = mac / Math.sqrt(S); W = mac / k; R = W;
                    double f = 1 - Math.pow(1 - r, k);
                    E += er * w * (b + 1) / 16 + er * in * f + ew * W * f + er * R * f; }
            }
        }
        double mac = 512 * 10, b = bits[13];
        E += em * mac * r * (b + 1) + er * mac * (b + 1) / 16 + er * mac * r + ew * 10;
        return E / 1e8;
    }

    @Provide
    Arbitrary<int[]> bitVectors() {
        return Arbitraries.integers().between(1, 31).array(int[].class).ofSize(14);
    }

    @Property(tries = 200)
    void nonDecreasingInEveryLayersBits(@ForAll("bitVectors") int[] bits, @ForAll @DoubleRange(min = 0.01, max = 1.0) double r,
                                        @ForAll @IntRange(min = 0, max = 13) int layer) {
        int[] more = bits.clone();
        more[layer]++;
        for (Dataflow d : Dataflow.values())
            assertTrue(MODEL.energyMilliJoules(CompressionPlan.of(r, more), d) >= MODEL.energyMilliJoules(CompressionPlan.of(r, bits), d), d.name());
    }

    @Property(tries = 200)
    void nonDecreasingInRemainingFraction(@ForAll("bitVectors") int[] bits, @ForAll @DoubleRange(min = 0.01, max = 1.0) double r1,
                                          @ForAll @DoubleRange(min = 0.01, max = 1.0) double r2) {
        double lo = Math.min(r1, r2), hi = Math.max(r1, r2);
        for (Dataflow d : Dataflow.values())
            assertTrue(MODEL.energyMilliJoules(CompressionPlan.of(hi, bits), d) >= MODEL.energyMilliJoules(CompressionPlan.of(lo, bits), d), d.name());
    }

    @Test
    void fcIsOutputStationaryForEveryDataflow() {
        LayerSpec fc = VGG.layer(13);
        for (Dataflow d : Dataflow.values()) assertEquals(Dataflow.fcAccesses(fc), d.accessesOf(fc));
    }

    @Test
    void parsesPaperNotation() {
        assertEquals(Dataflow.XFX, Dataflow.parse("X|Fx"));
        assertEquals(Dataflow.ICOC, Dataflow.parse("icoc"));
        assertEquals(Dataflow.XY, Dataflow.parse("X|Y"));
        assertEquals(Dataflow.FXFY, Dataflow.parse("Fx|Fy"));
    }
}
