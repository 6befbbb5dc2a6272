package org.emomc4j.nn;

import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny VGG-16 (width 1/16) learns a two-class CIFAR-10 slice well above chance in a few epochs. */
class LearningTest {

    @Test
    void tinyVggLearnsTwoClasses() {
        ImageSet[] d = EngineTestData.twoClass(2000, 600);
        Model m = Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 1);
        double before = m.accuracy(d[1], 200);
        TrainConfig cfg = new TrainConfig(3, 64, 0.05, 0.9, 5e-4, Schedule.ONECYCLE, 30, 1);
        Trainer t = new Trainer(m, cfg);
        for (int e = 0; e < 3; e++) {
            Trainer.EpochResult r = t.trainEpoch(d[0], d[1], null);
            System.out.printf("epoch %d loss %.4f train %.3f test %.3f%n", r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valAccuracy());
        }
        double after = m.accuracy(d[1], 200);
        System.out.println("two-class accuracy before " + before + " after " + after);
        assertTrue(after > 0.75, "accuracy after 3 epochs " + after);
    }
}
