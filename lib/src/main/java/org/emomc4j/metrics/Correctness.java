package org.emomc4j.metrics;

import java.util.Arrays;
import java.util.Base64;

/**
 * Which images of a fixed image set one network classified correctly: one bit per image,
 * bit-packed (5,000 validation images take 625 bytes). Two networks scored on the same images
 * give a paired accuracy loss ({@link PairedLoss}), which is what the paper's "accuracy loss"
 * compares.
 *
 * <p>Text form ({@link #encode}): the bits as bytes, image i in bit (i mod 8) of byte i / 8
 * (least significant bit first, as {@link java.util.BitSet#toByteArray}), padded with zero bits
 * to whole bytes, in Base64 (RFC 4648, no line breaks). The image count is stored beside it.
 */
public final class Correctness {
    private final int images;
    private final long[] words;

    private Correctness(int images, long[] words) {
        this.images = images;
        this.words = words;
    }

    /** From one flag per image. */
    public static Correctness of(boolean[] correct) {
        long[] w = new long[(correct.length + 63) / 64];
        for (int i = 0; i < correct.length; i++) if (correct[i]) w[i >>> 6] |= 1L << (i & 63);
        return new Correctness(correct.length, w);
    }

    /** From predicted and true labels (same length). */
    public static Correctness of(int[] predicted, int[] labels) {
        if (predicted.length != labels.length)
            throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        boolean[] c = new boolean[labels.length];
        for (int i = 0; i < c.length; i++) c[i] = predicted[i] == labels[i];
        return of(c);
    }

    public int images() { return images; }

    public boolean correct(int image) {
        if (image < 0 || image >= images) throw new IndexOutOfBoundsException("image " + image + " of " + images);
        return (words[image >>> 6] >>> (image & 63) & 1L) != 0;
    }

    /** Images classified correctly. */
    public int count() {
        int n = 0;
        for (long w : words) n += Long.bitCount(w);
        return n;
    }

    /** Top-1 accuracy: {@link #count} / {@link #images} (0 for an empty set). */
    public double accuracy() { return images == 0 ? 0 : (double) count() / images; }

    /** The first {@code n} images' bits (the slice a raced candidate is scored on first). */
    public Correctness prefix(int n) {
        if (n < 0 || n > images) throw new IllegalArgumentException("prefix of " + n + " images of " + images);
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) b[i] = correct(i);
        return of(b);
    }

    /** These images followed by {@code rest}'s: the correctness on a set scored in two consecutive parts. */
    public Correctness concat(Correctness rest) {
        boolean[] b = new boolean[images + rest.images];
        for (int i = 0; i < images; i++) b[i] = correct(i);
        for (int i = 0; i < rest.images; i++) b[images + i] = rest.correct(i);
        return of(b);
    }

    /** Images this network got right and {@code other} wrong (the same image set). */
    public int rightWhereWrong(Correctness other) {
        requireSameImages(other);
        int n = 0;
        for (int i = 0; i < words.length; i++) n += Long.bitCount(words[i] & ~other.words[i]);
        return n;
    }

    void requireSameImages(Correctness other) {
        if (other.images != images)
            throw new IllegalArgumentException("paired scores need the same images: " + images + " vs " + other.images);
    }

    /** The bits in the documented text form (see the class comment). */
    public String encode() {
        byte[] b = new byte[(images + 7) / 8];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (words[i >>> 3] >>> (8 * (i & 7)));
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Reads {@link #encode}'s form.
     *
     * @throws IllegalArgumentException when the text is not Base64 of exactly ceil(images / 8)
     *                                  bytes with zero padding bits
     */
    public static Correctness decode(String text, int images) {
        if (images < 0) throw new IllegalArgumentException("negative image count " + images);
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("per-image correctness is not Base64: " + e.getMessage());
        }
        if (b.length != (images + 7) / 8)
            throw new IllegalArgumentException("per-image correctness of " + images + " images needs " + (images + 7) / 8
                    + " bytes, got " + b.length);
        long[] w = new long[(images + 63) / 64];
        for (int i = 0; i < b.length; i++) w[i >>> 3] |= (b[i] & 0xFFL) << (8 * (i & 7));
        if (images % 64 != 0 && w.length > 0 && (w[w.length - 1] >>> (images % 64)) != 0)
            throw new IllegalArgumentException("per-image correctness has bits set beyond image " + images);
        return new Correctness(images, w);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Correctness c && c.images == images && Arrays.equals(c.words, words);
    }

    @Override
    public int hashCode() { return 31 * images + Arrays.hashCode(words); }

    @Override
    public String toString() { return count() + "/" + images + " correct"; }
}
