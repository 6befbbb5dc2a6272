package org.emomc4j.metrics;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PairedLossTest {

    /**
     * Hand-computed: N = 100 images, b = 3 only the baseline gets right, c = 0. n = 3 discordant,
     * so p_hi = 1 (b = n) and p_lo solves P(X >= 3 | 3, p) = p^3 = 0.025, p_lo = 0.025^(1/3) = 0.292402.
     * Loss = 3 / 100 = 0.03; interval [3 (2 * 0.292402 - 1) / 100, 3 (2 - 1) / 100] = [-0.012456, 0.03].
     */
    @Test
    void allDiscordantAgainstTheCandidate() {
        PairedLoss l = PairedLoss.of(100, 3, 0);
        assertEquals(0.03, l.loss(), 1e-15);
        assertEquals(-0.0124559, l.lower(), 1e-6);
        assertEquals(0.03, l.upper(), 1e-12);
        assertFalse(l.upperWithin(0.003));
        assertTrue(l.upperWithin(0.03));
    }

    /**
     * Hand-computed: N = 1000, b = 5, c = 1, n = 6. p_hi solves P(X <= 5 | 6, p) = 1 - p^6 = 0.025:
     * p_hi = 0.975^(1/6) = 0.9957890. p_lo solves P(X >= 5 | 6, p) = 6 p^5 (1 - p) + p^6 = 0.025:
     * p_lo = 0.358765 (6 x 0.358765^5 x 0.641235 + 0.358765^6 = 0.02343 + 0.00212 = 0.02500).
     * Loss = 4 / 1000; interval [6 (2 p_lo - 1) / 1000, 6 (2 p_hi - 1) / 1000] = [-0.0016948, 0.0059495].
     */
    @Test
    void mixedDiscordantPairs() {
        PairedLoss l = PairedLoss.of(1000, 5, 1);
        assertEquals(0.004, l.loss(), 1e-15);
        assertEquals(6 * (2 * Math.pow(0.975, 1.0 / 6) - 1) / 1000, l.upper(), 1e-9);
        assertEquals(0.0059495, l.upper(), 1e-7);
        assertEquals(-0.0016948, l.lower(), 1e-6);
        assertFalse(l.upperWithin(0.003));
        assertTrue(l.upperWithin(0.006));
    }

    @Test
    void noDiscordantImagesGivesAZeroWidthInterval() {
        PairedLoss l = PairedLoss.of(50, 0, 0);
        assertEquals(0, l.loss());
        assertEquals(0, l.lower());
        assertEquals(0, l.upper());
    }

    @Test
    void fromPerImageCorrectness() {
        // baseline right on 0..5; candidate right on 2..7: b = {0, 1}, c = {6, 7}... plus 8 wrong for both.
        boolean[] base = new boolean[10], cand = new boolean[10];
        for (int i = 0; i <= 5; i++) base[i] = true;
        for (int i = 2; i <= 6; i++) cand[i] = true;
        PairedLoss l = PairedLoss.of(Correctness.of(base), Correctness.of(cand));
        assertEquals(2, l.baselineOnly());
        assertEquals(1, l.candidateOnly());
        assertEquals(0.1, l.loss(), 1e-15);
        assertEquals(PairedLoss.of(10, 2, 1), l);
        assertThrows(IllegalArgumentException.class, () -> PairedLoss.of(Correctness.of(base), Correctness.of(new boolean[9])));
    }

    /** The interval holds the point loss and lies in [-n/N, n/N]; swapping the networks mirrors it. */
    @Property(tries = 200)
    void intervalContainsTheLossAndMirrors(@ForAll @IntRange(min = 0, max = 60) int b, @ForAll @IntRange(min = 0, max = 60) int c,
                                           @ForAll @IntRange(min = 0, max = 500) int extra) {
        int n = b + c, images = Math.max(1, n + extra);
        PairedLoss l = PairedLoss.of(images, b, c), m = PairedLoss.of(images, c, b);
        assertTrue(l.lower() <= l.loss() + 1e-12 && l.loss() <= l.upper() + 1e-12, l.toString());
        assertTrue(l.lower() >= -(double) n / images - 1e-12 && l.upper() <= (double) n / images + 1e-12, l.toString());
        assertEquals(-l.upper(), m.lower(), 1e-9);
        assertEquals(-l.lower(), m.upper(), 1e-9);
    }

    /** Clopper-Pearson tails: the binomial CDF against a direct sum for a small case. */
    @Test
    void binomialTailMatchesADirectSum() {
        // P(X <= 2 | 5, 0.3) = 0.7^5 + 5 0.3 0.7^4 + 10 0.09 0.7^3 = 0.16807 + 0.36015 + 0.3087 = 0.83692
        assertEquals(0.83692, PairedLoss.lowerTail(5, 2, 0.3), 1e-12);
    }
}
