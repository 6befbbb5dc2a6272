package org.emomc4j.nn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;

/**
 * oneDNN (the {@code org.bytedeco:dnnl} presets, v2.5) as the engine's low-precision kernels: one
 * CPU engine and one in-order stream per process, plus helpers between oneDNN memory and Java
 * arrays. ND4J bundles its own oneDNN (v2.3) for its fp32 ops; the two libraries have different
 * sonames and coexist in one JVM (tested by {@code DnnlConvTest}).
 *
 * <p>Every execution waits for the stream: the callers read results from Java right after.
 */
final class Dnnl {

    private Dnnl() { }

    private static final class Holder {
        static final engine ENGINE = new engine(engine.kind.cpu, 0);
        static final stream STREAM = new stream(ENGINE);
    }

    static engine engine() { return Holder.ENGINE; }

    static stream stream() { return Holder.STREAM; }

    /** Whether oneDNN runs on AMX tiles on this CPU (its effective ISA includes avx512_core_amx). */
    static boolean amx() {
        int amx = org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_amx;
        return (org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa() & amx) == amx;
    }

    /** Runs a primitive and waits for it. */
    static synchronized void run(primitive p, IntMemoryMap args) {
        p.execute(Holder.STREAM, args);
        Holder.STREAM._wait();
    }

    /** An NHWC activation descriptor (oneDNN's logical dims are always N, C, H, W). */
    static memory.desc nhwc(long n, long c, long h, long w, memory.data_type t) {
        return new memory.desc(new long[]{n, c, h, w}, t, memory.format_tag.nhwc);
    }

    static memory.desc vector(long len, memory.data_type t) {
        return new memory.desc(new long[]{len}, t, memory.format_tag.x);
    }

    /** Bytes per element of a type. */
    static long bytes(memory.data_type t) {
        if (t == memory.data_type.f32 || t == memory.data_type.s32) return 4;
        if (t == memory.data_type.bf16 || t == memory.data_type.f16) return 2;
        if (t == memory.data_type.s8 || t == memory.data_type.u8) return 1;
        throw new IllegalArgumentException("no element size for " + t);
    }

    /**
     * Another description (e.g. a [rows, c] matrix) over a memory's bytes, remade only when the
     * memory's buffer moves: a batch's buffers are reused call after call.
     */
    static final class View {
        private final memory.desc desc;
        private memory view;
        private long at;

        View(memory.desc desc) { this.desc = desc; }

        memory.desc desc() { return desc; }

        memory over(memory m) {
            long a = m.get_data_handle().address();
            if (view == null || at != a) { view = new memory(desc, engine(), m.get_data_handle()); at = a; }
            return view;
        }
    }

    /** A dense row-major [r, c] matrix. */
    static memory.desc rowMajor(long r, long c, memory.data_type t) {
        return new memory.desc(new long[]{r, c}, t, memory.format_tag.ab);
    }

    /** C = A B on this engine. */
    static org.bytedeco.dnnl.matmul.primitive_desc matmul(memory.desc a, memory.desc b, memory.desc c) {
        return matmul(a, b, null, c, null);
    }

    /** C = A B on this engine, with optional bias (null for none) and attributes (null for none). */
    static org.bytedeco.dnnl.matmul.primitive_desc matmul(memory.desc a, memory.desc b, memory.desc bias, memory.desc c,
                                                          org.bytedeco.dnnl.primitive_attr attr) {
        org.bytedeco.dnnl.matmul.desc md = bias == null ? new org.bytedeco.dnnl.matmul.desc(a, b, c)
                : new org.bytedeco.dnnl.matmul.desc(a, b, bias, c);
        return attr == null ? new org.bytedeco.dnnl.matmul.primitive_desc(md, engine())
                : new org.bytedeco.dnnl.matmul.primitive_desc(md, attr, engine());
    }

    static memory alloc(memory.desc d) {
        return new memory(d, Holder.ENGINE);
    }

    /** Copies {@code src} into {@code dst} converting layout/type, with an optional output scale. */
    static void reorder(memory src, memory dst, float scale) {
        new Reorder(src, dst, scale).run();
    }

    /**
     * A reorder built once and run many times (per batch): building one costs as much as
     * running it on a small tensor. dst = saturate(round_half_even(scale * src)) for integer dst.
     */
    static final class Reorder {
        private final reorder prim;
        private final IntMemoryMap args = new IntMemoryMap();

        Reorder(memory src, memory dst, float scale) {
            primitive_attr attr = new primitive_attr();
            if (scale != 1f) attr.set_output_scales(0, new float[]{scale});
            prim = new reorder(new reorder.primitive_desc(src, dst, attr, false));
            args.put(org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM, src);
            args.put(org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO, dst);
        }

        void run() { Dnnl.run(prim, args); }
    }

    /**
     * A strided copy (a reorder, which may also convert the type) between a region of a buffer
     * that can move from call to call (a batch's activations) and a fixed memory. The region's
     * memory object is re-pointed only when the buffer moves: a batch's buffers are usually the
     * same call after call.
     */
    static final class RegionCopy {
        private final memory region;
        private final long offset;
        private final Reorder copy;
        private long at;

        /**
         * @param region      the region's descriptor (dims and strides within the buffer)
         * @param offsetBytes where the region starts in the buffer
         * @param fixed       the other side
         * @param fromRegion  whether the region is the source (else the destination)
         */
        RegionCopy(memory.desc region, long offsetBytes, memory fixed, boolean fromRegion) {
            this.region = new memory(region, engine(), (org.bytedeco.javacpp.Pointer) null);
            this.offset = offsetBytes;
            this.copy = fromRegion ? new Reorder(this.region, fixed, 1f) : new Reorder(fixed, this.region, 1f);
        }

        void run(org.bytedeco.javacpp.Pointer buffer) {
            long a = buffer.address() + buffer.position();
            if (a != at) {
                region.set_data_handle(new BytePointer(buffer).position(buffer.position() + offset));
                at = a;
            }
            copy.run();
        }
    }

    /** Writes floats into an f32 memory. */
    static void write(memory m, float[] v, int len) {
        new FloatPointer(m.get_data_handle()).capacity(len).put(v, 0, len);
    }

    static void read(memory m, float[] v, int len) {
        new FloatPointer(m.get_data_handle()).capacity(len).get(v, 0, len);
    }

    static void readInts(memory m, int[] v, int len) {
        new IntPointer(m.get_data_handle()).capacity(len).get(v, 0, len);
    }

    /** Reads a u8 memory as ints 0..255. */
    static void readU8(memory m, int[] v, int len) {
        BytePointer p = new BytePointer(m.get_data_handle()).capacity(len);
        byte[] b = new byte[len];
        p.get(b, 0, len);
        for (int i = 0; i < len; i++) v[i] = b[i] & 0xff;
    }

    /** Writes bytes (s8 or u8 codes) into a memory. */
    static void writeBytes(memory m, byte[] v, int len) {
        new BytePointer(m.get_data_handle()).capacity(len).put(v, 0, len);
    }

    /** Reads a bf16 memory as floats (bf16 is the upper half of an fp32). */
    static void readBf16(memory m, float[] v, int len) {
        ShortPointer p = new ShortPointer(m.get_data_handle()).capacity(len);
        short[] s = new short[len];
        p.get(s, 0, len);
        for (int i = 0; i < len; i++) v[i] = Float.intBitsToFloat((s[i] & 0xffff) << 16);
    }

    /**
     * The largest value of a bf16 memory of non-negative values (post-ReLU activations), 0 for none:
     * read in blocks, compared as bit patterns (monotonic for non-negative floats; a -0 counts as 0).
     */
    static double maxBf16(memory m, long len) {
        ShortPointer p = new ShortPointer(m.get_data_handle()).capacity(len);
        short[] s = new short[(int) Math.min(len, 1 << 20)];
        int best = 0;
        for (long at = 0; at < len; at += s.length) {
            int k = (int) Math.min(s.length, len - at);
            p.position(at).get(s, 0, k);
            for (int i = 0; i < k; i++) {
                int b = s[i] & 0xffff;
                if (b > best && b < 0x8000) best = b;
            }
        }
        return Float.intBitsToFloat(best << 16);
    }

    /** The fp32 value nearest to bf16 rounding (round to nearest even) of {@code x}: what oneDNN stores. */
    static float toBf16(float x) {
        int b = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) return x;
        int lsb = (b >>> 16) & 1;
        b += 0x7fff + lsb;
        return Float.intBitsToFloat(b & 0xffff0000);
    }
}
