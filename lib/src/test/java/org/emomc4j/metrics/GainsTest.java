package org.emomc4j.metrics;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GainsTest {

    private static Correctness firstRight(int right, int of) {
        boolean[] c = new boolean[of];
        for (int i = 0; i < right; i++) c[i] = true;
        return Correctness.of(c);
    }

    /**
     * Baseline 931 of 1000 right (images 0..930). Members: 929 right (cost 2), 922 (cost 1), 900 (0.5).
     * Budget 0.3 %: 929 is within (loss 0.2 points), gain 10 / 2 = 5; its interval: b = 2, c = 0,
     * p_lo = 0.025^(1/2) = 0.158114, upper = 2 / 1000, lower = 2 (2 p_lo - 1) / 1000 = -0.0013675.
     * Budget 1 %: 922 (loss 0.9 points), gain 10. Budget 2 %: still 922 (900 loses 3.1 points).
     */
    @Test
    void bestGainAtEveryBudgetWithItsInterval() {
        Gains.Baseline base = new Gains.Baseline(0.931, 10, Double.NaN, firstRight(931, 1000));
        List<Gains.Candidate> front = List.of(new Gains.Candidate(0.929, 2, firstRight(929, 1000)),
                new Gains.Candidate(0.922, 1, firstRight(922, 1000)), new Gains.Candidate(0.900, 0.5, firstRight(900, 1000)));
        List<Gains.Row> rows = Gains.atBudgets("X|Y", front, base, 0.003, 0.01, 0.02, 0.0001);
        assertEquals(5.0, rows.get(0).gain(), 1e-12);
        assertEquals(0.002, rows.get(0).pointLoss(), 1e-12);
        assertEquals(0.002, rows.get(0).loss().upper(), 1e-12);
        assertEquals(-0.0013675, rows.get(0).loss().lower(), 1e-6);
        assertEquals("yes", rows.get(0).upperWithinBudget());
        assertEquals(10.0, rows.get(1).gain(), 1e-12);
        assertEquals(0.009, rows.get(1).loss().loss(), 1e-12);
        assertEquals("yes", rows.get(1).upperWithinBudget()); // b = 9, c = 0: upper end 9 / 1000
        assertEquals(10.0, rows.get(2).gain(), 1e-12);
        assertNull(rows.get(3).best());
        assertTrue(Double.isNaN(rows.get(3).gain()));
        assertEquals("-", rows.get(3).upperWithinBudget());
    }

    @Test
    void upperEndAboveTheBudgetIsFlagged() {
        // 2 discordant each way plus 3 more against: loss 0.3 % exactly within 0.3 %, but the interval's upper end is not.
        boolean[] b = new boolean[1000], c = new boolean[1000];
        for (int i = 0; i < 500; i++) b[i] = c[i] = true;
        for (int i = 500; i < 505; i++) b[i] = true;
        for (int i = 505; i < 507; i++) c[i] = true;
        Gains.Baseline base = new Gains.Baseline(0.505, 10, Double.NaN, Correctness.of(b));
        List<Gains.Row> rows = Gains.atBudgets("X|Y", List.of(new Gains.Candidate(0.502, 4, Correctness.of(c))), base, 0.003);
        assertEquals(0.003, rows.get(0).loss().loss(), 1e-12);
        assertEquals("no", rows.get(0).upperWithinBudget());
    }

    @Test
    void sizeTableShowsBothRatesAndMegabytes() {
        // CSR golden genome r = 0.5, 4 bits: 6,287.1758 KiB; dense 32-bit 57,482.75 KiB; CSR 32-bit 62,871.7578 KiB.
        Gains.Baseline base = new Gains.Baseline(0.9, 57482.75, 62871.7578, null);
        List<Gains.Row> rows = Gains.atBudgets("CSR", List.of(new Gains.Candidate(0.9, 6287.1758, null)), base, 0.003);
        Table t = Gains.table("III", Gains.Kind.SIZE, rows);
        assertEquals(57482.75 / 6287.1758, t.doubleColumn("rate_vs_dense32_x").get(0), 1e-9);
        assertEquals(10.0, t.doubleColumn("rate_vs_same_coding_x").get(0), 1e-6);
        assertEquals(6.4381, t.doubleColumn("size_MB").get(0), 1e-4);
        assertEquals(58.8623, t.doubleColumn("dense32_MB").get(0), 1e-4);
        assertEquals("-", t.stringColumn("upper_within_budget").get(0));
    }
}
