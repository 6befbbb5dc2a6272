package org.emomc4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * bf16 and int8 inference on oneDNN's kernels ({@link Precision} states the semantics). The whole
 * convolutional part runs inside oneDNN: each layer is one convolution with BatchNorm folded into
 * per-channel output scales and bias and ReLU fused, then oneDNN's max-pool (exact on bf16 and on
 * 8-bit codes). The final fully connected layer runs in Java (10 outputs). Weights are packed
 * once per weight version ({@link CompressionHooks#version()}), not per batch.
 *
 * <p>int8 calibration rule: the input range is max|x| and each layer's output range the maximum
 * of its post-ReLU activation, over the first {@link #DEFAULT_CALIBRATION_IMAGES} (or
 * {@link Model#setCalibration}'s count) training images in bf16 with the same weights (this class's
 * bf16 path: about 2.5x faster than ND4J's fp32, and a maximum in bf16 is within 2^-8 of fp32's); the
 * input is coded as s8 (scale max|x|/127), activations as u8 (scale max/255). It is redone for
 * every new weight version (each candidate plan).
 *
 * <p>int8 fallback: a layer whose weights are on no grid of at most 8 bits (9-12-bit layers, which
 * most search candidates have) runs as a bf16 convolution on its input's 8-bit codes (exact in bf16)
 * with the weights as bf16 scoring takes them (a grid of at most 9 bits as its exact codes, else
 * rounded to bf16), fp32 accumulation, the same folded scales as the int8 kernels, and its output
 * requantized to 8 bits: activations stay 8-bit everywhere, at about half the int8 kernels' speed
 * rather than a fifth (fp32).
 *
 * <p>When a search scores a candidate ({@link PrefixCache#reusing}), each batch chunk's pooling outputs
 * are kept in the process's {@link PrefixCache}, and a chunk whose first layers and input were seen
 * before starts from the deepest one held (exact).
 */
final class DnnlBackend implements Backend {

    static final int DEFAULT_CALIBRATION_IMAGES = Precision.CALIBRATION_IMAGES;
    private static final memory.data_type F32 = memory.data_type.f32, BF16 = memory.data_type.bf16,
            U8 = memory.data_type.u8, S8 = memory.data_type.s8;
    /** Largest grid bit-width whose codes bf16 holds exactly (8 significant bits: |code| <= 255). */
    static final int BF16_EXACT_BITS = 9;
    /**
     * Images per pass through oneDNN: larger batches are split. Measured on this CPU, the
     * 512-channel layers on 2x2 and 4x4 maps run 2-5x faster at batch 128 than at 256.
     */
    static final int CHUNK = 128;

    private final Model model;
    private final boolean int8;
    private final ParameterStore ps;
    private final NetworkSpec spec;
    private final int nConv;
    private final DnnlConv[] fast, fallbackConv;
    /** Per conv layer: computed in the bf16 fallback (int8 only) for the current weights. */
    private final boolean[] fallback;
    /** Per conv layer: grid bits used (0 = no grid, raw weights). */
    private final int[] gridBits;
    private long packed = -1;
    /** The calibration images (by identity) and count the int8 ranges were computed on. */
    private ImageSet packedCalibration;
    private int packedCalibrationCount;
    private float inScale = 1f;
    private float[] actScale;
    private float[] fcW, fcB;
    private double fcStep;
    private boolean fcInt;
    private final Map<Integer, Batch> batches = new LinkedHashMap<>();
    /**
     * Per conv layer, the {@link PrefixCache} digest of everything layer l adds to its output
     * given its input: index, path, weights or codes, folded scales and bias, activation ranges
     * (after {@link #prepare}; null when reuse is off).
     */
    private PrefixCache.Key[] layerDigest;
    /** Conv MACs of one image per layer, and of all conv layers. */
    private final long[] macs;
    private final long convMacs;

    DnnlBackend(Model model, Precision p) {
        if (p == Precision.FP32) throw new IllegalArgumentException("fp32 runs on ND4J");
        this.model = model;
        this.int8 = p == Precision.INT8;
        this.ps = model.store;
        this.spec = model.spec();
        this.nConv = ps.nConv;
        fast = new DnnlConv[nConv];
        fallbackConv = new DnnlConv[nConv];
        fallback = new boolean[nConv];
        gridBits = new int[nConv];
        actScale = new float[nConv];
        macs = new long[nConv];
        long all = 0;
        for (int l = 0; l < nConv; l++) all += macs[l] = spec.layer(l).macs();
        convMacs = all;
        for (int l = 0; l < nConv; l++) {
            LayerSpec s = spec.layer(l);
            fast[l] = int8 ? new DnnlConv(s, l == 0 ? S8 : U8, S8, U8, true, true)
                           : new DnnlConv(s, BF16, BF16, BF16, true, true);
        }
    }

    /** Which conv layers run in the int8 bf16 fallback for the current weights (after {@link #prepare}). */
    boolean[] fallbackLayers() { return fallback.clone(); }

    /** Grid bit-width found per conv layer (0 = none) after {@link #prepare}. */
    int[] gridBits() { return gridBits.clone(); }

    /** int8: real value of one input code (after {@link #prepare}). */
    float inputScale() { return inScale; }

    /** int8: real value of one output code per conv layer (after {@link #prepare}). */
    float[] activationScales() { return actScale.clone(); }

    @Override
    public void prepare() { prepare(true); }

    /** @param digests whether to compute the {@link PrefixCache} digests when reuse is on (not for int8's calibration) */
    private void prepare(boolean digests) {
        ImageSet cal = int8 ? model.calibrationSet() : null;
        int calCount = int8 ? model.calibrationCount() : 0;
        boolean reuse = digests && PrefixCache.shared().enabled();
        // (A version prepared while reuse was off has no digests: prepared again once it is on.)
        if (packed == model.hooks.version() && cal == packedCalibration && calCount == packedCalibrationCount
                && (layerDigest != null || !reuse)) return;
        // Transforms are deterministic in (layer, weights): rerun only for a new weight version.
        model.hooks.refresh();
        if (int8) calibrate();
        float[] rm = ps.runMean.toFloatVector(), rv = ps.runVar.toFloatVector();
        layerDigest = reuse ? new PrefixCache.Key[nConv] : null;
        for (int l = 0; l < nConv; l++) {
            LayerSpec s = spec.layer(l);
            float[] w = model.hooks.forwardArray(l);
            QuantGrid g = QuantGrid.detect(w, int8 ? 8 : BF16_EXACT_BITS);
            gridBits[l] = g == null ? 0 : g.bits();
            float[] gamma = ps.gamma[l].toFloatVector(), beta = ps.beta[l].toFloatVector();
            int c = s.outChannels(), o = ps.bnOff[l];
            float in = int8 ? (l == 0 ? inScale : actScale[l - 1]) : 1f, out = int8 ? actScale[l] : 1f;
            fallback[l] = int8 && g == null;
            // The bf16 fallback holds a grid's codes exactly up to 9 bits; past that, bf16-rounded weights.
            QuantGrid used = fallback[l] ? QuantGrid.detect(w, BF16_EXACT_BITS) : g;
            double step = used == null ? 1 : used.step();
            // Input codes in, output codes out (int8 and its fallback alike): the steps fold into the scales.
            double pre = step * in;
            float[] scale = new float[c], bias = new float[c];
            for (int k = 0; k < c; k++) {
                double sc = gamma[k] / Math.sqrt(rv[o + k] + Model.BN_EPS), sh = beta[k] - rm[o + k] * sc;
                double os = pre * sc / out;
                if (Math.abs(os) < 1e-30) os = 1e-30; // a dead channel: oneDNN scales (acc + bias), so keep the scale invertible
                scale[k] = (float) os;
                bias[k] = (float) (sh / out / os);
            }
            float[] packedWeights = used == null ? w : used.codes();
            if (fallback[l]) {
                if (fallbackConv[l] == null) fallbackConv[l] = new DnnlConv(s, BF16, BF16, F32, true, true);
                fallbackConv[l].setWeights(packedWeights, bias, scale);
            } else {
                fast[l].setWeights(packedWeights, bias, scale);
            }
            // The layer's shape and path, its input and output code steps, and its parameters.
            if (reuse) layerDigest[l] = new PrefixCache.Digest().add((long) l).add((long) s.inH()).add((long) s.inW())
                    .add((long) s.inChannels()).add((long) s.outChannels()).add((long) s.kernel()).add(s.poolAfter() ? 1L : 0L)
                    .add(fallback[l] ? 1L : 0L).add(l == 0 ? inScale : actScale[l - 1]).add(actScale[l])
                    .add(packedWeights).add(bias).add(scale).key();
        }
        float[] w = model.hooks.forwardArray(nConv);
        QuantGrid g = int8 ? QuantGrid.detect(w, 8) : null;
        fcInt = g != null;
        fcW = fcInt ? g.codes() : w;
        fcStep = fcInt ? g.step() : 1;
        fcB = ps.fcBias.dup().data().asFloat();
        packed = model.hooks.version();
        packedCalibration = cal;
        packedCalibrationCount = calCount;
    }

    private void calibrate() {
        ImageSet set = model.calibrationSet();
        if (set == null)
            throw new IllegalStateException("int8 evaluation calibrates its activation ranges on training images: call "
                    + "Model.setCalibration(trainImages, " + DEFAULT_CALIBRATION_IMAGES + ") first (CLI: int8 uses the training split)");
        ImageSet cal = set.head(Math.min(set.size(), model.calibrationCount()));
        int bs = CHUNK;
        BatchLoader loader = new BatchLoader(cal, bs, false, 0);
        float[] f = new float[bs * ImageSet.PIXELS];
        int[] labels = new int[bs];
        double inMax = 0;
        double[] max = new double[nConv];
        // The ranges come from this model's bf16 path with the candidate's weights (prepared here once per version).
        DnnlBackend bf16 = (DnnlBackend) model.backendFor(Precision.BF16);
        for (int b = 0; b < loader.batchesPerEpoch(); b++) {
            int n = loader.fill(0, b, f, labels);
            for (int i = 0; i < n * ImageSet.PIXELS; i++) inMax = Math.max(inMax, Math.abs(f[i]));
            bf16.layerMaxima(model.input(f, n), n, max);
        }
        inScale = (float) (inMax > 0 ? inMax / 127 : 1);
        for (int l = 0; l < nConv; l++) actScale[l] = (float) (max[l] > 0 ? max[l] / 255 : 1);
    }

    /** oneDNN memories and pooling primitives of one batch size. */
    private final class Batch {
        final memory xF32, x0;
        final memory[] out, pooled, srcBf16, dstF32;
        /** Elements of each conv layer's output. */
        final long[] outElements;
        /** Bytes of each pooling output (plain NHWC: what {@link PrefixCache} copies). */
        final long[] pooledBytes;
        final pooling_forward[] pool;
        final IntMemoryMap[] poolArgs;
        /** The input reorder (its scale is int8's input code step, fixed per weight version). */
        Dnnl.Reorder in;
        float inFor = Float.NaN;
        /** The int8 fallback's reorders: input codes to bf16, its fp32 output to u8 codes (both unscaled). */
        final Dnnl.Reorder[] toBf16, fromF32;

        Batch(int n) {
            memory.data_type act = int8 ? U8 : BF16;
            xF32 = Dnnl.alloc(Dnnl.nhwc(n, spec.inputChannels(), spec.inputSize(), spec.inputSize(), F32));
            x0 = Dnnl.alloc(Dnnl.nhwc(n, spec.inputChannels(), spec.inputSize(), spec.inputSize(), int8 ? S8 : BF16));
            out = new memory[nConv]; pooled = new memory[nConv]; srcBf16 = new memory[nConv]; dstF32 = new memory[nConv];
            pool = new pooling_forward[nConv];
            poolArgs = new IntMemoryMap[nConv];
            toBf16 = new Dnnl.Reorder[nConv]; fromF32 = new Dnnl.Reorder[nConv];
            pooledBytes = new long[nConv];
            outElements = new long[nConv];
            for (int l = 0; l < nConv; l++) {
                LayerSpec s = spec.layer(l);
                out[l] = Dnnl.alloc(Dnnl.nhwc(n, s.outChannels(), s.outH(), s.outW(), act));
                outElements[l] = (long) n * s.outChannels() * s.outH() * s.outW();
                if (s.poolAfter()) {
                    memory.desc pd = Dnnl.nhwc(n, s.outChannels(), s.outH() / 2, s.outW() / 2, act);
                    pooled[l] = Dnnl.alloc(pd);
                    pooledBytes[l] = pd.get_size();
                    long[] two = {2, 2}, zero = {0, 0};
                    pool[l] = new pooling_forward(new pooling_forward.primitive_desc(new pooling_forward.desc(
                            prop_kind.forward_inference, algorithm.pooling_max, out[l].get_desc(), pd, two, two, zero, zero),
                            Dnnl.engine()));
                    poolArgs[l] = new IntMemoryMap();
                    poolArgs[l].put(DNNL_ARG_SRC, out[l]);
                    poolArgs[l].put(DNNL_ARG_DST, pooled[l]);
                }
            }
        }

        memory srcBf16(int l, int n) {
            LayerSpec s = spec.layer(l);
            if (srcBf16[l] == null) {
                srcBf16[l] = Dnnl.alloc(Dnnl.nhwc(n, s.inChannels(), s.inH(), s.inW(), BF16));
                dstF32[l] = Dnnl.alloc(Dnnl.nhwc(n, s.outChannels(), s.outH(), s.outW(), F32));
            }
            return srcBf16[l];
        }
    }

    @Override
    public double[] logits(INDArray x, int n) {
        return run(x, n, null);
    }

    /**
     * bf16: raises {@code max[l]} to the largest post-ReLU output of conv layer l over the n images
     * (int8's calibration; the activations are neither taken from nor kept in the {@link PrefixCache}).
     */
    void layerMaxima(INDArray x, int n, double[] max) {
        if (int8) throw new IllegalStateException("layer maxima come from the bf16 path");
        prepare(false);   // its activations are not kept: no digests
        run(x, n, max);
    }

    private double[] run(INDArray x, int n, double[] maxima) {
        int pix = spec.inputSize() * spec.inputSize() * spec.inputChannels(), c = spec.layer(nConv).outChannels();
        INDArray xc = x.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && x.ordering() == 'c' && !x.isView()
                && x.length() == (long) n * pix ? x : x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c');
        org.bytedeco.javacpp.Pointer base = xc.data().addressPointer();
        double[] out = new double[n * c];
        for (int o = 0; o < n; o += CHUNK) {
            int m = Math.min(CHUNK, n - o);
            org.bytedeco.javacpp.Pointer at = new org.bytedeco.javacpp.BytePointer(base).position(4L * o * pix);
            System.arraycopy(chunk(at, m, maxima), 0, out, o * c, m * c);
        }
        return out;
    }

    /**
     * The {@link PrefixCache} key of each pooling layer's output for the chunk now in
     * {@code B.xF32} (null for layers without pooling): the arithmetic, the input's exact values,
     * then the digests of the layers up to it.
     */
    private PrefixCache.Key[] prefixKeys(Batch B, int len) {
        float[] in = new float[len];
        Dnnl.read(B.xF32, in, len);
        PrefixCache.Key at = new PrefixCache.Digest().add(int8 ? 8L : 16L).add(inScale).add(in).key();
        PrefixCache.Key[] keys = new PrefixCache.Key[nConv];
        for (int l = 0; l < nConv; l++) {
            at = new PrefixCache.Digest().add(at).add(layerDigest[l]).key();
            if (B.pool[l] != null) keys[l] = at;
        }
        return keys;
    }

    /** The logits of m images at {@code x} (NHWC floats); with {@code maxima}, each conv layer's largest output raises it. */
    private double[] chunk(org.bytedeco.javacpp.Pointer x, int n, double[] maxima) {
        Batch B = batches.get(n);
        if (B == null) {
            if (batches.size() >= 2) batches.remove(batches.keySet().iterator().next());
            B = new Batch(n);
            batches.put(n, B);
        }
        int len = n * spec.inputSize() * spec.inputSize() * spec.inputChannels();
        org.bytedeco.javacpp.Pointer.memcpy(B.xF32.get_data_handle(), x, 4L * len);
        // Activation reuse: the deepest pooling output already computed for this chunk and these
        // layers ({@link PrefixCache}), or none (start = 0).
        PrefixCache cache = PrefixCache.shared();
        PrefixCache.Key[] keys = layerDigest != null && cache.enabled() && maxima == null ? prefixKeys(B, len) : null;
        int start = 0;
        for (int l = nConv - 1; keys != null && l >= 0 && start == 0; l--)
            if (keys[l] != null && cache.restore(keys[l], B.pooled[l].get_data_handle(), B.pooledBytes[l])) start = l + 1;
        long skipped = 0;
        for (int l = 0; l < start; l++) skipped += macs[l] * n;
        if (keys != null) cache.count(convMacs * n, skipped);
        memory cur;
        if (start == 0) {
            float inS = int8 ? 1f / inScale : 1f;
            if (B.in == null || B.inFor != inS) { B.in = new Dnnl.Reorder(B.xF32, B.x0, inS); B.inFor = inS; }
            B.in.run();
            cur = B.x0;
        } else {
            cur = B.pooled[start - 1];
        }
        for (int l = start; l < nConv; l++) {
            if (fallback[l]) {
                // Codes to bf16 (exact), the bf16 convolution writes fp32 in code units, rounded and saturated to u8.
                memory sb = B.srcBf16(l, n);
                if (B.toBf16[l] == null) B.toBf16[l] = new Dnnl.Reorder(cur, sb, 1f);
                if (B.fromF32[l] == null) B.fromF32[l] = new Dnnl.Reorder(B.dstF32[l], B.out[l], 1f);
                B.toBf16[l].run();
                fallbackConv[l].forward(n, sb, B.dstF32[l]);
                B.fromF32[l].run();
            } else {
                fast[l].forward(n, cur, B.out[l]);
            }
            if (maxima != null) maxima[l] = Math.max(maxima[l], Dnnl.maxBf16(B.out[l], B.outElements[l]));
            if (B.pool[l] != null) {
                Dnnl.run(B.pool[l], B.poolArgs[l]);
                cur = B.pooled[l];
                if (keys != null) cache.store(keys[l], cur.get_data_handle(), B.pooledBytes[l]);
            } else {
                cur = B.out[l];
            }
        }
        LayerSpec fc = spec.layer(nConv);
        int in = fc.inChannels(), c = fc.outChannels();
        double[] logits = new double[n * c];
        if (int8) {
            int[] q = new int[n * in];
            Dnnl.readU8(cur, q, q.length);
            double a = actScale[nConv - 1];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < c; k++) {
                    if (fcInt) {
                        long acc = 0;
                        for (int j = 0; j < in; j++) acc += q[i * in + j] * (long) fcW[j * c + k];
                        logits[i * c + k] = acc * (a * fcStep) + fcB[k];
                    } else {
                        double s = 0;
                        for (int j = 0; j < in; j++) s += q[i * in + j] * a * fcW[j * c + k];
                        logits[i * c + k] = s + fcB[k];
                    }
                }
        } else {
            float[] v = new float[n * in];
            Dnnl.readBf16(cur, v, v.length);
            for (int i = 0; i < n; i++)
                for (int k = 0; k < c; k++) {
                    double s = 0;
                    for (int j = 0; j < in; j++) s += (double) v[i * in + j] * fcW[j * c + k];
                    logits[i * c + k] = s + fcB[k];
                }
        }
        return logits;
    }

    @Override
    public void release() {
        batches.clear();
    }
}
