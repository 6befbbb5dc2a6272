package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.emomc4j.data.RealCifar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny VGG-16 (width 1/16) learns two classes well above chance in a few epochs. */
class LearningTest {

    static double learn(ImageSet[] d) {
        Model m = Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 1);
        TrainConfig cfg = new TrainConfig(3, 64, 0.05, 0.9, 5e-4, Schedule.ONECYCLE, 30, 1);
        Trainer t = new Trainer(m, cfg);
        for (int e = 0; e < 3; e++) t.trainEpoch(d[0], d[1], null);
        return m.accuracy(d[1], 200);
    }

    /** Separable synthetic images (bright top vs bright bottom): runs everywhere. */
    @Test
    void tinyVggLearnsTwoSyntheticClasses() {
        double after = learn(EngineTestData.twoSyntheticClasses(1000, 300));
        assertTrue(after > 0.75, "accuracy after 3 epochs " + after);
    }

    /** Airplane vs frog from the real set. */
    @Test
    @Tag(RealCifar.TAG)
    void tinyVggLearnsTwoCifarClasses() {
        double after = learn(EngineTestData.twoCifarClasses(2000, 600));
        assertTrue(after > 0.75, "accuracy after 3 epochs " + after);
    }
}
