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
    private final Map<Integer, Prim> prims = new HashMap<>();
    private float[] weights, bias, scales;
    private long version;

    /** A primitive for one batch size and weight version (oneDNN 2.x bakes output scales into the primitive). */
    private final class Prim {
        final convolution_forward.primitive_desc pd;
        final convolution_forward conv;
        final memory wMem, bMem, sMem;
        final long wVersion;

        Prim(int n) {
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
            wVersion = version;
        }
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
        if (p == null || p.wVersion != version) {
            p = new Prim(n);
            prims.put(n, p);
        }
        IntMemoryMap a = new IntMemoryMap();
        a.put(DNNL_ARG_SRC, srcMem);
        a.put(DNNL_ARG_WEIGHTS, p.wMem);
        a.put(DNNL_ARG_BIAS, p.bMem);
        a.put(DNNL_ARG_DST, dstMem);
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
