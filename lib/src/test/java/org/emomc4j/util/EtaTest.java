package org.emomc4j.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EtaTest {
    @Test
    void remainingScalesTheMeanUnitTime() {
        assertEquals(270.0, Eta.remaining(30, 1, 10), 1e-12);   // 30 s per epoch, 9 to go
        assertEquals(0.0, Eta.remaining(300, 10, 10), 0.0);
        assertTrue(Double.isNaN(Eta.remaining(5, 0, 10)));
    }

    @Test
    void formatsSecondsMinutesHours() {
        assertEquals("45 s", Eta.format(45));
        assertEquals("12 min", Eta.format(12 * 60 + 10));
        assertEquals("1 h 45 min", Eta.format(105 * 60));
        assertEquals("unknown", Eta.format(Double.NaN));
    }
}
