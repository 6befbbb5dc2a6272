package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

/**
 * The header every coder writes: scheme id (8 bits), bit-width (6 bits: 1..32 stored as b-1),
 * signed flag (1), reserved (1), N (32), zero point (32), number of scales (32), scales (32 each).
 */
final class StreamHeader {

    private StreamHeader() { }

    static long bits(QuantizedTensor t) { return 8 + 6 + 1 + 1 + 32 + 32 + 32 + 32L * t.scales().length; }

    /** Whether the codes are stored as two's complement (some code is negative). */
    static boolean signed(QuantizedTensor t) {
        for (int c : t.codes()) if (c < 0) return true;
        return t.zeroPoint() < 0;
    }

    static void write(BitWriter w, int scheme, QuantizedTensor t, boolean signed) {
        int b = t.bits();
        if (b < 1 || b > 32) throw new IllegalArgumentException("bit-width must be in 1..32, got " + b);
        if (t.scales().length < 1) throw new IllegalArgumentException("a quantized tensor needs at least one scale");
        long lo = signed ? -(1L << (b - 1)) : 0, hi = signed ? (1L << (b - 1)) - 1 : (1L << b) - 1;
        for (int c : t.codes())
            if (c < lo || c > hi) throw new IllegalArgumentException("code " + c + " does not fit in " + b
                    + (signed ? " signed" : " unsigned") + " bits");
        w.write(scheme, 8);
        w.write(b - 1, 6);
        w.write(signed ? 1 : 0, 1);
        w.write(0, 1);
        w.writeInt(t.codes().length);
        w.writeInt(t.zeroPoint());
        w.writeInt(t.scales().length);
        for (float s : t.scales()) w.writeFloat(s);
    }

    record Header(int bits, boolean signed, int n, int zeroPoint, float[] scales) {
        int toCode(long field) {
            return signed ? (int) ((field << (64 - bits)) >> (64 - bits)) : (int) field;
        }
    }

    static Header read(BitReader r, int scheme, String name) {
        int s = (int) r.read(8);
        if (s != scheme) throw new IllegalArgumentException("not a " + name + " stream (scheme id " + s + ")");
        int bits = (int) r.read(6) + 1;
        boolean signed = r.read(1) == 1;
        r.read(1);
        int n = r.readInt(), zp = r.readInt(), ns = r.readInt();
        if (n < 0 || ns < 1 || ns > (1 << 24)) throw new IllegalArgumentException("corrupt " + name + " header");
        float[] scales = new float[ns];
        for (int i = 0; i < ns; i++) scales[i] = r.readFloat();
        return new Header(bits, signed, n, zp, scales);
    }

    static long mask(int bits) { return bits == 64 ? -1L : (1L << bits) - 1; }
}
