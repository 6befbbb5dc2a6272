package org.emomc4j.compress.coding;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The closed-form break-even points of the coding schemes (docs/method.md, "Break-evens"). */
class BreakEvenTest {

    static final Coding[] SPARSE = {Coding.CSR, Coding.COO, Coding.BITMAP};

    @Property
    void sizesAreEqualAtTheBreakEvenAndTheOrderFlipsAcrossIt(@ForAll @LongRange(min = 16, max = 5_000_000) long n,
                                                             @ForAll @IntRange(min = 2, max = 12) int b) {
        for (Coding c : SPARSE) {
            double r = c.breakEvenWithDense(n, b);
            assertTrue(r > 0 && r < 1, c + " at N=" + n + ", b=" + b + ": " + r);
            double sparse = c.closedFormBits(n, r, b), dense = Coding.DENSE.closedFormBits(n, r, b);
            assertEquals(dense, sparse, 1e-9 * dense, c + " at its break-even r=" + r);
            double below = Math.max(0, r - 1e-3), above = Math.min(1, r + 1e-3);
            assertTrue(c.closedFormBits(n, below, b) < Coding.DENSE.closedFormBits(n, below, b), c + " smaller below " + r);
            assertTrue(c.closedFormBits(n, above, b) > Coding.DENSE.closedFormBits(n, above, b), c + " larger above " + r);
        }
    }

    @Property
    void closedFormEqualsTheBisectionOnTheSizes(@ForAll @LongRange(min = 16, max = 5_000_000) long n,
                                               @ForAll @IntRange(min = 2, max = 12) int b) {
        for (Coding c : SPARSE) {
            double lo = 0, hi = 1;   // sparse < dense on [0, r*), monotone in r
            for (int it = 0; it < 60; it++) {
                double mid = (lo + hi) / 2;
                if (c.closedFormBits(n, mid, b) < Coding.DENSE.closedFormBits(n, mid, b)) lo = mid; else hi = mid;
            }
            assertEquals(lo, c.breakEvenWithDense(n, b), 1e-12, c + " N=" + n + " b=" + b);
        }
    }

    @Test
    void knownValuesFromTheMethodPage() {
        long conv = 2_359_296;   // VGG-16's largest layer, log2 N = 21.17
        assertEquals(4.0 / 7, Coding.CSR.breakEvenWithDense(conv, 4), 1e-15);
        assertEquals(8.0 / 11, Coding.CSR.breakEvenWithDense(conv, 8), 1e-15);
        assertEquals(4.0 / 25, Coding.COO.breakEvenWithDense(conv, 4), 1e-15);
        assertEquals(12.0 / 33, Coding.COO.breakEvenWithDense(conv, 12), 1e-15);
        assertEquals(7.0 / 8, Coding.BITMAP.breakEvenWithDense(conv, 8), 1e-15);
    }

    @Test
    void csrAgainstCooHasNoCrossingInsideTheUnitInterval() {
        // both lines go through 0, so they meet only at r = 0: CSR is smaller for every r > 0 once log2 N >= 3.5
        assertEquals(0.0, Coding.CSR.breakEven(Coding.COO, 4096, 6), 1e-15);
        assertTrue(Double.isNaN(Coding.CSR.breakEven(Coding.CSR, 4096, 6)));
        assertThrows(IllegalArgumentException.class, () -> Coding.DENSE.breakEvenWithDense(4096, 6));
    }
}
