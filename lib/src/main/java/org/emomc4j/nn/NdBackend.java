package org.emomc4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.emomc4j.nn.ParameterStore.view;

/**
 * The fp32 path (and the double path of the gradient checks): ND4J ops called directly on NHWC
 * activations and HWIO weights (ND4J's bundled oneDNN kernels), BatchNorm+ReLU fused in Java
 * passes, and three backward strategies per layer (see {@link #padded}).
 */
final class NdBackend implements Backend.Training {

    /** BatchNorm epsilon (PyTorch's default, as in the reference). */
    static final double BN_EPS = Model.BN_EPS;

    private final ParameterStore ps;
    private final CompressionHooks hooks;
    private final Workspace ws;
    private final FusedBn fbn = new FusedBn();
    /** BatchNorm+ReLU in fused Java passes (float only); false = libnd4j ops (reference path, double). */
    boolean fused;
    /**
     * Layers whose backward pass avoids {@code conv2d_bp}: measured on this CPU, that op is
     * pathologically slow on 32x32 maps (6-70 GFLOP/s vs 150-230 forward) and on wide 2x2 maps.
     * There the weight gradient is nine matrix products over zero-bordered flat buffers (each
     * kernel tap is an offset view, no im2col copy) and the input gradient is the fast forward
     * convolution with 180-degree-rotated, in/out-swapped weights. A fixed rule, not auto-tuning,
     * so the arithmetic (and thus resume) stays bit-reproducible.
     */
    final boolean[] padded;
    /** dLoss/dLogits of the last training batch. */
    private INDArray gLogits;
    /** Training convolutions on oneDNN (bf16 training), or null for ND4J's fp32 ops. */
    private DnnlTrainConv[] dnnl;
    /** BatchNorm+ReLU of bf16 training on oneDNN (with {@link #dnnl}). */
    private DnnlBatchNorm[] dnnlBn;
    private final boolean[] noPadding;

    NdBackend(ParameterStore ps, CompressionHooks hooks) {
        this.ps = ps;
        this.hooks = hooks;
        this.ws = new Workspace(ps);
        this.fused = ps.dtype == DataType.FLOAT;
        NetworkSpec spec = ps.spec;
        this.padded = new boolean[spec.size()];
        for (int l = 0; l < ps.nConv; l++) {
            LayerSpec s = spec.layer(l);
            padded[l] = s.kernel() == 3 && (s.inH() >= 32 || (s.inH() <= 2 && s.inChannels() >= 256));
        }
        this.noPadding = new boolean[spec.size()];
    }

    /**
     * Training convolutions in another compute type on oneDNN (bf16; f32 for measurements), or
     * back on ND4J with null. Everything else (BatchNorm+ReLU, pooling, FC, loss, the fp32
     * master weights and gradients) is unchanged.
     */
    void trainOnDnnl(org.bytedeco.dnnl.memory.data_type t) {
        if (t != null && ps.dtype != DataType.FLOAT) throw new IllegalStateException("oneDNN training needs a float model");
        if (t == null && dnnl == null) return; // already on ND4J: keep the buffers
        ws.clear();
        if (t == null) { dnnl = null; dnnlBn = null; return; }
        dnnl = new DnnlTrainConv[ps.nConv];
        for (int l = 0; l < ps.nConv; l++) dnnl[l] = new DnnlTrainConv(ps.spec.layer(l), t);
        if (t != org.bytedeco.dnnl.memory.data_type.f32) {
            dnnlBn = new DnnlBatchNorm[ps.nConv];
            for (int l = 0; l < ps.nConv; l++) dnnlBn[l] = new DnnlBatchNorm(ps.spec.layer(l));
        }
    }

    private boolean[] padding() { return dnnl != null ? noPadding : padded; }

    @Override public void prepare() { hooks.refresh(); }

    @Override public void release() { ws.clear(); }

    @Override
    public double[] logits(INDArray x, int n) {
        Workspace.Batch B = ws.get(n, false, fused, padded);
        forward(x.dataType() == ps.dtype ? x : x.castTo(ps.dtype), false, B);
        return B.logits.dup().data().asDouble();
    }

    /** Inference-mode activations after each conv layer's BatchNorm+ReLU (before pooling), for calibration. */
    INDArray[] activations(INDArray x, int n) {
        Workspace.Batch B = ws.get(n, false, fused, padded);
        forward(x.dataType() == ps.dtype ? x : x.castTo(ps.dtype), false, B);
        return B.a.clone();
    }

    @Override
    public double[] forwardBackward(INDArray x, int[] labels) {
        return forwardBackward(x, labels, null, 1);
    }

    /** As {@link #forwardBackward(INDArray, int[])} against mixed targets ({@link Loss}: lambda on labels, the rest on partners). */
    double[] forwardBackward(INDArray x, int[] labels, int[] partners, double lambda) {
        mixPartners = partners;
        mixLambda = lambda;
        try {
            return forwardBackwardMixed(x, labels);
        } finally {
            mixPartners = null;
        }
    }

    private int[] mixPartners;
    private double mixLambda = 1;

    private double[] forwardBackwardMixed(INDArray x, int[] labels) {
        int n = (int) x.size(0);
        hooks.refresh();
        Workspace.Batch B = ws.get(n, true, fused, padding());
        forward(x, true, B);
        double[] lc = lossAndGrad(B, labels, n, true);
        backward(B);
        hooks.maskGradients();
        ps.updateRunningStats(B.meanAll, B.varAll, B.unbias);
        return lc;
    }

    /**
     * A training-mode forward pass only: this batch's BatchNorm statistics of every channel,
     * {mean, unbiased variance}, as {@link #forwardBackward} would fold them into the running ones
     * (which stay untouched).
     */
    float[][] batchStatistics(INDArray x) {
        int n = (int) x.size(0);
        hooks.refresh();
        Workspace.Batch B = ws.get(n, true, fused, padding());
        forward(x, true, B);
        return new float[][]{B.meanAll.toFloatVector(), B.varAll.mul(B.unbias).toFloatVector()};
    }

    @Override
    public double trainLoss(INDArray x, int[] labels) {
        int n = (int) x.size(0);
        hooks.refresh();
        Workspace.Batch B = ws.get(n, true, fused, padding());
        forward(x, true, B);
        return lossAndGrad(B, labels, n, false)[0];
    }

    /** Label smoothing of the training loss (0 = plain cross-entropy); evaluation never smooths. */
    void labelSmoothing(double e) { labelSmoothing = e; }

    private double labelSmoothing;

    private double[] lossAndGrad(Workspace.Batch B, int[] labels, int n, boolean grad) {
        int c = ps.spec.numClasses();
        double[] g = grad ? new double[n * c] : null;
        double[] lc = Loss.crossEntropy(B.logits.dup().data().asDouble(), c, labels, n, g, labelSmoothing, mixPartners, mixLambda);
        if (grad) gLogits = Nd4j.create(g, new long[]{n, c}, 'c').castTo(ps.dtype);
        return lc;
    }

    private INDArray fcInput(Workspace.Batch B) {
        int nConv = ps.nConv;
        LayerSpec last = ps.spec.layer(nConv - 1);
        INDArray out = last.poolAfter() ? B.p[nConv - 1] : B.a[nConv - 1];
        return out.reshape('c', B.n, ps.spec.layer(nConv).inChannels());
    }

    private void forward(INDArray x, boolean train, Workspace.Batch B) {
        INDArray cur = x;
        float[] rm = null, rv = null;
        if (fused && !train) { rm = ps.runMean.toFloatVector(); rv = ps.runVar.toFloatVector(); }
        for (int l = 0; l < ps.nConv; l++) {
            LayerSpec s = ps.spec.layer(l);
            B.xin[l] = cur;
            if (train && dnnl != null) {
                dnnl[l].forward(B.n, cur, hooks.forward(l), B.z[l]);
            } else if (B.xpad[l] != null) {
                final INDArray c0 = cur;
                final int layer = l;
                NdOps.timed("pad-copy", () -> B.xint[layer].assign(c0));
                NdOps.conv2dValid(B.xpad[l], hooks.forward(l), B.z[l], s.kernel());
            } else {
                NdOps.conv2d(cur, hooks.forward(l), null, B.z[l], s.kernel());
            }
            if (train && dnnlBn != null) {
                dnnlBn[l].forward(B.n, B.z[l], B.a[l], ps.gamma[l], B.mean[l], B.var[l]);
            } else if (fused) {
                final int layer = l;
                float[] g = ps.gamma[l].toFloatVector(), bt = ps.beta[l].toFloatVector();
                if (train) {
                    B.jGamma[l] = g;
                    NdOps.timed("bn+relu(java)", () -> fbn.forwardTrain(layer, B.z[layer], B.a[layer], g, bt, B.jMean[layer], B.jVar[layer], BN_EPS));
                    System.arraycopy(B.jMean[l], 0, B.jMeanAll, ps.bnOff[l], g.length);
                    System.arraycopy(B.jVar[l], 0, B.jVarAll, ps.bnOff[l], g.length);
                } else {
                    int o = ps.bnOff[l], c = g.length;
                    float[] m = java.util.Arrays.copyOfRange(rm, o, o + c), v = java.util.Arrays.copyOfRange(rv, o, o + c);
                    NdOps.timed("bn+relu(java)", () -> fbn.forwardInfer(B.z[layer], B.a[layer], g, bt, m, v, BN_EPS));
                }
            } else {
                if (train) {
                    NdOps.moments(B.z[l], B.mean[l], B.var[l]);
                    NdOps.batchnorm(B.z[l], B.mean[l], B.var[l], ps.gamma[l], ps.beta[l], B.a[l], BN_EPS);
                } else {
                    NdOps.batchnorm(B.z[l], ps.rMean[l], ps.rVar[l], ps.gamma[l], ps.beta[l], B.a[l], BN_EPS);
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
        if (fused && train && dnnlBn == null) {
            B.meanAll.assign(Nd4j.createFromArray(B.jMeanAll));
            B.varAll.assign(Nd4j.createFromArray(B.jVarAll));
        }
        INDArray xf = fcInput(B);
        Nd4j.gemm(xf, hooks.forward(ps.nConv), B.logits, false, false, 1.0, 0.0);
        B.logits.addiRowVector(ps.fcBias);
    }

    private void backward(Workspace.Batch B) {
        int nConv = ps.nConv;
        INDArray xf = fcInput(B);
        Nd4j.gemm(xf, gLogits, ps.gW[nConv], true, false, 1.0, 0.0);
        ps.gFcBias.assign(gLogits.sum(0).reshape(1, gLogits.size(1)));
        Nd4j.gemm(gLogits, hooks.forward(nConv), B.gFcIn, false, true, 1.0, 0.0);
        LayerSpec last = ps.spec.layer(nConv - 1);
        INDArray up = B.gFcIn.reshape('c', B.n, last.outH() / (last.poolAfter() ? 2 : 1),
                last.outW() / (last.poolAfter() ? 2 : 1), last.outChannels());
        for (int l = nConv - 1; l >= 0; l--) {
            LayerSpec s = ps.spec.layer(l);
            INDArray g = up;
            if (s.poolAfter()) {
                NdOps.maxpoolBp(B.a[l], g, B.gA[l]);
                g = B.gA[l];
            }
            if (dnnlBn != null) {
                dnnlBn[l].backward(B.n, B.z[l], g, B.gZ[l], ps.gamma[l], B.mean[l], B.var[l], ps.gGamma[l]);
            } else if (fused) {
                final int layer = l;
                final INDArray gg = g;
                float[][][] gb = new float[1][][];
                NdOps.timed("bn+relu_bp(java)", () -> gb[0] = fbn.backward(layer, gg, B.gZ[layer],
                        B.jGamma[layer], B.jMean[layer], B.jVar[layer], BN_EPS));
                ps.gGamma[l].assign(Nd4j.createFromArray(gb[0][0]));
                ps.gBeta[l].assign(Nd4j.createFromArray(gb[0][1]));
            } else {
                NdOps.reluBp(B.a[l], g, B.gY[l]);
                NdOps.batchnormBp(B.z[l], B.mean[l], B.var[l], ps.gamma[l], ps.beta[l], B.gY[l],
                        B.gZ[l], B.dMean[l], B.dVar[l], ps.gGamma[l], ps.gBeta[l], BN_EPS);
            }
            if (dnnl != null) {
                dnnl[l].backward(B.n, B.xin[l], B.gZ[l], hooks.forward(l), l > 0 ? B.gX[l] : null, ps.gW[l]);
            } else if (B.gpad[l] != null) {
                final int layer = l;
                NdOps.timed("pad-copy", () -> B.gint[layer].assign(B.gZ[layer]));
                if (B.cols[l] != null) {
                    NdOps.timed("gW-im2col", () -> {
                        im2col(B, layer);
                        long rows = B.cols[layer].size(0), ci = s.inChannels(), co = s.outChannels();
                        Nd4j.gemm(B.cols[layer], B.gZ[layer].reshape('c', rows, co), view(ps.grads, ps.wOff[layer], 9 * ci * co, 9 * ci, co),
                                true, false, 1.0, 0.0);
                    });
                } else {
                    NdOps.timed("gW-9gemm", () -> {
                        for (int k = 0; k < 9; k++) Nd4j.gemm(B.xTap[layer][k], B.gFlat[layer], B.gwTap[layer][k], true, false, 1.0, 0.0);
                    });
                }
                if (l > 0) {
                    NdOps.timed("rotate-w", () -> rotate(hooks.forward(layer), B.wrot[layer], s));
                    NdOps.conv2dValid(B.gpad[l], B.wrot[l], B.gX[l], s.kernel());
                }
            } else {
                NdOps.conv2dBp(B.xin[l], hooks.forward(l), B.gZ[l], B.gX[l], ps.gW[l], s.kernel());
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
    private static void im2col(Workspace.Batch B, int l) {
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
}
