package org.emomc4j.compress.coding;

import java.util.Arrays;

/** Appends bit fields, most significant bit first, to a growing byte array. */
final class BitWriter {
    private byte[] buf;
    private int bytes;
    private long acc;   // pending bits, right-aligned
    private int pending;

    BitWriter(int expectedBytes) {
        buf = new byte[Math.max(16, expectedBytes)];
    }

    /** Writes the low {@code width} (0..32) bits of {@code value}. */
    void write(long value, int width) {
        if (width == 0) return;
        acc = (acc << width) | (value & ((1L << width) - 1));
        pending += width;
        while (pending >= 8) {
            pending -= 8;
            if (bytes == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            buf[bytes++] = (byte) (acc >>> pending);
        }
    }

    void writeInt(int v) { write(v & 0xffffffffL, 32); }

    void writeFloat(float f) { writeInt(Float.floatToRawIntBits(f)); }

    /** Bits written so far. */
    long bitCount() { return bytes * 8L + pending; }

    /** The stream, zero-padded to a whole byte. */
    byte[] toByteArray() {
        if (pending > 0) {
            if (bytes == buf.length) buf = Arrays.copyOf(buf, buf.length + 1);
            buf[bytes++] = (byte) (acc << (8 - pending));
            pending = 0;
        }
        return Arrays.copyOf(buf, bytes);
    }
}
