package org.emomc4j.nn;

import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TrainConfigTest {

    /** Each builder setter and each with* lands in its own field (a swapped field would show as a mismatch here). */
    @Test
    void builderSetsEveryFieldByName() {
        TrainConfig built = TrainConfig.builder(7).batchSize(64).lr(0.2).momentum(0.8).weightDecay(1e-4).schedule(Schedule.COSINE)
                .stepEpochs(3).seed(9).precision(Precision.BF16).labelSmoothing(0.1).cutout(8).swaEpochs(5).cutmix(0.5).build();
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.BF16, 0.1, 8, 5, 0.5), built);
        assertEquals(TrainConfig.reference(5), TrainConfig.builder(5).build(), "the builder starts from the reference recipe");
        TrainConfig c = new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0);
        assertEquals(new TrainConfig(11, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0), c.withEpochs(11));
        assertEquals(new TrainConfig(7, 32, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0), c.withBatchSize(32));
        assertEquals(new TrainConfig(7, 64, 0.3, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0), c.withLr(0.3));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.STEP, 3, 9, Precision.FP32, 0, 0), c.withSchedule(Schedule.STEP));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 4, Precision.FP32, 0, 0), c.withSeed(4));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.BF16, 0, 0), c.withPrecision(Precision.BF16));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0.2, 0), c.withLabelSmoothing(0.2));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 16), c.withCutout(16));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0, 3, 0), c.withSwaEpochs(3));
        assertEquals(new TrainConfig(7, 64, 0.2, 0.8, 1e-4, Schedule.COSINE, 3, 9, Precision.FP32, 0, 0, 0, 0.25), c.withCutmix(0.25));
        assertThrows(UserError.class, () -> c.withCutmix(1.5));
        assertThrows(UserError.class, () -> c.toBuilder().cutout(40).build(), "the builder checks like the constructor");
        assertThrows(UserError.class, () -> c.withSwaEpochs(8), "SWA cannot average more epochs than the run has");
    }
}
