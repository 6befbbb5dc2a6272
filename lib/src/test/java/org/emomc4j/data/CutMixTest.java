package org.emomc4j.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CutMixTest {

    static final int N = 6;

    /** Image i's pixel value encodes (image, pixel), so every pixel's origin can be read back. */
    static float[] tagged() {
        float[] f = new float[N * ImageSet.PIXELS];
        for (int i = 0; i < f.length; i++) f[i] = i;
        return f;
    }

    /**
     * Each image keeps its own pixels outside one box and has its partner's inside it, the same
     * box for all; lambda is the fraction of its own pixels; partners are a permutation.
     */
    @Property(tries = 60)
    void boxesComeFromThePartnerAndLambdaIsTheKeptArea(@ForAll long seed, @ForAll @IntRange(min = 0, max = 50) int batch) {
        float[] f = tagged();
        int[] labels = {0, 1, 2, 3, 4, 5};
        CutMix.Mix m = CutMix.apply(f, labels, N, 1.0, seed, 3, batch);
        assertNotNull(m, "p = 1 mixes every batch");
        boolean[] seen = new boolean[N];
        int own = -1;
        for (int i = 0; i < N; i++) {
            assertFalse(seen[m.partner()[i]], "a permutation");
            seen[m.partner()[i]] = true;
            assertEquals(labels[m.partner()[i]], m.partnerLabels()[i]);
            int kept = 0;
            for (int px = 0; px < ImageSet.PIXELS; px++) {
                int from = (int) f[i * ImageSet.PIXELS + px];
                int img = from / ImageSet.PIXELS;
                assertEquals(px, from % ImageSet.PIXELS, "pixels stay in place");
                assertTrue(img == i || img == m.partner()[i]);
                if (img == i) kept++;
            }
            if (m.partner()[i] != i) {
                assertEquals(m.lambda(), (double) kept / ImageSet.PIXELS, 1e-12, "image " + i);
                if (own >= 0) assertEquals(own, kept, "one box for the batch");
                own = kept;
            }
        }
        assertTrue(m.lambda() > 0 && m.lambda() <= 1, "lambda " + m.lambda());
    }

    @Test
    void theDrawsArePureAndFollowTheProbability() {
        float[] a = tagged(), b = tagged();
        int[] labels = {0, 1, 2, 3, 4, 5};
        CutMix.Mix x = CutMix.apply(a, labels, N, 1.0, 7, 2, 9), y = CutMix.apply(b, labels, N, 1.0, 7, 2, 9);
        assertArrayEquals(a, b, "same seed, epoch and batch: the same mix");
        assertArrayEquals(x.partner(), y.partner());
        assertNull(CutMix.apply(tagged(), labels, N, 0.0, 7, 2, 9), "p = 0 never mixes");
        int mixed = 0;
        for (int batch = 0; batch < 400; batch++) if (CutMix.apply(tagged(), labels, N, 0.5, 7, 2, batch) != null) mixed++;
        assertTrue(mixed > 150 && mixed < 250, "about half of 400 batches mixed at p = 0.5: " + mixed);
    }
}
