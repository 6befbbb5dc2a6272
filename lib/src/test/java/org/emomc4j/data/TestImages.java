package org.emomc4j.data;

import java.util.Random;

/** Small synthetic image sets for tests. */
final class TestImages {
    private TestImages() { }

    /** n images with labels cycling 0..9 (balanced when n is a multiple of 10), random pixels. */
    static ImageSet balanced(int n, long seed) {
        Random r = new Random(seed);
        byte[] p = new byte[n * ImageSet.PIXELS];
        r.nextBytes(p);
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) l[i] = (byte) (i % 10);
        return new ImageSet(p, l);
    }
}
