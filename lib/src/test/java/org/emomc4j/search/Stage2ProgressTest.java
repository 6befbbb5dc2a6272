package org.emomc4j.search;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class Stage2ProgressTest {
    @Test
    void aResumedSearchsTimeLeftComesFromItsRecordedTimeNotFromTheTimeSinceItsProcessStarted() {
        // Population 40, 20 offspring, 120 generations: 2,440 evaluations. Resumed at generation 60 after 1,220 s
        // (1 s per evaluation), generation 61 took 20 s more: 1,260 evaluations in 1,240 s of the search's record.
        SearchRun.Progress p = new SearchRun.Progress(61, 120, 1260, 1260, 0.5, 12, 1240);
        // 1,180 evaluations left at 1240/1260 s each: 1,161 s (19:21). Counting from the process start, one
        // generation's 20 s over 62 generations would have said 19 s.
        assertEquals("0:19:21", Reproduce.eta(Stage2.secondsLeft(p, 2440)));
        assertEquals("0:00:00", Reproduce.eta(Stage2.secondsLeft(new SearchRun.Progress(120, 120, 2440, 2440, 0.5, 12, 2440), 2440)));
        assertEquals("?", Reproduce.eta(Stage2.secondsLeft(new SearchRun.Progress(0, 120, 0, 0, 0, 0, 0), 2440)), "nothing measured yet");
    }
}
