package org.emomc4j.nn;

import org.emomc4j.data.Cifar10;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.RealCifar;

import java.util.Random;

/** Small data sets for engine tests: a two-class slice of the real CIFAR-10, or separable synthetic images. */
final class EngineTestData {

    private EngineTestData() { }

    /** {train, test} of two real classes (airplane vs frog); skips the test without the data (see {@link RealCifar}). */
    static ImageSet[] twoCifarClasses(int train, int test) {
        Cifar10 c = Cifar10.load(RealCifar.dir());
        return new ImageSet[]{c.officialTrain().classes(0, 6).head(train), c.test().classes(0, 6).head(test)};
    }

    /** {train, test} of two synthetic classes of the same shape. */
    static ImageSet[] twoSyntheticClasses(int train, int test) {
        return new ImageSet[]{synthetic(train, 1), synthetic(test, 2)};
    }

    /** Class 0: bright top half; class 1: bright bottom half; plus noise. */
    static ImageSet synthetic(int n, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * ImageSet.PIXELS];
        byte[] lab = new byte[n];
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(2);
            lab[i] = (byte) y;
            for (int p = 0; p < ImageSet.PIXELS; p++) {
                int row = p / (ImageSet.SIDE * 3);
                boolean bright = (row < 16) == (y == 0);
                px[i * ImageSet.PIXELS + p] = (byte) Math.min(255, (bright ? 150 : 60) + r.nextInt(80));
            }
        }
        return new ImageSet(px, lab);
    }
}
