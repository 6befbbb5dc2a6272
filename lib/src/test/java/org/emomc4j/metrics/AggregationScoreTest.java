package org.emomc4j.metrics;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AggregationScoreTest {

    /** Normalisation: the uncompressed network (E0, a0) scores 1 under every weighting. */
    @Property(tries = 200)
    void uncompressedNetworkScoresOne(@ForAll @DoubleRange(min = 0.05, max = 1) double a0, @ForAll @DoubleRange(min = 0.01, max = 100) double e0,
                                      @ForAll @DoubleRange(min = 0.01, max = 10) double w) {
        assertEquals(1.0, AggregationScore.score(a0, e0, a0, e0, w), 1e-12);
    }

    /**
     * By hand: baseline 90 %, 10 mJ. Plan A 89 %, 2 mJ: 5 x (89/90)^w; plan B 80 %, 1 mJ: 10 x (80/90)^w.
     * w = 5: A 4.7283, B 5.5493 -> B; w = 0.2: B wins more clearly; w = 20: A 3.9987, B 0.9483 -> A.
     */
    @Test
    void peakMovesTowardsAccuracyAsTheWeightGrows() {
        Gains.Baseline base = new Gains.Baseline(0.90, 10, Double.NaN, null);
        List<Gains.Candidate> front = List.of(new Gains.Candidate(0.89, 2, null), new Gains.Candidate(0.80, 1, null));
        assertEquals(5 * Math.pow(89.0 / 90, 5), AggregationScore.score(0.89, 2, 0.90, 10, 5), 1e-12);
        assertEquals(4.7283, AggregationScore.score(0.89, 2, 0.90, 10, 5), 1e-4);
        assertEquals(5.5493, AggregationScore.score(0.80, 1, 0.90, 10, 5), 1e-4);
        assertEquals(1, AggregationScore.peak(front, base, 5));
        assertEquals(1, AggregationScore.peak(front, base, 0.2));
        assertEquals(0, AggregationScore.peak(front, base, 20));
        assertEquals(-1, AggregationScore.peak(List.of(), base, 1));
        assertThrows(IllegalArgumentException.class, () -> AggregationScore.score(0.5, 0, 0.9, 10, 1));
    }
}
