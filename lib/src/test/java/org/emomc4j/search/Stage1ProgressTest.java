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

    /** A clock the test moves (seconds). */
    private static final class Clock implements java.util.function.LongSupplier {
        double seconds;

        @Override public long getAsLong() { return Math.round(seconds * 1e9); }
    }

    private static org.emomc4j.nn.Trainer.EpochResult epoch(double seconds) {
        return new org.emomc4j.nn.Trainer.EpochResult(1, 0.01, 1, 0.5, 1, 0.5, seconds, 100);
    }

    @Test
    void theTimeLeftIsPerPlannedEpochSoTheChainsLongFirstPointDoesNotInflateIt() {
        List<String> lines = new ArrayList<>();
        Clock clock = new Clock();
        var l = Stage1.progress(lines::add, clock);
        // A chain: the first point 4 epochs, then one each (7 epochs); every epoch takes 10 s.
        l.started(new double[] {0.8, 0.7, 0.6, 0.5}, new double[] {4, 1, 1, 1});
        for (int s = 1; s <= 4; s++) {
            l.point(0, 4, 0.8, s, 4);
            clock.seconds += 10;
            l.epoch(epoch(10));
        }
        assertEquals("r = 0.80: step 1/4 done, 10 s; ETA 0:01:00", lines.get(0), "6 epochs left at 10 s");
        l.finished(new Stage1.Point(0.8, 0.9, 4, 40));
        // Per point it would be 40 s x 3 points = 2 minutes; per epoch it is 3 x 10 s.
        assertEquals("r = 0.80 done (1/4): val accuracy 90.00 %, 4 epoch(s), 40 s; ETA 0:00:30", lines.get(4));
        l.point(1, 4, 0.7, 1, 1);
        clock.seconds += 10;
        l.epoch(epoch(10));
        assertEquals(5, lines.size(), "a one-epoch point logs no step line");
        l.finished(new Stage1.Point(0.7, 0.9, 1, 10));
        assertTrue(lines.get(5).endsWith("ETA 0:00:20"), lines.get(5));
    }

    @Test
    void aResumedPassCountsOnlyWhatItTrainsItself() {
        List<String> lines = new ArrayList<>();
        Clock clock = new Clock();
        var l = Stage1.progress(lines::add, clock);
        // Killed at the first point's step 3 of 4 and at nothing else: 2 steps left there, then 2 one-epoch points.
        l.started(new double[] {0.8, 0.7, 0.6}, new double[] {4, 1, 1});
        l.point(0, 3, 0.8, 3, 4);
        clock.seconds += 10;
        l.epoch(epoch(10));
        assertEquals("r = 0.80: step 3/4 done, 10 s; ETA 0:00:30", lines.get(0), "3 epochs left at 10 s, not 3 of 4 steps in 10 s");
        // A point whose every step was trained before (killed between its last step and its checkpoint) costs nothing here.
        var k = Stage1.progress(lines::add, clock);
        k.started(new double[] {0.8, 0.7}, new double[] {4, 1});
        k.finished(new Stage1.Point(0.8, 0.9, 4, 40));
        assertTrue(lines.get(1).startsWith("r = 0.80 done (1/2): "), lines.get(1));
        k.point(1, 2, 0.7, 1, 1);
        clock.seconds += 10;
        k.finished(new Stage1.Point(0.7, 0.9, 1, 10));
        assertTrue(lines.get(2).endsWith("ETA 0:00:00"), lines.get(2));
    }
}
