package org.emomc4j.data;

/**
 * Per-channel normalisation of the reference (the pytorch-cifar constants its code uses):
 * x = (pixel/255 - mean[c]) / std[c].
 */
public final class Normalization {
    public static final float[] MEAN = {0.4914f, 0.4822f, 0.4465f};
    public static final float[] STD = {0.2023f, 0.1994f, 0.2010f};

    private Normalization() { }

    /** Lookup table: normalised value of byte v in channel c is {@code TABLE[c][v]}. */
    static final float[][] TABLE = new float[3][256];

    static {
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) TABLE[c][v] = (v / 255f - MEAN[c]) / STD[c];
    }

    public static float normalise(int value, int channel) { return TABLE[channel][value & 0xff]; }
}
