package org.emomc4j.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KneeTest {

    /** {cost, accuracy}. */
    static int knee(double[]... front) {
        return Knee.index(List.of(front), p -> p[1], p -> p[0]);
    }

    @Test
    void farthestAboveTheChordByHand() {
        // Normalised, the chord runs from (0, 0) to (1, 1). Distances (x - y)/sqrt 2 below it:
        // (0.2, 0.8) is 0.6/sqrt 2 = 0.42 above, (0.6, 0.9) 0.3/sqrt 2 = 0.21 above: the knee is the second member.
        assertEquals(1, knee(new double[]{0, 0.50}, new double[]{2, 0.58}, new double[]{6, 0.59}, new double[]{10, 0.60}));
        // Order does not matter; the scale of each objective does not either (normalised).
        assertEquals(2, knee(new double[]{600, 0.59}, new double[]{1000, 0.60}, new double[]{200, 0.58}, new double[]{0, 0.50}));
    }

    @Test
    void smallFrontsGiveTheirCheapest() {
        assertEquals(-1, Knee.index(List.<double[]>of(), p -> p[1], p -> p[0]));
        assertEquals(1, knee(new double[]{5, 0.9}, new double[]{3, 0.8}));
    }
}
