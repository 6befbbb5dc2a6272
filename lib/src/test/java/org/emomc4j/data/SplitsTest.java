package org.emomc4j.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SplitsTest {

    private static Set<String> fingerprints(ImageSet s) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            byte[] img = Arrays.copyOfRange(s.rawPixels(), i * ImageSet.PIXELS, (i + 1) * ImageSet.PIXELS);
            out.add(Arrays.hashCode(img) + ":" + s.label(i));
        }
        return out;
    }

    @Test
    void splitIsBalancedDisjointCompleteAndSeeded() {
        ImageSet train = TestImages.balanced(1000, 5);
        Splits a = Splits.of(train, TestImages.balanced(10, 6), 200, 42);
        assertEquals(800, a.train().size());
        assertEquals(200, a.val().size());
        for (int c : a.val().classCounts()) assertEquals(20, c);
        for (int c : a.train().classCounts()) assertEquals(80, c);
        Set<String> tr = fingerprints(a.train()), va = fingerprints(a.val());
        Set<String> inter = new HashSet<>(tr);
        inter.retainAll(va);
        assertTrue(inter.isEmpty(), "train and val overlap");
        Set<String> all = new HashSet<>(tr);
        all.addAll(va);
        assertEquals(fingerprints(train), all);

        Splits same = Splits.of(train, TestImages.balanced(10, 6), 200, 42);
        assertArrayEquals(a.val().rawPixels(), same.val().rawPixels());
        Splits other = Splits.of(train, TestImages.balanced(10, 6), 200, 43);
        assertFalse(Arrays.equals(a.val().rawPixels(), other.val().rawPixels()));
    }

    @Test
    void badValidationSizeIsRefused() {
        ImageSet train = TestImages.balanced(100, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.of(train, train, 15, 1));
        assertTrue(e.getMessage().contains("15"));
        assertThrows(IllegalArgumentException.class, () -> Splits.of(train, train, 100, 1));
    }

    @Test
    void classSliceRelabels() {
        ImageSet s = TestImages.balanced(100, 7).classes(3, 5);
        assertEquals(20, s.size());
        int[] c = s.classCounts();
        assertEquals(10, c[0]);
        assertEquals(10, c[1]);
        assertEquals(0, c[2]);
    }

    @Test
    void getByNameAndUnknownSplit() {
        ImageSet train = TestImages.balanced(100, 5);
        Splits s = Splits.of(train, TestImages.balanced(20, 6), 20, 1);
        assertSame(s.test(), s.get("test"));
        assertSame(s.val(), s.get("val"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.get("tset"));
        assertTrue(e.getMessage().contains("tset"));
    }
}
