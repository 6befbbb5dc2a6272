package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.emomc4j.search.Genome;
import org.emomc4j.search.PrecisionAgreement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The agreement harness behind {@code eval --agreement}, on a tiny trained network. */
class PrecisionAgreementTest {

    @Test
    void randomPlansAreReproducibleAndHalfMeetTheInt8Criterion() {
        List<Genome> a = PrecisionAgreement.randomPlans(14, 10, 3), b = PrecisionAgreement.randomPlans(14, 10, 3);
        assertEquals(a, b);
        assertNotEquals(a, PrecisionAgreement.randomPlans(14, 10, 4));
        for (int i = 0; i < a.size(); i++) {
            Genome g = a.get(i);
            assertTrue(g.remaining() >= 0.3 && g.remaining() <= 1.0, g.toString());
            for (int x : g.bits()) assertTrue(x >= (i % 2 == 0 ? 2 : 4) && x <= 12, g.toString());
        }
    }

    @Test
    void bf16AndInt8ScoresStayCloseToFp32OnATrainedTinyNetwork() {
        ImageSet[] d = EngineTestData.twoSyntheticClasses(1000, 300);
        Model m = Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 1);
        Trainer t = new Trainer(m, new TrainConfig(2, 64, 0.05, 0.9, 5e-4, Schedule.ONECYCLE, 30, 1));
        for (int e = 0; e < 2; e++) t.trainEpoch(d[0], d[1], null);
        float[] before = m.weights(3);
        // Mild plans (the int8 criterion: all bits >= 4), one with a 12-bit layer (int8 fallback there).
        int[] b6 = new int[14], b12 = new int[14];
        java.util.Arrays.fill(b6, 6);
        java.util.Arrays.fill(b12, 8);
        b12[5] = 12;
        List<Genome> plans = List.of(new Genome(0.8, b6), new Genome(1.0, b12));
        List<PrecisionAgreement.Row> rows = PrecisionAgreement.measure(m, d[1], d[0], 256, plans,
                List.of(Precision.BF16, Precision.INT8), 200, null);
        assertEquals(2, rows.size());
        for (PrecisionAgreement.Row r : rows) {
            assertTrue(r.accuracy().get(Precision.FP32) > 0.7, "the trained network must be well above chance: " + r);
            assertTrue(Math.abs(r.pointsFromFp32(Precision.BF16)) <= 2.0, "bf16 " + r);
            assertTrue(Math.abs(r.pointsFromFp32(Precision.INT8)) <= 4.0, "int8 " + r);
        }
        assertArrayEquals(before, m.weights(3), "scoring leaves the stored weights alone");
        for (int l = 0; l < 14; l++) assertNull(m.weightTransform(l));
    }
}
