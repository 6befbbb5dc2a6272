package org.emomc4j.metrics;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CorrectnessTest {

    /** The documented text form by hand: images 0, 2, 9 right of 10 -> bytes 0b00000101, 0b00000010 -> "BQI=". */
    @Test
    void encodesLeastSignificantBitFirst() {
        boolean[] c = new boolean[10];
        c[0] = c[2] = c[9] = true;
        Correctness k = Correctness.of(c);
        assertEquals("BQI=", k.encode());
        assertEquals(3, k.count());
        assertEquals(0.3, k.accuracy(), 1e-15);
        assertTrue(k.correct(9));
        assertFalse(k.correct(8));
    }

    @Property(tries = 100)
    void decodeInvertsEncode(@ForAll @Size(max = 300) List<Boolean> flags) {
        boolean[] c = new boolean[flags.size()];
        for (int i = 0; i < c.length; i++) c[i] = flags.get(i);
        Correctness k = Correctness.of(c);
        Correctness back = Correctness.decode(k.encode(), c.length);
        for (int i = 0; i < c.length; i++) assertEquals(c[i], back.correct(i));
        assertEquals(k, back);
    }

    @Test
    void refusesWrongLengthsAndStrayBits() {
        assertThrows(IllegalArgumentException.class, () -> Correctness.decode("BQI=", 20));
        // 10 images, but bit 10 (byte 1, bit 2) set.
        assertThrows(IllegalArgumentException.class, () -> Correctness.decode("BQY=", 10));
        assertThrows(IllegalArgumentException.class, () -> Correctness.decode("not base64!", 10));
    }
}
