package org.emomc4j.nn;

import org.emomc4j.data.BatchLoader;
import org.emomc4j.data.ImageSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A VGG network with weights: the paper's "network" that compression plans are applied to.
 * Built from a {@link NetworkSpec}; runs on ND4J ops called directly (NHWC activations, HWIO
 * weights, the oneDNN kernels), not on DL4J layers, which are ten times slower here.
 *
 * <p>Compression hooks, per compressible layer (index as in {@link NetworkSpec#layers()}):
 * <ul>
 *   <li>{@link #weights(int)} / {@link #setWeights(int, float[])}: the stored fp32 weights in
 *       {@link LayerSpec#weightShape()} layout;</li>
 *   <li>{@link #setMask(int, boolean[])}: a fixed pruning mask; masked weights are zeroed at once
 *       and stay exactly zero through training (gradients and weights are masked after every
 *       update);</li>
 *   <li>{@link #setWeightTransform(int, WeightTransform)}: applied to a copy of the stored weights
 *       before every forward pass (training and evaluation); the gradient passes straight
 *       through to the stored weights (STE), which evaluation never modifies.</li>
 * </ul>
 *
 * <p>Threads: one instance is not thread-safe (it reuses activation buffers across calls); use
 * one instance per thread. Separate instances share nothing and may run concurrently, but each
 * ND4J op already uses all cores, so concurrent evaluation rarely runs faster than sequential.
 */
public final class Model {

    /** BatchNorm epsilon and running-statistics momentum (PyTorch's defaults, as in the reference). */
    public static final double BN_EPS = 1e-5, BN_MOMENTUM = 0.1;

    private final NetworkSpec spec;
    private final DataType dtype;
    private final int nConv;
    // One flat buffer for all trainable parameters (and one for their gradients) so that the
    // optimizer, weight decay and masks are a handful of ops over all layers, not dozens per layer.
    final INDArray params, grads;
    final INDArray runMean, runVar;
    private final long[] wOff;
    private final INDArray[] w, gW, gamma, beta, gGamma, gBeta, rMean, rVar;
    private final INDArray fcBias, gFcBias;
    private final int[] bnOff;

    private final boolean[][] masks;
    /** Kept output channels of a conv layer's BatchNorm (null: all), see {@link #setChannelMask}. */
    private final boolean[][] channelMasks;
    INDArray maskFlat;
    private final WeightTransform[] transforms;
    private final INDArray[] effW;

    private final Map<Long, Buffers> buffers = new LinkedHashMap<>();
    /** BatchNorm+ReLU in fused Java passes (float only); false = libnd4j ops (reference path, double). */
    boolean fused;
    private final FusedBn fbn = new FusedBn();
    /**
     * Layers whose backward pass avoids {@code conv2d_bp}: measured on this CPU, that op is
     * pathologically slow on 32x32 maps (6-70 GFLOP/s vs 150-230 forward) and on wide 2x2 maps.
     * There the weight gradient is nine matrix products over zero-bordered flat buffers (each
     * kernel tap is an offset view, no im2col copy) and the input gradient is the fast forward
     * convolution with 180-degree-rotated, in/out-swapped weights. A fixed rule, not auto-tuning,
     * so the arithmetic (and thus resume) stays bit-reproducible.
     */
    boolean[] padded;

    private Model(NetworkSpec spec, DataType dtype) {
        this.spec = spec;
        this.dtype = dtype;
        int L = spec.size();
        this.nConv = L - 1;
        this.fused = dtype == DataType.FLOAT;
        this.padded = new boolean[L];
        for (int l = 0; l < nConv; l++) {
            LayerSpec s = spec.layer(l);
            padded[l] = s.kernel() == 3 && (s.inH() >= 32 || (s.inH() <= 2 && s.inChannels() >= 256));
        }
        for (int l = 0; l < nConv; l++)
            if (!spec.layer(l).isConv()) throw new IllegalArgumentException("engine expects convolutions then one FC layer");
        LayerSpec fc = spec.layer(L - 1);
        if (fc.isConv()) throw new IllegalArgumentException("engine expects the last layer to be fully connected");
        wOff = new long[L];
        bnOff = new int[nConv];
        long off = 0;
        int bn = 0;
        for (int l = 0; l < L; l++) {
            LayerSpec s = spec.layer(l);
            wOff[l] = off;
            off += s.weightCount() + (s.isConv() ? 2L * s.outChannels() : s.outChannels());
            if (s.isConv()) { bnOff[l] = bn; bn += s.outChannels(); }
        }
        params = Nd4j.create(dtype, off);
        grads = Nd4j.create(dtype, off);
        runMean = Nd4j.create(dtype, Math.max(bn, 1));
        runVar = Nd4j.ones(dtype, Math.max(bn, 1));
        w = new INDArray[L]; gW = new INDArray[L];
        gamma = new INDArray[nConv]; beta = new INDArray[nConv]; gGamma = new INDArray[nConv]; gBeta = new INDArray[nConv];
        rMean = new INDArray[nConv]; rVar = new INDArray[nConv];
        for (int l = 0; l < L; l++) {
            LayerSpec s = spec.layer(l);
            long o = wOff[l], n = s.weightCount(), c = s.outChannels();
            w[l] = view(params, o, n, s.weightShape());
            gW[l] = view(grads, o, n, s.weightShape());
            if (s.isConv()) {
                gamma[l] = view(params, o + n, c, c);
                beta[l] = view(params, o + n + c, c, c);
                gGamma[l] = view(grads, o + n, c, c);
                gBeta[l] = view(grads, o + n + c, c, c);
                rMean[l] = view(runMean, bnOff[l], c, c);
                rVar[l] = view(runVar, bnOff[l], c, c);
            }
        }
        fcBias = view(params, wOff[L - 1] + fc.weightCount(), fc.outChannels(), 1, fc.outChannels());
        gFcBias = view(grads, wOff[L - 1] + fc.weightCount(), fc.outChannels(), 1, fc.outChannels());
        masks = new boolean[L][];
        channelMasks = new boolean[L][];
        transforms = new WeightTransform[L];
        effW = new INDArray[L];
    }

    private static INDArray view(INDArray flat, long off, long len, long... shape) {
        return flat.get(NDArrayIndex.interval(off, off + len)).reshape('c', shape);
    }

    /** A freshly initialised network (He-normal convolutions, BatchNorm gamma 1 / beta 0), reproducible from the seed. */
    public static Model create(NetworkSpec spec, long seed) {
        return create(spec, seed, DataType.FLOAT);
    }

    /** As {@link #create(NetworkSpec, long)} with another precision (double is for gradient checks). */
    static Model create(NetworkSpec spec, long seed, DataType dtype) {
        Model m = new Model(spec, dtype);
        Random r = new Random(seed);
        for (int l = 0; l < spec.size(); l++) {
            LayerSpec s = spec.layer(l);
            float[] v = new float[Math.toIntExact(s.weightCount())];
            if (s.isConv()) {
                double std = Math.sqrt(2.0 / (s.kernel() * s.kernel() * s.inChannels() / s.groups()));
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
                m.gamma[l].assign(1.0);
            } else {
                double b = 1.0 / Math.sqrt(s.inChannels());
                for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * b);
            }
            m.setWeights(l, v);
        }
        return m;
    }

    /** Loads the network stored in a checkpoint (its architecture comes from the file). */
    public static Model load(Path checkpoint) {
        return Checkpoint.read(checkpoint).model();
    }

    /** Writes this network (no optimizer state) as a checkpoint. */
    public void save(Path checkpoint) {
        Checkpoint.write(checkpoint, this, null, 0, "{}");
    }

    public NetworkSpec spec() { return spec; }

    DataType dtype() { return dtype; }

    int convCount() { return nConv; }

    // ---------------------------------------------------------------- compression hooks

    /** A copy of the stored fp32 weights of a layer, flattened in {@link LayerSpec#weightShape()} order. */
    public float[] weights(int layer) {
        return w[layer].dup('c').data().asFloat();
    }

    /** Replaces the stored weights of a layer; positions its mask prunes are set to zero. */
    public void setWeights(int layer, float[] values) {
        LayerSpec s = spec.layer(layer);
        if (values.length != s.weightCount())
            throw new IllegalArgumentException("layer " + s.name() + " has " + s.weightCount() + " weights, got " + values.length);
        w[layer].assign(Nd4j.create(values, s.weightShape(), 'c').castTo(dtype));
        if (masks[layer] != null) applyMask(layer);
    }

    /**
     * Sets a fixed pruning mask (true = keep) for a layer, or clears it with {@code null}. Pruned
     * weights are zeroed now and kept exactly zero by every later training step.
     */
    public void setMask(int layer, boolean[] keep) {
        LayerSpec s = spec.layer(layer);
        if (keep == null) {
            masks[layer] = null;
            if (maskFlat != null) {
                view(maskFlat, wOff[layer], s.weightCount(), s.weightCount()).assign(1.0);
                if (noMasks()) maskFlat = null;
            }
            return;
        }
        if (keep.length != s.weightCount())
            throw new IllegalArgumentException("mask for layer " + s.name() + " needs " + s.weightCount() + " entries, got " + keep.length);
        masks[layer] = keep.clone();
        if (maskFlat == null) maskFlat = Nd4j.ones(dtype, params.length());
        float[] f = new float[keep.length];
        for (int i = 0; i < f.length; i++) f[i] = keep[i] ? 1f : 0f;
        view(maskFlat, wOff[layer], s.weightCount(), s.weightCount()).assign(Nd4j.createFromArray(f).castTo(dtype));
        applyMask(layer);
    }

    private boolean noMasks() {
        return Arrays.stream(masks).allMatch(x -> x == null) && Arrays.stream(channelMasks).allMatch(x -> x == null);
    }

    /**
     * Removes output channels of a conv layer structurally, the BatchNorm half of filter pruning
     * (Li et al.): the BatchNorm scale (gamma) and shift (beta) of every channel not kept are
     * zeroed now and kept exactly zero by every later training step, so the channel's output after
     * BatchNorm and ReLU is 0 whatever its filter computes. {@code null} clears the channel mask.
     * The filter's own weights and the next layer's input weights are masked with
     * {@link #setMask}; {@code compress.prune.FilterPruning#apply} sets all three.
     */
    public void setChannelMask(int layer, boolean[] keptChannels) {
        LayerSpec s = spec.layer(layer);
        if (!s.isConv()) throw new IllegalArgumentException("layer " + s.name() + " has no BatchNorm: only conv channels can be masked");
        long c = s.outChannels(), o = wOff[layer] + s.weightCount();
        if (keptChannels == null) {
            channelMasks[layer] = null;
            if (maskFlat != null) {
                view(maskFlat, o, 2 * c, 2 * c).assign(1.0);
                if (noMasks()) maskFlat = null;
            }
            return;
        }
        if (keptChannels.length != c)
            throw new IllegalArgumentException("channel mask for layer " + s.name() + " needs " + c + " entries, got " + keptChannels.length);
        channelMasks[layer] = keptChannels.clone();
        if (maskFlat == null) maskFlat = Nd4j.ones(dtype, params.length());
        float[] f = new float[2 * (int) c];
        for (int i = 0; i < c; i++) f[i] = f[i + (int) c] = keptChannels[i] ? 1f : 0f;
        INDArray m = view(maskFlat, o, 2 * c, 2 * c);
        m.assign(Nd4j.createFromArray(f).castTo(dtype));
        view(params, o, 2 * c, 2 * c).muli(m).addi(0.0);
    }

    /** Kept output channels of a conv layer's BatchNorm (a copy), or null when all are kept. */
    public boolean[] channelMask(int layer) {
        return channelMasks[layer] == null ? null : channelMasks[layer].clone();
    }

    /** BatchNorm scale and shift of a conv layer, {gamma, beta}, copies. */
    public float[][] batchNorm(int layer) {
        if (!spec.layer(layer).isConv()) throw new IllegalArgumentException("layer " + spec.layer(layer).name() + " has no BatchNorm");
        return new float[][]{gamma[layer].dup().data().asFloat(), beta[layer].dup().data().asFloat()};
    }

    /** Replaces the BatchNorm scale and shift of a conv layer; channels its channel mask removes stay zero. */
    public void setBatchNorm(int layer, float[] gammaValues, float[] betaValues) {
        LayerSpec s = spec.layer(layer);
        if (!s.isConv()) throw new IllegalArgumentException("layer " + s.name() + " has no BatchNorm");
        if (gammaValues.length != s.outChannels() || betaValues.length != s.outChannels())
            throw new IllegalArgumentException("layer " + s.name() + " has " + s.outChannels() + " BatchNorm channels, got "
                    + gammaValues.length + " and " + betaValues.length);
        gamma[layer].assign(Nd4j.createFromArray(gammaValues).castTo(dtype));
        beta[layer].assign(Nd4j.createFromArray(betaValues).castTo(dtype));
        if (channelMasks[layer] != null) setChannelMask(layer, channelMasks[layer]);
    }

    /** The layer's mask (a copy), or null when it has none. */
    public boolean[] mask(int layer) {
        return masks[layer] == null ? null : masks[layer].clone();
    }

    private void applyMask(int layer) {
        LayerSpec s = spec.layer(layer);
        long n = s.weightCount();
        // x * 0 is -0.0 for negative x; adding +0.0 turns it into +0.0 so pruned weights are exactly 0.
        view(params, wOff[layer], n, n).muli(view(maskFlat, wOff[layer], n, n)).addi(0.0);
    }

    /** Sets (or clears with null) the forward-pass weight transform of a layer (quantization, dynamic pruning). */
    public void setWeightTransform(int layer, WeightTransform t) {
        spec.layer(layer);
        transforms[layer] = t;
        if (t != null && effW[layer] == null) effW[layer] = Nd4j.create(dtype, spec.layer(layer).weightShape());
        if (t == null) effW[layer] = null;
    }

    /** Removes every weight transform (masks stay). */
    public void clearWeightTransforms() {
        for (int l = 0; l < spec.size(); l++) setWeightTransform(l, null);
    }

    public WeightTransform weightTransform(int layer) { return transforms[layer]; }

    /** Running BatchNorm statistics of a conv layer, {mean, variance}, copies. */
    public float[][] batchNormStats(int layer) {
        return new float[][]{rMean[layer].dup().data().asFloat(), rVar[layer].dup().data().asFloat()};
    }

    // ---------------------------------------------------------------- evaluation

    /** Top-1 accuracy (fraction) on a set, using the transforms and masks in place; weights untouched. */
    public double accuracy(ImageSet set, int batchSize) {
        return evaluate(set, batchSize).accuracy();
    }

    /** Mean cross-entropy and top-1 accuracy of a set in inference mode. */
    public record Evaluation(double loss, double accuracy, int images) { }

    /** Evaluates a set in inference mode (running BatchNorm statistics). */
    public Evaluation evaluate(ImageSet set, int batchSize) {
        BatchLoader loader = new BatchLoader(set, batchSize, false, 0);
        float[] f = new float[batchSize * ImageSet.PIXELS];
        int[] labels = new int[batchSize];
        double loss = 0;
        long correct = 0;
        refreshTransforms();
        for (int b = 0; b < loader.batchesPerEpoch(); b++) {
            int n = loader.fill(0, b, f, labels);
            INDArray x = input(f, n);
            Buffers B = buffers(n, false);
            forward(x, false, B);
            double[] lc = lossAndGrad(B, labels, n, false);
            loss += lc[0] * n;
            correct += (long) lc[1];
        }
        int n = set.size();
        return new Evaluation(n == 0 ? 0 : loss / n, n == 0 ? 0 : (double) correct / n, n);
    }

    /** Logits [n, classes] of NHWC normalised images [n, 32, 32, 3], in inference mode. */
    public float[][] logits(INDArray nhwc) {
        refreshTransforms();
        int n = (int) nhwc.size(0);
        Buffers B = buffers(n, false);
        forward(nhwc.castTo(dtype), false, B);
        float[] lg = B.logits.dup().data().asFloat();
        int c = spec.numClasses();
        float[][] out = new float[n][c];
        for (int i = 0; i < n; i++) System.arraycopy(lg, i * c, out[i], 0, c);
        return out;
    }

    INDArray input(float[] nhwc, int n) {
        INDArray x = Nd4j.create(Arrays.copyOf(nhwc, n * ImageSet.PIXELS),
                new long[]{n, spec.inputSize(), spec.inputSize(), spec.inputChannels()}, 'c');
        return dtype == DataType.FLOAT ? x : x.castTo(dtype);
    }

    // ---------------------------------------------------------------- training step (package API for Trainer)

    /**
     * One forward + backward pass in training mode: fills {@link #grads} (masked; weight decay
     * is the optimizer's), updates the running BatchNorm statistics, returns {loss, correct}.
     */
    double[] forwardBackward(INDArray x, int[] labels) {
        int n = (int) x.size(0);
        refreshTransforms();
        Buffers B = buffers(n, true);
        forward(x, true, B);
        double[] lc = lossAndGrad(B, labels, n, true);
        backward(B);
        if (maskFlat != null) grads.muli(maskFlat);
        updateRunningStats(B);
        return lc;
    }

    /** Training-mode loss only (no state change); used by the gradient check. */
    double trainLoss(INDArray x, int[] labels) {
        int n = (int) x.size(0);
        refreshTransforms();
        Buffers B = buffers(n, true);
        forward(x, true, B);
        return lossAndGrad(B, labels, n, false)[0];
    }

    void applyMasks() {
        if (maskFlat != null) params.muli(maskFlat).addi(0.0); // +0.0: see applyMask
    }

    private void refreshTransforms() {
        for (int l = 0; l < spec.size(); l++) {
            WeightTransform t = transforms[l];
            if (t == null) continue;
            LayerSpec s = spec.layer(l);
            float[] out = t.apply(s, weights(l));
            if (out == null || out.length != s.weightCount())
                throw new IllegalStateException("weight transform of layer " + s.name() + " returned "
                        + (out == null ? "null" : out.length + " weights") + ", expected " + s.weightCount());
            effW[l].assign(Nd4j.create(out, s.weightShape(), 'c').castTo(dtype));
        }
    }

    private INDArray fwdW(int l) {
        return transforms[l] != null ? effW[l] : w[l];
    }

    /** Preallocated activations (and, for training, gradients) for one batch size. */
    private final class Buffers {
        final int n;
        final INDArray[] xin, z, a, p, mean, var, gA, gY, gZ, gX, dMean, dVar;
        final INDArray meanAll, varAll, unbias, logits, gFcIn;
        final float[][] jMean, jVar, jGamma;
        final INDArray[] xpad, xint, gpad, gint, wrot;
        final INDArray[][] xTap, gwTap;
        final INDArray[] gFlat, cols;
        float[] xpJava, colsJava;
        final float[] jMeanAll, jVarAll;

        Buffers(int n, boolean train) {
            this.n = n;
            xin = new INDArray[nConv]; z = new INDArray[nConv]; a = new INDArray[nConv]; p = new INDArray[nConv];
            mean = new INDArray[nConv]; var = new INDArray[nConv];
            gA = new INDArray[nConv]; gY = new INDArray[nConv]; gZ = new INDArray[nConv]; gX = new INDArray[nConv];
            dMean = new INDArray[nConv]; dVar = new INDArray[nConv];
            int totalC = (int) runMean.length();
            meanAll = Nd4j.create(dtype, totalC);
            varAll = Nd4j.create(dtype, totalC);
            float[] ub = new float[totalC];
            jMean = new float[nConv][]; jVar = new float[nConv][]; jGamma = new float[nConv][];
            jMeanAll = new float[totalC]; jVarAll = new float[totalC];
            xpad = new INDArray[nConv]; xint = new INDArray[nConv]; gpad = new INDArray[nConv]; gint = new INDArray[nConv];
            wrot = new INDArray[nConv]; xTap = new INDArray[nConv][]; gwTap = new INDArray[nConv][]; gFlat = new INDArray[nConv];
            cols = new INDArray[nConv];
            for (int l = 0; l < nConv; l++) {
                LayerSpec s = spec.layer(l);
                long c = s.outChannels();
                z[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                a[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                if (s.poolAfter()) p[l] = Nd4j.create(dtype, n, s.outH() / 2, s.outW() / 2, c);
                mean[l] = view(meanAll, bnOff[l], c, c);
                jMean[l] = new float[(int) c];
                jVar[l] = new float[(int) c];
                var[l] = view(varAll, bnOff[l], c, c);
                long m = (long) n * s.outH() * s.outW();
                Arrays.fill(ub, bnOff[l], bnOff[l] + (int) c, m > 1 ? (float) m / (m - 1) : 1f);
                boolean pd = fused && padded[l];
                if (pd) {
                    int H = s.inH(), W = s.inW(), Hp = H + 2, Wp = W + 2, ci = s.inChannels();
                    long P = (long) n * Hp * Wp, marg = Wp + 1;
                    INDArray xbig = Nd4j.create(dtype, (P + 2 * marg) * ci);
                    xpad[l] = view(xbig, marg * ci, P * ci, n, Hp, Wp, ci);
                    xint[l] = xpad[l].get(NDArrayIndex.all(), NDArrayIndex.interval(1, H + 1), NDArrayIndex.interval(1, W + 1), NDArrayIndex.all());
                    if (train) {
                        INDArray gbig = Nd4j.create(dtype, P * c);
                        gpad[l] = gbig.reshape('c', n, Hp, Wp, c);
                        gint[l] = gpad[l].get(NDArrayIndex.all(), NDArrayIndex.interval(1, H + 1), NDArrayIndex.interval(1, W + 1), NDArrayIndex.all());
                        gFlat[l] = gbig.reshape('c', P, c);
                        xTap[l] = new INDArray[9];
                        gwTap[l] = new INDArray[9];
                        for (int kh = 0; kh < 3; kh++)
                            for (int kw = 0; kw < 3; kw++) {
                                long r0 = marg + (long) (kh - 1) * Wp + (kw - 1);
                                xTap[l][kh * 3 + kw] = view(xbig, r0 * ci, P * ci, P, ci);
                                gwTap[l][kh * 3 + kw] = view(grads, wOff[l] + (long) (kh * 3 + kw) * ci * c, (long) ci * c, ci, c);
                            }
                        if (l > 0) wrot[l] = Nd4j.create(dtype, 3, 3, c, ci);
                        // Tiny maps: the zero border would be most of the GEMM, so build im2col
                        // columns instead (small there) and take one GEMM.
                        if (H <= 2) cols[l] = Nd4j.create(dtype, (long) n * H * W, 9L * ci);
                    }
                }
                if (train) {
                    if (s.poolAfter()) gA[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    if (!fused) gY[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    gZ[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    gX[l] = Nd4j.create(dtype, n, s.inH(), s.inW(), s.inChannels());
                    dMean[l] = Nd4j.create(dtype, c);
                    dVar[l] = Nd4j.create(dtype, c);
                }
            }
            unbias = Nd4j.createFromArray(ub).castTo(dtype);
            LayerSpec fc = spec.layer(nConv);
            logits = Nd4j.create(dtype, n, fc.outChannels());
            gFcIn = train ? Nd4j.create(dtype, n, fc.inChannels()) : null;
        }
    }

    private Buffers buffers(int n, boolean train) {
        long key = train ? n : -n;
        Buffers b = buffers.get(key);
        if (b == null) {
            // Keep few batch sizes alive: the full network's buffers are hundreds of MB.
            if (buffers.size() >= 3) buffers.remove(buffers.keySet().iterator().next());
            b = new Buffers(n, train);
            buffers.put(key, b);
        }
        return b;
    }

    /** Frees the cached activation buffers (they are rebuilt on demand). */
    public void releaseBuffers() {
        buffers.clear();
    }

    private INDArray fcInput(Buffers B) {
        LayerSpec last = spec.layer(nConv - 1);
        INDArray out = last.poolAfter() ? B.p[nConv - 1] : B.a[nConv - 1];
        return out.reshape('c', B.n, spec.layer(nConv).inChannels());
    }

    private void forward(INDArray x, boolean train, Buffers B) {
        INDArray cur = x;
        float[] rm = null, rv = null;
        if (fused && !train) { rm = runMean.toFloatVector(); rv = runVar.toFloatVector(); }
        for (int l = 0; l < nConv; l++) {
            LayerSpec s = spec.layer(l);
            B.xin[l] = cur;
            if (B.xpad[l] != null) {
                final INDArray c0 = cur;
                final int layer = l;
                NdOps.timed("pad-copy", () -> B.xint[layer].assign(c0));
                NdOps.conv2dValid(B.xpad[l], fwdW(l), B.z[l], s.kernel());
            } else {
                NdOps.conv2d(cur, fwdW(l), null, B.z[l], s.kernel());
            }
            if (fused) {
                final int layer = l;
                float[] g = gamma[l].toFloatVector(), bt = beta[l].toFloatVector();
                if (train) {
                    B.jGamma[l] = g;
                    NdOps.timed("bn+relu(java)", () -> fbn.forwardTrain(layer, B.z[layer], B.a[layer], g, bt, B.jMean[layer], B.jVar[layer], BN_EPS));
                    System.arraycopy(B.jMean[l], 0, B.jMeanAll, bnOff[l], g.length);
                    System.arraycopy(B.jVar[l], 0, B.jVarAll, bnOff[l], g.length);
                } else {
                    int o = bnOff[l], c = g.length;
                    float[] m = java.util.Arrays.copyOfRange(rm, o, o + c), v = java.util.Arrays.copyOfRange(rv, o, o + c);
                    NdOps.timed("bn+relu(java)", () -> fbn.forwardInfer(B.z[layer], B.a[layer], g, bt, m, v, BN_EPS));
                }
            } else {
                if (train) {
                    NdOps.moments(B.z[l], B.mean[l], B.var[l]);
                    NdOps.batchnorm(B.z[l], B.mean[l], B.var[l], gamma[l], beta[l], B.a[l], BN_EPS);
                } else {
                    NdOps.batchnorm(B.z[l], rMean[l], rVar[l], gamma[l], beta[l], B.a[l], BN_EPS);
                }
                NdOps.reluInPlace(B.a[l]);
            }
            if (s.poolAfter()) {
                NdOps.maxpool(B.a[l], B.p[l]);
                cur = B.p[l];
            } else {
                cur = B.a[l];
            }
        }
        if (fused && train) {
            B.meanAll.assign(Nd4j.createFromArray(B.jMeanAll));
            B.varAll.assign(Nd4j.createFromArray(B.jVarAll));
        }
        INDArray xf = fcInput(B);
        Nd4j.gemm(xf, fwdW(nConv), B.logits, false, false, 1.0, 0.0);
        B.logits.addiRowVector(fcBias);
    }

    /** Softmax cross-entropy from the logits; with grad, writes dLoss/dLogits into a new array kept in gLogits. */
    private INDArray gLogits;

    private double[] lossAndGrad(Buffers B, int[] labels, int n, boolean grad) {
        int c = spec.numClasses();
        double[] lg = B.logits.dup().data().asDouble();
        double loss = 0;
        int correct = 0;
        double[] g = grad ? new double[n * c] : null;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < c; k++) if (lg[i * c + k] > max) { max = lg[i * c + k]; arg = k; }
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(lg[i * c + k] - max);
            int y = labels[i];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " outside 0.." + (c - 1));
            loss += -(lg[i * c + y] - max - Math.log(sum));
            if (arg == y) correct++;
            if (grad) {
                for (int k = 0; k < c; k++) g[i * c + k] = Math.exp(lg[i * c + k] - max) / sum / n;
                g[i * c + y] -= 1.0 / n;
            }
        }
        if (grad) gLogits = Nd4j.create(g, new long[]{n, c}, 'c').castTo(dtype);
        return new double[]{loss / n, correct};
    }

    private void backward(Buffers B) {
        INDArray xf = fcInput(B);
        Nd4j.gemm(xf, gLogits, gW[nConv], true, false, 1.0, 0.0);
        gFcBias.assign(gLogits.sum(0).reshape(1, gLogits.size(1)));
        Nd4j.gemm(gLogits, fwdW(nConv), B.gFcIn, false, true, 1.0, 0.0);
        LayerSpec last = spec.layer(nConv - 1);
        INDArray up = B.gFcIn.reshape('c', B.n, last.outH() / (last.poolAfter() ? 2 : 1),
                last.outW() / (last.poolAfter() ? 2 : 1), last.outChannels());
        for (int l = nConv - 1; l >= 0; l--) {
            LayerSpec s = spec.layer(l);
            INDArray g = up;
            if (s.poolAfter()) {
                NdOps.maxpoolBp(B.a[l], g, B.gA[l]);
                g = B.gA[l];
            }
            if (fused) {
                final int layer = l;
                final INDArray gg = g;
                float[][][] gb = new float[1][][];
                NdOps.timed("bn+relu_bp(java)", () -> gb[0] = fbn.backward(layer, gg, B.gZ[layer],
                        B.jGamma[layer], B.jMean[layer], B.jVar[layer], BN_EPS));
                gGamma[l].assign(Nd4j.createFromArray(gb[0][0]));
                gBeta[l].assign(Nd4j.createFromArray(gb[0][1]));
            } else {
                NdOps.reluBp(B.a[l], g, B.gY[l]);
                NdOps.batchnormBp(B.z[l], B.mean[l], B.var[l], gamma[l], beta[l], B.gY[l],
                        B.gZ[l], B.dMean[l], B.dVar[l], gGamma[l], gBeta[l], BN_EPS);
            }
            if (B.gpad[l] != null) {
                final int layer = l;
                NdOps.timed("pad-copy", () -> B.gint[layer].assign(B.gZ[layer]));
                if (B.cols[l] != null) {
                    NdOps.timed("gW-im2col", () -> {
                        im2col(B, layer);
                        long rows = B.cols[layer].size(0), ci = s.inChannels(), co = s.outChannels();
                        Nd4j.gemm(B.cols[layer], B.gZ[layer].reshape('c', rows, co), view(grads, wOff[layer], 9 * ci * co, 9 * ci, co),
                                true, false, 1.0, 0.0);
                    });
                } else {
                    NdOps.timed("gW-9gemm", () -> {
                        for (int k = 0; k < 9; k++) Nd4j.gemm(B.xTap[layer][k], B.gFlat[layer], B.gwTap[layer][k], true, false, 1.0, 0.0);
                    });
                }
                if (l > 0) {
                    NdOps.timed("rotate-w", () -> rotate(fwdW(layer), B.wrot[layer], s));
                    NdOps.conv2dValid(B.gpad[l], B.wrot[l], B.gX[l], s.kernel());
                }
            } else {
                NdOps.conv2dBp(B.xin[l], fwdW(l), B.gZ[l], B.gX[l], gW[l], s.kernel());
            }
            up = B.gX[l];
        }
    }

    /** wr[kh][kw][co][ci] = w[k-1-kh][k-1-kw][ci][co]: the kernel of the input-gradient convolution. */
    private float[] rotSrc = new float[0], rotDst = new float[0];

    private void rotate(INDArray w, INDArray wr, LayerSpec s) {
        int k = s.kernel(), ci = s.inChannels(), co = s.outChannels(), len = k * k * ci * co;
        if (rotSrc.length < len) { rotSrc = new float[len]; rotDst = new float[len]; }
        float[] src = rotSrc, dst = rotDst;
        FusedBn.read(w, src, len); // w is a contiguous view (of the flat parameters or the transformed copy)
        final int T = 32; // tiled transpose: the plain loop strides through memory
        for (int kh = 0; kh < k; kh++)
            for (int kw = 0; kw < k; kw++) {
                int sb = ((k - 1 - kh) * k + (k - 1 - kw)) * ci * co, db = (kh * k + kw) * co * ci;
                for (int i0 = 0; i0 < ci; i0 += T)
                    for (int o0 = 0; o0 < co; o0 += T) {
                        int i1 = Math.min(ci, i0 + T), o1 = Math.min(co, o0 + T);
                        for (int i = i0; i < i1; i++)
                            for (int o = o0; o < o1; o++) dst[db + o * ci + i] = src[sb + i * co + o];
                    }
            }
        FusedBn.write(wr, dst, len);
    }

    /** cols[(n,h,w), (kh,kw,ci)] = xpad[n, h+kh, w+kw, ci]: HWIO order, so gW = cols^T gZ directly. */
    private static void im2col(Buffers B, int l) {
        INDArray xp = B.xpad[l];
        int n = (int) xp.size(0), Hp = (int) xp.size(1), Wp = (int) xp.size(2), ci = (int) xp.size(3);
        int H = Hp - 2, W = Wp - 2, len = n * Hp * Wp * ci, clen = n * H * W * 9 * ci;
        if (B.xpJava == null || B.xpJava.length < len) B.xpJava = new float[len];
        if (B.colsJava == null || B.colsJava.length < clen) B.colsJava = new float[clen];
        float[] x = B.xpJava, c = B.colsJava;
        FusedBn.read(xp, x, len);
        int row = 0;
        for (int ni = 0; ni < n; ni++)
            for (int h = 0; h < H; h++)
                for (int w = 0; w < W; w++, row++)
                    for (int kh = 0; kh < 3; kh++)
                        for (int kw = 0; kw < 3; kw++)
                            System.arraycopy(x, ((ni * Hp + h + kh) * Wp + w + kw) * ci, c, (row * 9 + kh * 3 + kw) * ci, ci);
        FusedBn.write(B.cols[l], c, clen);
    }

    private void updateRunningStats(Buffers B) {
        runMean.muli(1 - BN_MOMENTUM);
        Nd4j.getBlasWrapper().level1().axpy(runMean.length(), BN_MOMENTUM, B.meanAll, runMean);
        runVar.muli(1 - BN_MOMENTUM);
        Nd4j.getBlasWrapper().level1().axpy(runVar.length(), BN_MOMENTUM, B.varAll.mul(B.unbias), runVar);
    }

    // ---------------------------------------------------------------- raw state (checkpoints)

    float[] paramsArray() { return params.dup().data().asFloat(); }

    void setParamsArray(float[] v) { params.assign(Nd4j.createFromArray(v).castTo(dtype)); }

    float[] runningArray(boolean var) { return (var ? runVar : runMean).dup().data().asFloat(); }

    void setRunningArray(boolean var, float[] v) { (var ? runVar : runMean).assign(Nd4j.createFromArray(v).castTo(dtype)); }

    long paramCount() { return params.length(); }

    long bnCount() { return runMean.length(); }
}
