package org.emomc4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;

import java.util.HashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One convolution layer (stride 1, "same" padding k/2, groups 1) on oneDNN at a fixed precision:
 * NHWC activations of type {@code src}/{@code dst}, weights of type {@code wei} in the layout
 * oneDNN picks ({@code format_tag.any}). The primitive is built once per batch size; the weights
 * are reordered into its layout once per {@link #setWeights} (the "weight version") for all batch
 * sizes whose primitives chose the same layout, not per call.
 *
 * <p>Optional per-output-channel scales and bias follow oneDNN 2.x semantics,
 * {@code dst = relu?(scale[c] * (acc + bias[c]))} with {@code acc} the exact integer (int8) or
 * fp32 (f32/bf16) sum of products. oneDNN 2.5's convolutions take output scales only at primitive
 * creation (runtime scales are matmul/reorder only), so a new weight version builds a new int8
 * primitive (oneDNN's kernel cache keeps that cheap); bf16 and f32 take them as a post-op tensor. Types: f32 x f32 -> f32; bf16 x bf16 -> bf16 or f32 (fp32 accumulation);
 * u8 or s8 x s8 -> s32, f32 or u8 (int32 accumulation, dst rounded to nearest even and saturated).
 */
final class DnnlConv {

    private final int h, w, ic, oc, k;
    private final memory.data_type src, wei, dst;
    private final boolean relu, scaled, integer;
    /**
     * How a bf16 layer runs when oneDNN 2.5's convolution is slow on its map (measured on this CPU,
     * AMX, batch 128: the 512-channel layers ran at about 240 GFLOP/s on 2x2 maps and 830 on 4x4,
     * where 8x8 ones run at 2.2 TFLOP/s; together half of a width-1 candidate's scoring time), as a
     * matrix product, which AMX runs at 1-3 TFLOP/s. The same sums in another order (fp32
     * accumulation either way). The int8 path's output scales and the fp32 reference stay on the
     * convolution.
     */
    enum Mode {
        /** oneDNN's convolution. */
        CONV,
        /**
         * The map is so small that the kernel window, wherever it is centred, covers every input
         * pixel (h, w <= k/2 + 1: VGG-16's 2x2 layers on CIFAR): one dense product
         * [n, h w ic] x [h w ic, h w oc] whose weight matrix holds each tap where an (input, output)
         * pixel pair meets it ({@link #denseWeights}); about 8x faster than the convolution there.
         */
        DENSE,
        /**
         * Maps of at most 16 pixels (4x4): per part of the map whose pixels keep the same taps
         * inside it ({@link DnnlPatchClasses}; inner pixels, each edge, each corner), the part's
         * patches [n pixels, taps ic] (strided oneDNN copies) times its taps' rows of the HWIO
         * weights, copied into the part's pixels. No product multiplies padding: on 4x4 a third
         * fewer than one zero-padded [n h w, k k ic] patch matrix (which training uses on CPUs with AMX).
         */
        PATCHES
    }

    private final Mode mode;
    /** Fewest input and output channels for which a small map runs as a product ({@link Mode}). */
    static final int WIDE = 256;
    /** The largest map (pixels) that runs as matrix products ({@link #smallMapProducts}). */
    static final int PRODUCT_PIXELS = 16;
    private final Map<Integer, Prim> prims = new HashMap<>();
    private final java.util.List<Packed> packed = new java.util.ArrayList<>();
    private float[] weights, bias, scales;
    private long version;

    /**
     * The primitives for one batch size: oneDNN's convolution, the dense product, or the parts'
     * products with their patch matrices and copies (PATCHES). Built once per batch size: the
     * bf16 and f32 kernels take the scales as a post-op tensor, so a new weight version only
     * packs the weights again ({@link Packed}); int8 convolutions, which oneDNN 2.5 gives output
     * scales only at creation, are built again for each version.
     */
    private final class Prim {
        final org.bytedeco.dnnl.primitive[] kernels;
        /** The weight version the kernels were built for if they bake it in (int8 scales), else -1. */
        final long bakedVersion;
        final Packed weights;
        /** DENSE: the [rows, c] views of the NHWC source and destination (same bytes). */
        final Dnnl.View srcRows, dstRows;
        /** PATCHES: the parts' patch matrices, products and copies, and each part's arguments. */
        final DnnlPatchClasses patches;
        final IntMemoryMap[] partArgs;

        Prim(int n) {
            memory.desc[] layouts;
            if (mode == Mode.PATCHES) {
                patches = new DnnlPatchClasses(n, h, w, ic, oc, k, src, dst);
                int count = patches.parts.size();
                kernels = new org.bytedeco.dnnl.primitive[count];
                layouts = new memory.desc[count];
                memory.desc row = Dnnl.rowMajor(1, oc, memory.data_type.f32);
                for (int i = 0; i < count; i++) {
                    DnnlPatchClasses.Part part = patches.parts.get(i);
                    long rows = (long) n * part.pixels(), kIn = (long) part.taps() * ic;
                    memory.desc wd = new memory.desc(new long[]{kIn, oc}, wei, memory.format_tag.any);
                    org.bytedeco.dnnl.matmul.primitive_desc pd = Dnnl.matmul(Dnnl.rowMajor(rows, kIn, src), wd, row,
                            Dnnl.rowMajor(rows, oc, dst), productAttr(row));
                    kernels[i] = new org.bytedeco.dnnl.matmul(pd);
                    layouts[i] = pd.weights_desc();
                }
                srcRows = null;
                dstRows = null;
                bakedVersion = -1;
            } else if (mode == Mode.DENSE) {
                int kIn = h * w * ic, kOut = h * w * oc;
                srcRows = new Dnnl.View(Dnnl.rowMajor(n, kIn, src));
                dstRows = new Dnnl.View(Dnnl.rowMajor(n, kOut, dst));
                memory.desc wd = new memory.desc(new long[]{kIn, kOut}, wei, memory.format_tag.any);
                memory.desc row = Dnnl.rowMajor(1, kOut, memory.data_type.f32);
                org.bytedeco.dnnl.matmul.primitive_desc pd = Dnnl.matmul(srcRows.desc(), wd, row, dstRows.desc(), productAttr(row));
                kernels = new org.bytedeco.dnnl.primitive[]{new org.bytedeco.dnnl.matmul(pd)};
                layouts = new memory.desc[]{pd.weights_desc()};
                patches = null;
                bakedVersion = -1;
            } else {
                convolution_forward.primitive_desc pd = convolution(n);
                kernels = new org.bytedeco.dnnl.primitive[]{new convolution_forward(pd)};
                layouts = new memory.desc[]{pd.weights_desc()};
                srcRows = null;
                dstRows = null;
                patches = null;
                bakedVersion = scaled && integer ? version : -1;
            }
            weights = packed.stream().filter(p -> p.fits(layouts)).findFirst().orElseGet(() -> {
                Packed p = new Packed(layouts);
                packed.add(p);
                return p;
            });
            partArgs = patches == null ? null : new IntMemoryMap[kernels.length];
            for (int i = 0; partArgs != null && i < kernels.length; i++) {
                partArgs[i] = weights.args(patches.patches[i], patches.products[i], i);
            }
        }

        void forward(memory srcMem, memory dstMem) {
            weights.load(patches);
            if (patches != null) {
                // Each part's patches times its taps' weights into its own buffer, then into its pixels.
                patches.fill(srcMem.get_data_handle());
                for (int i = 0; i < kernels.length; i++) Dnnl.run(kernels[i], partArgs[i]);
                patches.scatter(dstMem.get_data_handle());
                return;
            }
            // The dense product reads and writes the NHWC bytes through [rows, c] views.
            Dnnl.run(kernels[0], weights.args(srcRows == null ? srcMem : srcRows.over(srcMem),
                    dstRows == null ? dstMem : dstRows.over(dstMem), 0));
        }
    }

    /** oneDNN's convolution for a batch of n, with the scales (int8: baked in; else a post-op tensor) and ReLU. */
    private convolution_forward.primitive_desc convolution(int n) {
        memory.desc wd = new memory.desc(new long[]{oc, ic, k, k}, wei, memory.format_tag.any);
        long[] stride = {1, 1}, pad = {k / 2, k / 2};
        convolution_forward.desc d = new convolution_forward.desc(prop_kind.forward_inference, algorithm.convolution_direct,
                Dnnl.nhwc(n, ic, h, w, src), wd, Dnnl.vector(oc, memory.data_type.f32), Dnnl.nhwc(n, oc, h, w, dst),
                stride, pad, pad);
        primitive_attr attr = new primitive_attr();
        post_ops po = new post_ops();
        // Per-channel output scales exist only for int8 convolutions in oneDNN 2.5; f32 and
        // bf16 ones multiply by a per-channel tensor in a binary post-op instead (same formula).
        if (scaled && integer) attr.set_output_scales(1 << 1, scales);
        if (scaled && !integer) po.append_binary(algorithm.binary_mul, Dnnl.nhwc(1, oc, 1, 1, memory.data_type.f32));
        if (relu) po.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
        if (po.len() > 0) attr.set_post_ops(po);
        try {
            return new convolution_forward.primitive_desc(d, attr, Dnnl.engine());
        } catch (RuntimeException e) {
            throw new UnsupportedOperationException("oneDNN has no " + src + " x " + wei + " -> " + dst
                    + " convolution for " + ic + "->" + oc + " channels on " + h + "x" + w + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The weights packed in the layouts a batch size's kernels chose, with the bias and the
     * post-op scales, at one weight version; shared by the batch sizes whose kernels chose the
     * same layouts (a candidate's full batches and its last one), so each version is packed once.
     */
    private final class Packed {
        final memory[] packed;
        final memory bias, scales;
        /** The f32 weights as written from Java, before packing. */
        private memory staging;
        long loaded = -1;

        Packed(memory.desc[] layouts) {
            packed = new memory[layouts.length];
            for (int i = 0; i < layouts.length; i++) packed[i] = Dnnl.alloc(layouts[i]);
            // The dense product's output column (oy, ox, co) takes channel co's bias and scale.
            int columns = mode == Mode.DENSE ? h * w * oc : oc;
            memory.desc row = mode == Mode.CONV ? Dnnl.vector(oc, memory.data_type.f32) : Dnnl.rowMajor(1, columns, memory.data_type.f32);
            bias = Dnnl.alloc(row);
            scales = !scaled || integer ? null
                    : Dnnl.alloc(mode == Mode.CONV ? Dnnl.nhwc(1, oc, 1, 1, memory.data_type.f32) : Dnnl.rowMajor(1, columns, memory.data_type.f32));
        }

        boolean fits(memory.desc[] layouts) {
            if (layouts.length != packed.length) return false;
            for (int i = 0; i < layouts.length; i++) if (!packed[i].get_desc().equals(layouts[i])) return false;
            return true;
        }

        /** A kernel's arguments with kernel i's packed weights. */
        IntMemoryMap args(memory srcMem, memory dstMem, int i) {
            IntMemoryMap a = new IntMemoryMap();
            a.put(DNNL_ARG_SRC, srcMem);
            a.put(DNNL_ARG_WEIGHTS, packed[i]);
            a.put(DNNL_ARG_BIAS, bias);
            a.put(DNNL_ARG_DST, dstMem);
            if (scales != null) a.put(DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1, scales);
            return a;
        }

        /** Packs the current weight version unless it is already packed. */
        void load(DnnlPatchClasses patches) {
            if (loaded == version) return;
            int times = mode == Mode.DENSE ? h * w : 1;
            float[] matrix = mode == Mode.DENSE ? denseWeights(weights, h, w, ic, oc, k) : weights;
            // HWIO f32, read as the convolution's (oc, ic, k, k) in hwio order or as the products' [k k ic, oc] rows.
            memory.desc user = mode == Mode.CONV
                    ? new memory.desc(new long[]{oc, ic, k, k}, memory.data_type.f32, memory.format_tag.hwio)
                    : Dnnl.rowMajor(matrix.length / ((long) times * oc), (long) times * oc, memory.data_type.f32);
            // Kept for the next version: a fresh buffer's first touch costs about as much as the copy.
            if (staging == null) staging = Dnnl.alloc(user);
            Dnnl.write(staging, matrix, matrix.length);
            if (patches != null) for (int i = 0; i < packed.length; i++) patches.weights(staging, i, packed[i]);
            else Dnnl.reorder(staging, packed[0], 1f);
            Dnnl.write(bias, tile(DnnlConv.this.bias, times), times * oc);
            if (scales != null) Dnnl.write(scales, tile(DnnlConv.this.scales, times), times * oc);
            loaded = version;
        }
    }

    /** A product's post-ops: per-column scales (a binary multiply by {@code row}) if scaled, then ReLU if any. */
    private primitive_attr productAttr(memory.desc row) {
        primitive_attr attr = new primitive_attr();
        post_ops po = new post_ops();
        if (scaled) po.append_binary(algorithm.binary_mul, row);
        if (relu) po.append_eltwise(1f, algorithm.eltwise_relu, 0f, 0f);
        if (po.len() > 0) attr.set_post_ops(po);
        return attr;
    }

    /**
     * @param scaled whether {@link #setWeights} passes per-channel output scales
     * @param relu   whether a ReLU follows (fused into the kernel)
     */
    DnnlConv(LayerSpec s, memory.data_type src, memory.data_type wei, memory.data_type dst, boolean scaled, boolean relu) {
        if (!s.isConv() || s.groups() != 1 || s.kernel() % 2 == 0 || s.inH() != s.outH() || s.inW() != s.outW())
            throw new IllegalArgumentException("oneDNN convolution expects a same-padded stride-1 convolution with groups 1, got " + s);
        this.h = s.inH(); this.w = s.inW(); this.ic = s.inChannels(); this.oc = s.outChannels(); this.k = s.kernel();
        this.src = src; this.wei = wei; this.dst = dst;
        this.scaled = scaled;
        this.relu = relu;
        this.integer = src == memory.data_type.u8 || src == memory.data_type.s8;
        this.mode = !(wei == memory.data_type.bf16 && smallMapProducts(s, src)) ? Mode.CONV
                : h <= k / 2 + 1 && w <= k / 2 + 1 ? Mode.DENSE : Mode.PATCHES;
    }

    /**
     * Whether a layer runs as matrix products rather than oneDNN's convolution, in inference
     * ({@link Mode#DENSE}, {@link Mode#PATCHES}) and in bf16 training ({@link DnnlTrainConv}): bf16,
     * maps of at most {@value #PRODUCT_PIXELS} pixels, and wide layers only. At VGG-16 width 1/4 (128
     * channels on these maps) the products made a candidate about 10 % slower than the convolution
     * (0.41-0.44 s -> 0.45-0.49 s on 5,120 images); at width 1 (256-512) 28 % faster.
     */
    static boolean smallMapProducts(LayerSpec s, memory.data_type t) {
        return t == memory.data_type.bf16 && s.inH() * s.inW() <= PRODUCT_PIXELS && s.inChannels() >= WIDE && s.outChannels() >= WIDE;
    }

    /** How this layer runs ({@link Mode}). */
    Mode mode() { return mode; }

    /**
     * The [h w ic, h w oc] matrix of a same-padded convolution on an h x w map that every kernel
     * window covers: row (iy, ix, ci), column (oy, ox, co) holds tap (iy - oy + k/2, ix - ox + k/2)
     * of the HWIO weights (0 where the pair is farther apart than the kernel reaches).
     */
    static float[] denseWeights(float[] hwio, int h, int w, int ic, int oc, int k) {
        int cols = h * w * oc, p = k / 2;
        float[] m = new float[h * w * ic * cols];
        for (int iy = 0; iy < h; iy++)
            for (int ix = 0; ix < w; ix++)
                for (int oy = 0; oy < h; oy++)
                    for (int ox = 0; ox < w; ox++) {
                        int ky = iy - oy + p, kx = ix - ox + p;
                        if (ky < 0 || kx < 0 || ky >= k || kx >= k) continue;
                        for (int ci = 0; ci < ic; ci++)
                            System.arraycopy(hwio, ((ky * k + kx) * ic + ci) * oc,
                                    m, ((iy * w + ix) * ic + ci) * cols + (oy * w + ox) * oc, oc);
                    }
        return m;
    }

    private static float[] tile(float[] v, int times) {
        float[] t = new float[v.length * times];
        for (int i = 0; i < times; i++) System.arraycopy(v, 0, t, i * v.length, v.length);
        return t;
    }

    /**
     * New weights (HWIO order, as {@link LayerSpec#weightShape()}; integer codes for s8/bf16
     * codes), bias per output channel (null = 0) and output scales (null unless scaled). The
     * reorder into oneDNN's layout happens once, at the next call of each batch size.
     */
    void setWeights(float[] hwio, float[] bias, float[] scales) {
        if (hwio.length != (long) k * k * ic * oc)
            throw new IllegalArgumentException("expected " + (k * k * ic * oc) + " weights, got " + hwio.length);
        if (scaled != (scales != null)) throw new IllegalArgumentException(scaled ? "scales required" : "no scales expected");
        this.weights = hwio.clone();
        this.bias = bias == null ? new float[oc] : bias.clone();
        this.scales = scales == null ? null : scales.clone();
        version++;
    }

    /** The NHWC source / destination descriptors of a batch of n. */
    memory.desc srcDesc(int n) { return Dnnl.nhwc(n, ic, h, w, src); }

    memory.desc dstDesc(int n) { return Dnnl.nhwc(n, oc, h, w, dst); }

    /** dst = conv(src) for a batch of n (memories of {@link #srcDesc}/{@link #dstDesc}). */
    void forward(int n, memory srcMem, memory dstMem) {
        if (weights == null) throw new IllegalStateException("setWeights first");
        Prim p = prims.get(n);
        if (p == null || p.bakedVersion >= 0 && p.bakedVersion != version) {
            p = new Prim(n);
            prims.put(n, p);
        }
        p.forward(srcMem, dstMem);
    }

    /**
     * The u8 output stage of a scaled ReLU convolution, as oneDNN's int8 kernels compute it in
     * fp32: {@code rint(clamp(scale * ((float) acc + bias), 0, 255))}, round half to even. The
     * integer references of the tests and the documentation use this formula.
     */
    static int requantizeU8(int acc, float bias, float scale) {
        float v = ((float) acc + bias) * scale;
        return (int) Math.rint(Math.min(Math.max(v, 0f), 255f));
    }

}
