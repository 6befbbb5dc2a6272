package org.emomc4j.compress.coding;

/** Reads bit fields written by {@link BitWriter}. */
final class BitReader {
    private final byte[] buf;
    private int next;      // next byte to load
    private long acc;      // loaded bits, right-aligned
    private int avail;

    BitReader(byte[] buf) { this.buf = buf; }

    /** Reads {@code width} (0..32) bits as an unsigned value. */
    long read(int width) {
        if (width == 0) return 0;
        while (avail < width) {
            if (next >= buf.length) throw new IllegalArgumentException("stream ends early: truncated or not this scheme");
            acc = (acc << 8) | (buf[next++] & 0xff);
            avail += 8;
        }
        avail -= width;
        long v = (acc >>> avail) & ((1L << width) - 1);
        acc &= (1L << avail) - 1;
        return v;
    }

    int readBit() { return (int) read(1); }

    int readInt() { return (int) read(32); }

    float readFloat() { return Float.intBitsToFloat(readInt()); }
}
