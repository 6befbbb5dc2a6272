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

    /**
     * Another method beside EMOMC, judged by the same rule. Baseline 931 of 1000 right, cost 10.
     * Peer on X|Y: 930 right at cost 5 (images 0..929) and 925 right at cost 4; budget 0.3 %: the
     * cost-5 network (loss 0.1 points, b = 1, c = 0: upper end 1 / 1000), gain 2; budget 1 %: cost
     * 4, gain 2.5, loss 0.6 points (b = 6, c = 0: upper end 0.6 points, within). On I|O (no
     * candidates) no network; a method not run leaves every line empty with its note.
     */
    @Test
    void anotherMethodsColumnsBesideEmomcs() {
        Gains.Baseline base = new Gains.Baseline(0.931, 10, Double.NaN, firstRight(931, 1000));
        Gains.Fronts f = new Gains.Fronts(Gains.Kind.ENERGY,
                new java.util.LinkedHashMap<>(java.util.Map.of("X|Y", List.of(new Gains.Candidate(0.929, 2, firstRight(929, 1000))))),
                new java.util.LinkedHashMap<>(java.util.Map.of("X|Y", base)));
        java.util.Map<String, List<Gains.Candidate>> peer = new java.util.LinkedHashMap<>();
        peer.put("X|Y", List.of(new Gains.Candidate(0.930, 5, firstRight(930, 1000), "a"),
                new Gains.Candidate(0.925, 4, firstRight(925, 1000), "b")));
        Table t = f.table("II", List.of(new Gains.Beside("peer", peer, null, null), Gains.Beside.notRun("stage3", "not run")),
                0.003, 0.01, 0.0001);
        assertEquals(List.of(2.0, 2.5), List.of(t.doubleColumn("peer_gain_x").get(0), t.doubleColumn("peer_gain_x").get(1)));
        assertEquals(List.of("a", "b"), List.of(t.stringColumn("peer_network").get(0), t.stringColumn("peer_network").get(1)));
        assertEquals(5.0, t.doubleColumn("peer_energy_mJ").get(0), 1e-12);
        assertEquals(0.1, t.doubleColumn("peer_loss_%").get(0), 1e-9);
        assertEquals(0.1, t.doubleColumn("peer_loss_hi_%").get(0), 1e-9);
        assertEquals(0.6, t.doubleColumn("peer_loss_hi_%").get(1), 1e-9);
        // b = 6, c = 0: p_lo = 0.025^(1/6) = 0.54074, lower end 6 (2 p_lo - 1) / 1000 in points.
        assertEquals(0.6 * (2 * Math.pow(0.025, 1 / 6.0) - 1), t.doubleColumn("peer_loss_lo_%").get(1), 1e-6);
        assertEquals("yes", t.stringColumn("peer_upper_within_budget").get(1));
        assertEquals("none within budget", t.stringColumn("peer_note").get(2));
        assertTrue(t.doubleColumn("peer_gain_x").isMissing(2));
        for (int i = 0; i < 3; i++) {
            assertEquals("not run", t.stringColumn("stage3_note").get(i));
            assertTrue(t.doubleColumn("stage3_gain_x").isMissing(i));
            assertEquals("-", t.stringColumn("stage3_upper_within_budget").get(i));
        }
        // The EMOMC columns are those of the table without others.
        assertEquals(f.table("II", 0.003, 0.01, 0.0001).doubleColumn("gain_x").asList(), t.doubleColumn("gain_x").asList());
    }

    @Test
    void anotherMethodPairsWithItsOwnBaselineWhenGiven() {
        // The row's baseline has no per-image results; the method's own (931 right) gives its interval.
        Gains.Baseline base = new Gains.Baseline(0.931, 10, Double.NaN, null);
        Gains.Fronts f = new Gains.Fronts(Gains.Kind.SIZE, java.util.Map.of("CSR", List.of()), java.util.Map.of("CSR", base));
        Gains.Beside peer = new Gains.Beside("peer", java.util.Map.of("CSR", List.of(new Gains.Candidate(0.929, 2, firstRight(929, 1000)))),
                firstRight(931, 1000), null);
        Table t = f.table("III", List.of(peer), 0.003);
        assertEquals(0.2, t.doubleColumn("peer_loss_hi_%").get(0), 1e-9);
        assertEquals(5.0, t.doubleColumn("peer_rate_vs_dense32_x").get(0), 1e-12);
        assertEquals(2 * 1024 / 1e6, t.doubleColumn("peer_size_MB").get(0), 1e-12);
        assertEquals("", t.stringColumn("peer_note").get(0));
        Gains.Beside blind = new Gains.Beside("peer", peer.fronts(), null, null);
        assertEquals("no per-image results", f.table("III", List.of(blind), 0.003).stringColumn("peer_note").get(0));
    }
}
