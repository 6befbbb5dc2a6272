package org.emomc4j.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScheduleTest {
    @Test
    void schedulesHaveTheirShapes() {
        assertEquals(0.05, Schedule.STEP.lr(0.05, 29, 0.9, 300, 30), 1e-12);
        assertEquals(0.025, Schedule.STEP.lr(0.05, 30, 0, 300, 30), 1e-12);
        assertEquals(0.05 / 4, Schedule.STEP.lr(0.05, 60, 0, 300, 30), 1e-12);
        assertEquals(0.05, Schedule.COSINE.lr(0.05, 0, 0, 10, 30), 1e-12);
        assertEquals(0.025, Schedule.COSINE.lr(0.05, 5, 0, 10, 30), 1e-12);
        assertEquals(0.05 / 25, Schedule.ONECYCLE.lr(0.05, 0, 0, 10, 30), 1e-12);
        assertEquals(0.05, Schedule.ONECYCLE.lr(0.05, 3, 0, 10, 30), 1e-12);
        assertTrue(Schedule.ONECYCLE.lr(0.05, 9, 0.99, 10, 30) < 1e-4);
        assertEquals(Schedule.ONECYCLE, Schedule.parse("onecycle"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("linear"));
    }
}
