package org.emomc4j.compress.coding;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeModelTest {

    static final NetworkSpec VGG = NetworkSpec.vgg16();

    /** The golden sizes of docs/method.md#where-the-golden-values-come-from (reference closed forms, recomputed by docs/golden_values.py). */
    @ParameterizedTest
    @CsvSource({
            "1.0, 32, 57482.7500, 62871.7578, 94514.0703",
            "0.2, 2,  3592.6719,  1796.3359,  8124.7984",
            "0.5, 4,  7185.3438,  6287.1758,  22108.3320"})
    void goldenSizes(double r, int bits, double dense, double csr, double coo) {
        SizeModel m = SizeModel.of(VGG);
        CompressionPlan p = CompressionPlan.uniform(VGG, r, bits);
        double[] exp = {dense, csr, coo};
        for (int i = 0; i < 3; i++) {
            double v = m.kibibytes(p, Coding.PAPER[i]);
            assertEquals(exp[i], v, 5.0000001e-5, Coding.PAPER[i] + " (table rounded to 4 decimals)");
            assertTrue(Math.abs(v - exp[i]) <= 1e-6 * exp[i], Coding.PAPER[i] + ": " + v);
        }
    }

    @Test
    void mixedBitsMatchStraightforwardSum() {
        int[] bits = {8, 2, 12, 3, 4, 5, 6, 7, 2, 9, 10, 11, 12, 3};
        double r = 0.43;
        CompressionPlan p = CompressionPlan.of(r, bits);
        double dense = 0, csr = 0, coo = 0;
        for (LayerSpec l : VGG.layers()) {
            long n = (long) l.kernel() * l.kernel() * l.inChannels() * l.outChannels();
            int b = bits[l.index()];
            dense += n * b;
            csr += n * (b + 3) * r;
            coo += n * Math.round(b + Math.log(n) / Math.log(2)) * r;
        }
        SizeModel m = SizeModel.of(VGG);
        assertEquals(dense / 8192, m.kibibytes(p, Coding.DENSE), 1e-9);
        assertEquals(csr / 8192, m.kibibytes(p, Coding.CSR), 1e-9);
        assertEquals(coo / 8192, m.kibibytes(p, Coding.COO), 1e-9);
    }

    @Test
    void parse() {
        assertEquals(Coding.CSR, Coding.parse("CSR"));
        assertEquals(Coding.DENSE, Coding.parse("normal"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coding.parse("bitmap", Coding.PAPER));
        assertTrue(e.getMessage().contains("bitmap"));
    }
}
