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
 * are reordered into its layout once per {@link #setWeights} (the "weight version"), not per call.
 *
 * <p>Optional per-output-channel scales and bias follow oneDNN 2.x semantics,
 * {@code dst = relu?(scale[c] * (acc + bias[c]))} with {@code acc} the exact integer (int8) or
 * fp32 (f32/bf16) sum of products. oneDNN 2.5's convolutions take output scales only at primitive
 * creation (runtime scales are matmul/reorder only), so a new weight version builds a new
 * primitive; oneDNN's kernel cache keeps that cheap. Types: f32 x f32 -> f32; bf16 x bf16 -> bf16 or f32 (fp32 accumulation);
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
         * fewer than one zero-padded [n h w, k k ic] patch matrix (which training still uses).
         */
        PATCHES
    }

    private final Mode mode;
    /** Fewest input and output channels for which a small map runs as a product ({@link Mode}). */
    static final int WIDE = 256;
    /** The largest map (pixels) that runs as matrix products ({@link #smallMapProducts}). */
    static final int PRODUCT_PIXELS = 16;
    private final Map<Integer, Prim> prims = new HashMap<>();
    private final Map<Integer, Parts> parts = new HashMap<>();
    private final java.util.List<PartWeights> partWeights = new java.util.ArrayList<>();
    private float[] weights, bias, scales;
    private long version;

    /** A primitive for one batch size and weight version (oneDNN 2.x bakes output scales into the primitive). */
    private final class Prim {
        /** The convolution or the dense product (PATCHES runs {@link Parts}). */
        final org.bytedeco.dnnl.primitive conv;
        final memory wMem, bMem, sMem;
        /** DENSE: the [rows, c] views of the NHWC source and destination (same bytes); null otherwise. */
        final Dnnl.View srcRows, dstRows;
        final long wVersion;

        Prim(int n) {
            wVersion = version;
            if (mode == Mode.DENSE) {
                int kIn = h * w * ic, kOut = h * w * oc;
                srcRows = new Dnnl.View(Dnnl.rowMajor(n, kIn, src));
                dstRows = new Dnnl.View(Dnnl.rowMajor(n, kOut, dst));
                memory.desc wd = new memory.desc(new long[]{kIn, kOut}, wei, memory.format_tag.any);
                memory.desc row = Dnnl.rowMajor(1, kOut, memory.data_type.f32);
                org.bytedeco.dnnl.matmul.primitive_desc pd = Dnnl.matmul(srcRows.desc(), wd, row, dstRows.desc(), productAttr(row));
                conv = new org.bytedeco.dnnl.matmul(pd);
                wMem = Dnnl.alloc(pd.weights_desc());
                memory user = Dnnl.alloc(Dnnl.rowMajor(kIn, kOut, memory.data_type.f32));
                Dnnl.write(user, denseWeights(weights, h, w, ic, oc, k), kIn * kOut);
                Dnnl.reorder(user, wMem, 1f);
                user.close();
                // Output column (oy, ox, co) takes channel co's bias and scale.
                bMem = Dnnl.alloc(row);
                Dnnl.write(bMem, tile(bias, h * w), kOut);
                sMem = scaled ? Dnnl.alloc(row) : null;
                if (sMem != null) Dnnl.write(sMem, tile(scales, h * w), kOut);
                return;
            }
            srcRows = null;
            dstRows = null;
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
            convolution_forward.primitive_desc pd;
            try {
                pd = new convolution_forward.primitive_desc(d, attr, Dnnl.engine());
            } catch (RuntimeException e) {
                throw new UnsupportedOperationException("oneDNN has no " + src + " x " + wei + " -> " + dst
                        + " convolution for " + ic + "->" + oc + " channels on " + h + "x" + w + " (" + e.getMessage() + ")", e);
            }
            conv = new convolution_forward(pd);
            wMem = Dnnl.alloc(pd.weights_desc());
            bMem = Dnnl.alloc(Dnnl.vector(oc, memory.data_type.f32));
            memory user = Dnnl.alloc(new memory.desc(new long[]{oc, ic, k, k}, memory.data_type.f32, memory.format_tag.hwio));
            Dnnl.write(user, weights, weights.length);
            Dnnl.reorder(user, wMem, 1f);
            user.close();
            Dnnl.write(bMem, bias, oc);
            sMem = scaled && !integer ? Dnnl.alloc(Dnnl.nhwc(1, oc, 1, 1, memory.data_type.f32)) : null;
            if (sMem != null) Dnnl.write(sMem, scales, oc);
        }
    }

    /**
     * PATCHES for one batch size: the parts' patch matrices, copies and products
     * ({@link DnnlPatchClasses}), built once. The products take the scales as a post-op tensor, not
     * baked in, so a new weight version creates no primitive: it only packs each part's weights
     * again ({@link PartWeights}).
     */
    private final class Parts {
        final DnnlPatchClasses patches;
        final org.bytedeco.dnnl.primitive[] products;
        final IntMemoryMap[] args;
        final PartWeights weights;

        Parts(int n) {
            patches = new DnnlPatchClasses(n, h, w, ic, oc, k, src, dst);
            int count = patches.parts.size();
            products = new org.bytedeco.dnnl.primitive[count];
            args = new IntMemoryMap[count];
            memory.desc row = Dnnl.rowMajor(1, oc, memory.data_type.f32);
            memory.desc[] layouts = new memory.desc[count];
            for (int i = 0; i < count; i++) {
                DnnlPatchClasses.Part part = patches.parts.get(i);
                long rows = (long) n * part.pixels(), kIn = (long) part.taps() * ic;
                memory.desc wd = new memory.desc(new long[]{kIn, oc}, wei, memory.format_tag.any);
                org.bytedeco.dnnl.matmul.primitive_desc pd = Dnnl.matmul(Dnnl.rowMajor(rows, kIn, src), wd, row,
                        Dnnl.rowMajor(rows, oc, dst), productAttr(row));
                products[i] = new org.bytedeco.dnnl.matmul(pd);
                layouts[i] = pd.weights_desc();
            }
            weights = partWeights.stream().filter(p -> p.fits(layouts)).findFirst().orElseGet(() -> {
                PartWeights p = new PartWeights(layouts);
                partWeights.add(p);
                return p;
            });
            for (int i = 0; i < count; i++) {
                args[i] = new IntMemoryMap();
                args[i].put(DNNL_ARG_SRC, patches.patches[i]);
                args[i].put(DNNL_ARG_WEIGHTS, weights.packed[i]);
                args[i].put(DNNL_ARG_BIAS, weights.bias);
                args[i].put(DNNL_ARG_DST, patches.products[i]);
                if (weights.scales != null) args[i].put(DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1, weights.scales);
            }
        }

        void forward(memory srcMem, memory dstMem) {
            weights.load(patches);
            // Each part's patches times its taps' weights into its own buffer, then into its pixels.
            patches.fill(srcMem.get_data_handle());
            for (int i = 0; i < products.length; i++) Dnnl.run(products[i], args[i]);
            patches.scatter(dstMem.get_data_handle());
        }
    }

    /**
     * The parts' weights packed in their products' layouts, with the bias and scales, at one weight
     * version; shared by the batch sizes whose products chose the same layouts (a candidate's
     * full batches and its last one), so each new version is packed once.
     */
    private final class PartWeights {
        final memory[] packed;
        final memory user, bias, scales;
        long loaded = -1;

        PartWeights(memory.desc[] layouts) {
            packed = new memory[layouts.length];
            for (int i = 0; i < layouts.length; i++) packed[i] = Dnnl.alloc(layouts[i]);
            user = Dnnl.alloc(Dnnl.rowMajor((long) k * k * ic, oc, memory.data_type.f32));
            memory.desc row = Dnnl.rowMajor(1, oc, memory.data_type.f32);
            bias = Dnnl.alloc(row);
            scales = scaled ? Dnnl.alloc(row) : null;
        }

        boolean fits(memory.desc[] layouts) {
            for (int i = 0; i < layouts.length; i++) if (!packed[i].get_desc().equals(layouts[i])) return false;
            return true;
        }

        void load(DnnlPatchClasses patches) {
            if (loaded == version) return;
            Dnnl.write(user, weights, weights.length);
            for (int i = 0; i < packed.length; i++) patches.weights(user, i, packed[i]);
            Dnnl.write(bias, DnnlConv.this.bias, oc);
            if (scales != null) Dnnl.write(scales, DnnlConv.this.scales, oc);
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
        if (mode == Mode.PATCHES) {
            parts.computeIfAbsent(n, Parts::new).forward(srcMem, dstMem);
            return;
        }
        Prim p = prims.get(n);
        if (p == null || p.wVersion != version) {
            p = new Prim(n);
            prims.put(n, p);
        }
        IntMemoryMap a = new IntMemoryMap();
        // The dense product reads and writes the NHWC bytes through [rows, c] views.
        a.put(DNNL_ARG_SRC, p.srcRows == null ? srcMem : p.srcRows.over(srcMem));
        a.put(DNNL_ARG_WEIGHTS, p.wMem);
        a.put(DNNL_ARG_BIAS, p.bMem);
        a.put(DNNL_ARG_DST, p.dstRows == null ? dstMem : p.dstRows.over(dstMem));
        if (p.sMem != null) a.put(DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE | DNNL_ARG_SRC_1, p.sMem);
        Dnnl.run(p.conv, a);
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
