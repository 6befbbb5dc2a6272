package org.emomc4j.compress.quant;

/**
 * A quantized weight tensor: integer codes plus what turns them back into values,
 * value_i = (codes_i - zeroPoint) * scales[channel(i)], with channel(i) = i % scales.length
 * (the output-channel axis is last in the engine's layout). Symmetric quantizers have zero point
 * 0 and signed codes in [-(2^(b-1)-1), 2^(b-1)-1]; asymmetric ones unsigned codes in [0, 2^b-1].
 * A code equal to the zero point is an exact zero (what pruning left), so sparse coders skip it.
 *
 * @param codes     integer code of every weight
 * @param bits      bit-width b of a code
 * @param scales    step per channel (length 1 for per-tensor)
 * @param zeroPoint code of the value 0
 */
public record QuantizedTensor(int[] codes, int bits, float[] scales, int zeroPoint) {

    /** The real values, as float. */
    public float[] dequantize() {
        float[] out = new float[codes.length];
        int c = scales.length;
        for (int i = 0; i < out.length; i++) out[i] = (float) ((codes[i] - zeroPoint) * (double) scales[i % c]);
        return out;
    }

    /** Codes relative to the zero point (0 = zero weight), the integers the coders store. */
    public int[] centeredCodes() {
        int[] out = new int[codes.length];
        for (int i = 0; i < out.length; i++) out[i] = codes[i] - zeroPoint;
        return out;
    }

    /** Number of weights whose value is not zero. */
    public int nonZeros() {
        int n = 0;
        for (int c : codes) if (c != zeroPoint) n++;
        return n;
    }

    /** Equal when codes, bit-width, scales (bitwise) and zero point are equal: what a coder must round-trip. */
    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedTensor t && bits == t.bits && zeroPoint == t.zeroPoint
                && java.util.Arrays.equals(codes, t.codes) && java.util.Arrays.equals(scales, t.scales);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(bits, zeroPoint, java.util.Arrays.hashCode(codes), java.util.Arrays.hashCode(scales));
    }

    @Override
    public String toString() {
        return "QuantizedTensor{n=" + codes.length + ", bits=" + bits + ", scales=" + scales.length + ", zeroPoint=" + zeroPoint
                + ", nonZeros=" + nonZeros() + "}";
    }
}
