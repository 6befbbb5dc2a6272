package org.emomc4j.compress.prune;

/**
 * Magnitude ranking shared by the pruners: every weight gets a 64-bit key, |w| in the high 32
 * bits (a non-negative float's bits order like the float) and its position in the low 32 bits,
 * so sorting or selecting keys ranks by |w| and breaks ties by position (lower position pruned
 * first): deterministic for any input. NaN ranks above every number (never pruned first).
 */
final class Magnitude {

    private Magnitude() { }

    static long key(float w, long position) {
        int bits = Float.floatToRawIntBits(w) & 0x7fffffff;
        if (bits > 0x7f800000) bits = 0x7fffffff; // every NaN ranks last
        return ((long) bits << 32) | position;
    }

    static long[] keys(float[] w) {
        long[] k = new long[w.length];
        for (int i = 0; i < w.length; i++) k[i] = key(w[i], i);
        return k;
    }

    /** Position part of a key. */
    static int position(long key) {
        return (int) (key & 0xffffffffL);
    }

    /**
     * Reorders {@code a} so that its {@code k} smallest keys occupy a[0..k) (in no order), by
     * iterative quickselect with median-of-three pivots: O(n) on average, no allocation.
     */
    static void selectSmallest(long[] a, int k) {
        int lo = 0, hi = a.length - 1;
        if (k <= 0 || k >= a.length) return;
        int target = k - 1; // a[target] becomes the k-th smallest
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < a[lo]) swap(a, mid, lo);
            if (a[hi] < a[lo]) swap(a, hi, lo);
            if (a[hi] < a[mid]) swap(a, hi, mid);
            long pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { swap(a, i, j); i++; j--; }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return;
        }
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i]; a[i] = a[j]; a[j] = t;
    }
}
