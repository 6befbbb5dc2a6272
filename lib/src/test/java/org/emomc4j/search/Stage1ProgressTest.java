package org.emomc4j.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Stage1ProgressTest {
    @Test
    void oneLinePerFinishedPointWithPositionAndTimeLeft() {
        List<String> lines = new ArrayList<>();
        var l = Stage1.progress(lines::add);
        l.point(0, 3, 0.8, 1, 4);
        l.point(0, 3, 0.8, 4, 4);
        assertTrue(lines.isEmpty(), "steps are not logged, points are");
        l.finished(new Stage1.Point(0.8, 0.9, 4, 12.0));
        l.point(2, 3, 0.2, 1, 4);
        l.finished(new Stage1.Point(0.2, 0.5, 4, 12.0));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("r = 0.80 done (1/3): val accuracy 90.00 %, 4 epoch(s), 12 s; ETA "), lines.get(0));
        assertTrue(lines.get(1).endsWith("ETA 0:00:00"), "the last point leaves nothing: " + lines.get(1));
    }
}
